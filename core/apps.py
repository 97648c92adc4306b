from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The project's cross-cutting infrastructure (no models); installed so it can register extensions."""

    name = "core"

    def ready(self):
        # Registers the OpenAPI extensions (LenientTokenAuthentication's scheme, AnsweredInFullExtension).
        from core.api import schema  # noqa: F401
