"""Coderr load benchmark: `make bench` (or `.venv/bin/python bench/run.py --help`).

Builds a fresh database with a realistic dataset (SQLite file bench/results/bench.sqlite3, or the
PostgreSQL database `coderr_bench` on the server of $DATABASE_URL), counts each scenario's SQL queries
in-process, starts gunicorn on 127.0.0.1 (sync workers, DEBUG off, throttling off), drives every scenario
with wrk at 16 connections after a warm-up, and prints req/s, p50/p99, non-2xx, queries per request,
throughput as a ratio of P0 (`GET /api/ping/`) with the issue's targets, and peak RSS per worker.
Results go to bench/results/. Every process it starts is stopped on exit, also on Ctrl-C.
"""

import argparse
import fcntl
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import loadgen, report  # noqa: E402
from bench.cpu import CpuMeter, database_backends, wait_until_quiet  # noqa: E402
from bench.scenarios import build_scenarios  # noqa: E402
from bench.server import Gunicorn, http, peak_rss_mb  # noqa: E402

PG_DATABASE = "coderr_bench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Load benchmark of the Coderr API (see bench/README.md).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    data = parser.add_argument_group("dataset")
    data.add_argument("--offers", type=int, default=1000, help="offers (three packages each); 10000 for the large run")
    data.add_argument("--business-users", type=int, default=50)
    data.add_argument("--customers", type=int, default=200)
    data.add_argument("--orders", type=int, default=2000)
    data.add_argument("--reviews", type=int, default=1000, help="approximate; one per (reviewer, business user)")
    data.add_argument("--seed", type=int, default=42)
    load = parser.add_argument_group("load")
    load.add_argument("--duration", type=float, default=10, help="measured seconds per scenario")
    load.add_argument("--warmup", type=float, default=2, help="unmeasured seconds per scenario before measuring")
    load.add_argument("--connections", type=int, default=16)
    load.add_argument("--threads", type=int, default=2, help="wrk threads")
    load.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    load.add_argument(
        "--scenarios", default="", help="comma-separated subset, e.g. S1,S2 (P0 always runs: ratios need it)"
    )
    load.add_argument(
        "--p0-seconds",
        type=float,
        default=3,
        help="short P0 window after each scenario; ratios use the P0 around each scenario (0: the first P0 only)",
    )
    load.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="on a shared machine: before each measurement wait up to SECONDS for other processes to go quiet",
    )
    extra = parser.add_argument_group("diagnostics")
    extra.add_argument("--explain", action="store_true", help="print the plans of the list/filter queries")
    extra.add_argument("--profile", default="", help="comma-separated scenarios to profile in-process (pyinstrument)")
    extra.add_argument("--no-load", action="store_true", help="build, count queries, explain/profile; no gunicorn")
    extra.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL server to use (default: $DATABASE_URL; SQLite when empty); its database name is "
        f"replaced by {PG_DATABASE}, which is dropped and recreated",
    )
    return parser.parse_args(argv)


# --- Database ---------------------------------------------------------------------------------------------


def fresh_database_url(database_url):
    """Create an empty benchmark database and return its URL; never touches the developer's database."""
    if not database_url:
        path = RESULTS / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"bench: only SQLite (no DATABASE_URL) and PostgreSQL are supported, not {parts.scheme!r}.")
    import psycopg
    from psycopg import sql

    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DATABASE)))
    return urlunsplit(parts._replace(path=f"/{PG_DATABASE}"))


def server_environment(database_url):
    """Settings for this process and for gunicorn; they override .env (python-decouple reads os.environ first)."""
    return {
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "THROTTLING_ENABLED": "False",
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": "",
        "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": "WARNING",
    }


def setup_django(environment):
    os.environ.update(environment)
    # With DEBUG off whitenoise warns that collectstatic has not run; the API serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# --- Load ----------------------------------------------------------------------------------------------------


def preflight(server, scenario):
    """None when the scenario's first request answers 2xx, else why not (so no load is wasted on it)."""
    request = scenario.first
    try:
        status, body = http(request.method, server.base_url + request.path, request.headers(), request.body_text())
    except OSError as error:
        return f"no answer ({error.__class__.__name__})"
    return None if 200 <= status < 300 else f"HTTP {status} {body[:120]}"


def run_load(args, scenarios, rows, spec_dir):
    """Measure P0, then each scenario followed by a short P0 window; returns peak RSS per worker pid.

    Each scenario's ratio is taken against the mean of the P0 windows just before and after it, so a
    neighbour that loads the machine for a while lowers both sides of the ratio instead of one.
    """
    peaks, pids_seen = {}, set()
    common = {"connections": args.connections, "threads": args.threads}
    engine_is_pg = bool(args.database_url)
    backends = database_backends(PG_DATABASE) if engine_is_pg else list
    with Gunicorn({**os.environ}, workers=args.workers, log_path=RESULTS / "gunicorn.log") as server:
        print(f"gunicorn: {args.workers} sync workers on {server.base_url}, pids {server.worker_pids()}")

        def measure(scenario, seconds, warmup):
            spec = spec_dir / f"{scenario.key}.lua"
            loadgen.write_spec(scenario, spec)
            if warmup > 0:
                loadgen.run_wrk(server.base_url, spec, seconds=warmup, **common)
            gunicorn = [server.process.pid, *server.worker_pids()]
            if args.wait_quiet > 0:
                wait_until_quiet(gunicorn, backends, max_wait=args.wait_quiet)
            with CpuMeter(gunicorn, backends) as meter:
                result = loadgen.run_wrk(server.base_url, spec, seconds=seconds, **common)
            result.other_cores = meter.other_cores
            if result.requests:
                result.server_cpu_ms = 1000 * meter.server_seconds / result.requests
                result.database_cpu_ms = 1000 * meter.helper_seconds / result.requests if engine_is_pg else None
                result.client_cpu_ms = 1000 * meter.children_seconds / result.requests
            for pid in server.worker_pids():
                pids_seen.add(pid)
                mb = peak_rss_mb(pid)
                if mb is not None:
                    peaks[pid] = max(mb, peaks.get(pid, 0))
            if server.process.poll() is not None:
                raise RuntimeError(f"gunicorn died during {scenario.key}:\n{server.log_tail()}")
            return result

        ceiling = next(s for s in scenarios if s.key == "P0")
        problem = preflight(server, ceiling)
        if problem:
            raise RuntimeError(f"P0 (GET /api/ping/) must answer 200 to be the ceiling: {problem}")
        rows["P0"].load = before = measure(ceiling, args.duration, args.warmup)
        _print_load("P0", before)
        for scenario in scenarios:
            if scenario.key == "P0":
                continue
            row = rows[scenario.key]
            row.skipped = preflight(server, scenario)
            if row.skipped:
                print(f"  {scenario.key}: skipped, {row.skipped}")
                continue
            row.load = measure(scenario, args.duration, args.warmup)
            if args.p0_seconds > 0:
                after = measure(ceiling, args.p0_seconds, 0)
                row.p0_adjacent = (before.rps + after.rps) / 2
                row.p0_cpu_ms = (before.total_cpu_ms + after.total_cpu_ms) / 2
                row.p0_other_cores = max(before.other_cores or 0, after.other_cores or 0)
                before = after
            _print_load(scenario.key, row.load, row.p0_adjacent, row.p0_other_cores)
        errors = [line for line in server.log_tail(5000).splitlines() if "Traceback" in line or "[ERROR]" in line]
    if errors:
        print(f"gunicorn logged {len(errors)} error lines: see {RESULTS / 'gunicorn.log'}")
    return peaks, len(pids_seen) > args.workers


def _print_load(key, load, p0_adjacent=None, p0_other_cores=None):
    text = (
        f"  {key}: {load.rps:7.0f} req/s  p50 {load.p50_ms:6.1f} ms  p99 {load.p99_ms:6.1f} ms  "
        f"non-2xx {load.failures}  server CPU {load.server_cpu_ms or 0:.2f} ms/req  "
    )
    if load.database_cpu_ms is not None:
        text += f"database CPU {load.database_cpu_ms:.2f} ms/req  "
    text += f"other CPU {load.other_cores or 0:.2f} cores"
    if p0_adjacent:
        text += f"  (P0 around it {p0_adjacent:.0f} req/s, other CPU then up to {p0_other_cores or 0:.2f})"
    if load.failures:
        text += f"\n      first failure: {load.first_failure[:200]}"
    print(text, flush=True)


# --- Main ------------------------------------------------------------------------------------------------------


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _exclusive_run():
    """Hold a lock on bench/results/ for the whole run: a second run would recreate the database under the first.

    Returns the open lock file (keep it referenced), or None when another run holds the lock.
    """
    handle = (RESULTS / ".lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        print(
            f"bench: another run (pid {handle.read().strip() or '?'}) is using {RESULTS}; wait for it.", file=sys.stderr
        )
        handle.close()
        return None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _tool_versions():
    def first_line(command):
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False, cwd=ROOT)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return None

    return {
        "wrk": first_line(["wrk", "--version"]),
        "commit": first_line(["git", "rev-parse", "--short", "HEAD"]),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    if not args.no_load and loadgen.wrk_path() is None:
        print(loadgen.WRK_MISSING, file=sys.stderr)
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    lock = _exclusive_run()
    if lock is None:
        return 2
    spec_dir = RESULTS / "wrk"
    spec_dir.mkdir(exist_ok=True)

    database_url = fresh_database_url(args.database_url)
    engine = "postgresql" if args.database_url else "sqlite"
    setup_django(server_environment(database_url))

    from django.db import connection

    from bench import dataset, inprocess

    size = dataset.DatasetSize(
        business_users=args.business_users,
        offers=args.offers,
        customers=args.customers,
        orders=args.orders,
        reviews=args.reviews,
        seed=args.seed,
    )
    started = time.monotonic()
    data = dataset.build(size)
    if engine == "postgresql":
        # Autovacuum would get to the freshly loaded tables soon: it gathers the planner's statistics (plans
        # without them are not real ones) and marks the pages all-visible, which index-only scans (the counts)
        # need to skip the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    connection.close()
    print(
        f"Dataset ({engine}, {time.monotonic() - started:.1f}s): "
        + ", ".join(f"{v:,} {k}" for k, v in data.counts.items())
        + f"; search '{data.search_word}' & min_price>=100 matches {data.search_matches} offers"
    )

    wanted = {k.strip().upper() for k in args.scenarios.split(",") if k.strip()}
    scenarios = [s for s in build_scenarios(data, seed=args.seed) if not wanted or s.key in wanted | {"P0"}]
    counts = inprocess.count_queries(scenarios)
    connection.close()
    rows = {s.key: report.Row(s, queries=counts[s.key]) for s in scenarios}

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if args.explain:
        text = inprocess.explain(data)
        connection.close()
        (RESULTS / f"explain-{engine}-{args.offers}.md").write_text(text + "\n")
        print(f"\n## EXPLAIN ({engine}, {args.offers:,} offers)\n\n{text}\n")
    for key in [k.strip().upper() for k in args.profile.split(",") if k.strip()]:
        scenario = next((s for s in scenarios if s.key == key), None)
        if scenario is None:
            print(f"--profile: unknown scenario {key}")
            continue
        text = inprocess.profile(scenario)
        connection.close()
        path = RESULTS / f"profile-{key}-{engine}-{args.offers}.txt"
        path.write_text(text)
        print(f"\n## Profile of {key} (in-process, 300 requests) -> {path}\n{text}")

    peaks, restarted = {}, False
    if args.no_load:
        for row in rows.values():
            row.skipped = "load not run (--no-load)"
    else:
        print(f"\nLoad: {args.warmup:g}s warm-up + {args.duration:g}s per scenario, {args.connections} connections")
        peaks, restarted = run_load(args, scenarios, rows, spec_dir)

    ordered = report.evaluate(list(rows.values()))
    baseline_path = RESULTS / f"latest-{engine}-{report.BASELINE_OFFERS}.json"
    baseline = json.loads(baseline_path.read_text()) if baseline_path.exists() else None
    mem_lines, _ = report.memory_lines(peaks, restarted)
    summary = [
        f"## Coderr benchmark: {engine}, {args.offers:,} offers, {args.workers} sync workers, wrk "
        f"{args.connections} connections, {args.duration:g}s per scenario ({stamp})",
        "",
        report.scenario_table(ordered),
        "",
        "x P0: throughput over the mean of the P0 windows just before and after the scenario (P0 around). "
        "queries: SQL statements per request (in-process, one request, a read after one unmeasured request, "
        "transaction control excluded). "
        "CPU ms/req: gunicorn CPU time per request (moves far less than req/s on a busy machine). "
        "x P0 by CPU: P0's CPU per request over the scenario's (gunicorn + database + wrk), i.e. the ratio a "
        "quiet machine would show while the server is CPU-bound; use it when the machine was busy. "
        "other CPU: cores used by processes other than gunicorn, its database backends and wrk while measuring "
        "the scenario / the P0 windows around it. "
        "Every scenario must also answer only 2xx.",
        *([] if args.no_load else report.noise_lines(ordered)),
        *mem_lines,
        *report.retention_lines(ordered, baseline, args.offers),
    ]
    text = "\n".join(summary)
    print("\n" + text)

    meta = {"timestamp": stamp, "engine": engine, "args": vars(args) | {"database_url": engine}, **_tool_versions()}
    payload = report.as_json(ordered, meta, data.counts | {"search_matches": data.search_matches}, peaks, restarted)
    if not args.no_load:
        names = [f"{stamp}-{engine}-{args.offers}"]
        if not wanted:
            # Only a complete run becomes the baseline that later runs (--offers 10000) compare with.
            names.append(f"latest-{engine}-{args.offers}")
        for name in names:
            report.dump(RESULTS / f"{name}.json", payload)
            (RESULTS / f"{name}.md").write_text(text + "\n")
        print(f"\nResults: {RESULTS}/{names[-1]}.json (.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
