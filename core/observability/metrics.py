"""Prometheus metrics (served by core/observability/views.py at /metrics).

Under gunicorn every worker writes its own files in PROMETHEUS_MULTIPROC_DIR and /metrics, answered by any worker,
adds them up (prometheus-client's multiprocess mode; the directory is emptied when gunicorn starts, see
core/observability/gunicorn.py). Without that directory (runserver, tests) the numbers are the process's own.
Every label has a bounded set of values: routes are URL patterns, never paths.
"""

from prometheus_client import Counter, Histogram, disable_created_metrics

# The `_created` series double what is exposed and nothing here reads them.
disable_created_metrics()

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"
# Seconds; the fast reads answer in about a millisecond, uploads and writes in tens.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_DURATION = Histogram(
    "coderr_http_request_duration_seconds",
    "Time to answer a request, by method, route (URL pattern) and status; _count is the number of requests.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
DB_QUERIES = Counter("coderr_db_queries", "Database statements run while answering requests, by route.", ["route"])
THROTTLE_REJECTIONS = Counter("coderr_throttle_rejections", "Requests answered 429, by throttle scope.", ["scope"])
DEPENDENCY_FAILURES = Counter(
    "coderr_dependency_failures",
    "Failed calls to a dependency (database, cache, storage), from requests and from /api/health/.",
    ["dependency"],
)

# Metric children by label values: `labels()` takes a lock and builds a key on every call.
_request_children = {}
_query_children = {}


def observe_request(method, route, status, seconds, queries):
    if method not in HTTP_METHODS:
        method = "other"
    key = (method, route, status)
    child = _request_children.get(key)
    if child is None:
        child = _request_children[key] = REQUEST_DURATION.labels(method, route, str(status))
    child.observe(seconds)
    if queries:
        counter = _query_children.get(route)
        if counter is None:
            counter = _query_children[route] = DB_QUERIES.labels(route)
        counter.inc(queries)


def throttle_rejected(scope):
    THROTTLE_REJECTIONS.labels(scope or "other").inc()


def dependency_failed(dependency):
    DEPENDENCY_FAILURES.labels(dependency).inc()


class QueryCounter:
    """Counts the statements a database connection runs: an execute wrapper installed once per connection."""

    __slots__ = ("count",)

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def query_counter(connection):
    counter = getattr(connection, "coderr_query_counter", None)
    if counter is None:
        counter = connection.coderr_query_counter = QueryCounter()
        connection.execute_wrappers.append(counter)
    return counter
