"""Domain errors: a write broke a rule of the domain. Services raise them; the API's one exception handler
(core.api.exceptions) words them, so no view catches them."""


class DomainError(Exception):
    """A refused write. `status` 400 answers `{field: [message]}` (`non_field_errors` without a field);
    any other status answers `{"detail": message}`."""

    status = 400
    field = None
    message = ""

    def __init__(self, message=None, *, field=None):
        super().__init__(message or self.message)
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field
