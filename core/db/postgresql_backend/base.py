"""PostgreSQL backend: fewer round trips and less planning for the statements every request runs.

1. The connection health check runs only for a connection that sat idle. Django's CONN_HEALTH_CHECKS sends
   `SELECT 1` before the first statement of every request on a reused connection: one more round trip for
   every request, however busy the server. A connection that breaks while requests use it shows it on the
   request that uses it (which answers 503; Django then drops the connection), so the check only helps a
   connection that broke unseen while nobody used it: a restart or failover of the database, an idle
   timeout of a proxy or firewall in between. Here the check runs when the connection has been idle for at
   least DB_HEALTH_CHECK_AFTER_IDLE seconds since the last request ended; back-to-back requests skip it.
2. `plan_reusing_cursor(sql)`: core.db.prepared runs its statements (compiled once per process) through it.
   A statement whose plan cannot depend on its parameter values is prepared on the server once per
   connection (psycopg's `prepare=True`, server-side parameters) and afterwards only executed: PostgreSQL
   parses and plans it once instead of on every request. That holds for statements without parameters and
   for those that compare parameters with `=` or `IN (...)` only (lookups by id). A statement with `LIKE`
   or a range comparison is not prepared: after five executions PostgreSQL may switch a prepared statement
   to one generic plan for all values, and for the search that plan walked the whole offer table for a
   rare word (560 ms instead of 0.3 ms, measured on 100,000 offers). DB_REUSE_PLANS=False turns this off
   (a pooler in transaction mode without prepared-statement support, such as PgBouncer before 1.21).
"""

import functools
import re
import time

from django.conf import settings
from django.db.backends.postgresql import base, operations

# Django writes every parameter as %s. Equality (not <=, >=, !=) with a parameter, or a list of them in IN.
_EQUAL_TO_PARAMETER = re.compile(r"(?<![<>!])=\s*%s|\bIN\s*\(\s*%s(?:\s*,\s*%s)*\s*\)", re.IGNORECASE)
_PREPARABLE = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def plan_is_reusable(sql):
    """Whether one plan serves every value of the statement's parameters (see the module docstring)."""
    return bool(_PREPARABLE.match(sql)) and "%s" not in _EQUAL_TO_PARAMETER.sub("", sql)


class PlanReusingCursor(base.ServerBindingCursor):
    """Server-side parameters, and every statement prepared on its first execution on the connection."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        # Logged (DEBUG, tests counting queries) with its values, like the statements of the other cursors.
        if isinstance(cursor, PlanReusingCursor):
            return self.compose_sql(sql, params)
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _last_request_boundary = None
    _reuse_plan = False

    def close_if_unusable_or_obsolete(self):
        # Called as each request starts and as it ends (django.db.close_old_connections): at a start, the
        # time since the previous call is how long the connection sat idle.
        previous, now = self._last_request_boundary, time.monotonic()
        self._last_request_boundary = now
        super().close_if_unusable_or_obsolete()
        recently_used = previous is not None and now - previous < settings.DB_HEALTH_CHECK_AFTER_IDLE
        if self.connection is not None and recently_used:
            self.health_check_done = True

    def get_connection_params(self):
        params = super().get_connection_params()
        if settings.DB_REUSE_PLANS and params.get("prepare_threshold") is None:
            # psycopg prepares nothing without a threshold, not even on request; with one this high, only the
            # statements run with prepare=True (PlanReusingCursor) are prepared.
            params["prepare_threshold"] = 2**31 - 1
        return params

    def plan_reusing_cursor(self, sql):
        """A cursor for `sql` that prepares it on the server when its plan is reusable, else a plain cursor."""
        if not (settings.DB_REUSE_PLANS and plan_is_reusable(sql)):
            return self.cursor()
        self._reuse_plan = True
        try:
            return self.cursor()
        finally:
            self._reuse_plan = False

    def create_cursor(self, name=None):
        if self._reuse_plan and name is None:
            return PlanReusingCursor(self.connection)
        return super().create_cursor(name)
