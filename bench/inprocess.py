"""Measurements taken inside this process with Django's test client: query counts, EXPLAIN, profiles.

Import only after `django.setup()`. The client goes through the whole middleware stack (including the
request transaction) against the benchmark database, so the counts are those a gunicorn worker runs;
they are taken here because counting inside the server would slow the very requests being timed.
"""

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from offer_app.models import Offer
from reviews_app.models import Review

# Transaction control is not work the view asked for (and SQLite's BEGIN shows up where PostgreSQL's does not).
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT)\b", re.IGNORECASE)


@dataclass
class QueryCount:
    status: int
    queries: int
    sql: list = field(default_factory=list)


def _client():
    return Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)


def _send(client, request):
    body = request.body_text()
    return client.generic(
        request.method,
        request.path,
        data=body or "",
        content_type="application/json" if body is not None else None,
        headers=request.headers(),
    )


def _captured(request, client):
    """Send `request`, rolling back whatever it writes, and return (response, SQL statements run)."""
    with CaptureQueriesContext(connection) as captured:
        if request.method in ("GET", "HEAD"):
            response = _send(client, request)
        else:
            with transaction.atomic():
                response = _send(client, request)
                transaction.set_rollback(True)
    sql = [q["sql"] for q in captured.captured_queries if not TRANSACTION_CONTROL.match(q["sql"])]
    return response, sql


def count_queries(scenarios):
    """One request per scenario (its first); writes are rolled back so the dataset stays as built.

    A read is counted the second time it is sent, as under load: the first fills the caches that every
    later request uses (the list's count and the statistics, cached until the data changes).
    """
    client = _client()
    counts = {}
    for scenario in scenarios:
        if scenario.first.method in ("GET", "HEAD"):
            _send(client, scenario.first)
        response, sql = _captured(scenario.first, client)
        counts[scenario.key] = QueryCount(response.status_code, len(sql), sql)
    return counts


# --- EXPLAIN --------------------------------------------------------------------------------------------


def explain_cases(data):
    """The list/filter queries whose plans should use the indexes, with an ORM stand-in per case.

    The plan is taken from the SQL the endpoint really runs; the ORM stand-in is only explained when the
    endpoint does not answer 200 (yet), and the output says so.
    """
    creator = data.sample_creator_id
    reviewed = data.top_review_business["user_id"]
    return [
        ("Offers list, default ordering (-updated_at)", "/api/offers/?page=1", None, "offer_app_offer",
         Offer.objects.order_by("-updated_at", "-id")[:6]),
        ("Offers list ordered by min_price", "/api/offers/?ordering=min_price", None, "offer_app_offer",
         Offer.objects.order_by("min_price", "id")[:6]),
        ("Offers list filtered by creator_id", f"/api/offers/?creator_id={creator}", None, "offer_app_offer",
         Offer.objects.filter(user_id=creator).order_by("-updated_at", "-id")[:6]),
        ("Offers list searched (S2)", f"/api/offers/?search={data.search_word}&min_price=100&ordering=-min_price",
         None, "offer_app_offer",
         Offer.objects.filter(Q(title__icontains=data.search_word) | Q(description__icontains=data.search_word),
                              min_price__gte=100).order_by(F("min_price").desc(nulls_first=True), "-id")[:6]),
        ("Reviews of one business user, newest first",
         f"/api/reviews/?business_user_id={reviewed}&ordering=-updated_at", data.any_customer_token,
         "reviews_app_review", Review.objects.filter(business_user_id=reviewed).order_by("-updated_at", "-id")),
    ]  # fmt: skip


def _explain_sql(sql):
    if connection.vendor == "postgresql":
        statement = f"EXPLAIN (ANALYZE, BUFFERS) {sql}"
    else:
        statement = f"EXPLAIN QUERY PLAN {sql}"
    with connection.cursor() as cursor:
        cursor.execute(statement)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(row[0] for row in rows)
    return "\n".join(f"{row[-1]}" for row in rows)


def explain(data):
    """EXPLAIN of each case; returns printable text."""
    from bench.scenarios import Request

    client = _client()
    blocks = []
    for title, path, token, table, fallback in explain_cases(data):
        cache.clear()  # so that the counts the list caches run, and are explained, too
        response, sql = _captured(Request("GET", path, token), client)
        queries = [s for s in sql if s.lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in s]
        blocks.append(f"### {title}\n`GET {path}` -> {response.status_code}")
        if response.status_code == 200 and queries:
            for query in queries:
                blocks.append(f"SQL: {query}\n{_explain_sql(query)}")
        else:
            plan = fallback.explain(analyze=True) if connection.vendor == "postgresql" else fallback.explain()
            blocks.append(
                "The endpoint did not answer 200, so this is the plan of an ORM equivalent, not of the view:\n"
                f"SQL: {fallback.query}\n{plan}"
            )
    return "\n\n".join(blocks)


# --- Profiles ---------------------------------------------------------------------------------------------


# Frames worth seeing in a request's profile: the apps, and the DRF, ORM and filter code they drive.
PROFILE_SHOW = (
    r".*(_app/|rest_framework/(mixins|generics|pagination|serializers|relations|fields|renderers|authentication)"
    r"|django/db/models/(query|sql/compiler|base)|django_filters/(filterset|rest_framework)).*"
)
PROFILE_HIDE = r".*(django/core/handlers|middleware|deprecation|django/test|contextlib|bench/|drf_spectacular).*"


def profile(scenario, requests=300):
    """pyinstrument profile of `requests` requests of the scenario, in this process; returns the text.

    Two views: the functions with the most own time, then the call tree through the app, DRF and ORM code.
    """
    from pyinstrument import Profiler

    client = _client()
    profiler = Profiler(interval=0.0005)
    # One transaction, rolled back, so a profiled write scenario leaves the dataset as built.
    with transaction.atomic():
        for request in scenario.requests[:5]:
            _send(client, request)
        profiler.start()
        for n in range(requests):
            _send(client, scenario.requests[n % len(scenario.requests)])
        profiler.stop()
        transaction.set_rollback(True)
    flat = "\n".join(profiler.output_text(flat=True).splitlines()[:50])
    tree = profiler.output_text(
        processor_options={"show_regex": PROFILE_SHOW, "hide_regex": PROFILE_HIDE, "filter_threshold": 0.02}
    )
    return f"{flat}\n\n{tree}"
