"""Opting read-only views out of ATOMIC_REQUESTS."""

from django.db import transaction
from django.utils.decorators import method_decorator

# For views that only read, with a single statement (or statements that need no common snapshot): the
# request transaction would add BEGIN/COMMIT round trips and, on SQLite, nothing they need.
outside_request_transaction = method_decorator(transaction.non_atomic_requests, name="dispatch")
