"""The benchmark's measuring parts: query counts, the wrk request file, and the verdicts."""

import tempfile
from pathlib import Path

from bench.dataset import DatasetSize, build
from bench.inprocess import count_queries
from bench.loadgen import LoadResult, write_spec
from bench.report import Row, evaluate, retention_lines
from bench.scenarios import Request, Scenario, build_scenarios
from core.testing import CoderrTestCase
from order_app.models import Order


def load(rps, p99=10.0, non2xx=0, timeouts=0):
    errors = {"connect": 0, "read": 0, "write": 0, "timeout": timeouts}
    return LoadResult(rps * 10, 10.0, 5.0, 8.0, p99, p99, non2xx, {}, errors, "")


class QueryCountTests(CoderrTestCase):
    def test_ping_runs_no_query_and_a_rolled_back_post_leaves_no_order(self):
        scenarios = {s.key: s for s in build_scenarios(build(DatasetSize(2, 4, 3, 5, 2)))}
        orders = Order.objects.count()
        counts = count_queries([scenarios["P0"], scenarios["S9"]])
        self.assertEqual((counts["P0"].status, counts["P0"].queries), (200, 0))
        self.assertEqual(counts["S9"].status, 201, counts["S9"].sql)
        self.assertTrue(any(sql.startswith("INSERT") for sql in counts["S9"].sql))
        self.assertFalse(any(sql.startswith(("BEGIN", "SAVEPOINT", "RELEASE")) for sql in counts["S9"].sql))
        self.assertEqual(Order.objects.count(), orders)


class SpecTests(CoderrTestCase):
    def test_spec_escapes_quotes_backslashes_and_non_ascii_bytes(self):
        scenario = Scenario("X", "x", (Request("POST", '/api/"q"/ü/', "t0k", {"text": "a\\"}),))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "x.lua"
            write_spec(scenario, path)
            text = path.read_text()
        self.assertIn(r'"/api/\034q\034/\195\188/"', text)
        self.assertIn(r'["Authorization"] = "Token t0k"', text)
        self.assertIn(r'"{\034text\034:\034a\092\092\034}"', text)


class VerdictTests(CoderrTestCase):
    def rows(self, **loads):
        scenarios = {
            "P0": Scenario("P0", "ping", (), p99_limit_ms=None),
            "S1": Scenario("S1", "offers", (), 0.35),
            "S2": Scenario("S2", "search", (), 0.25),
            "S4": Scenario("S4", "package", (), 0.6),
            "S6": Scenario("S6", "statistics", (), 0.6),
            "S8": Scenario("S8", "orders", (), 0.08, p99_limit_ms=None),
        }
        return evaluate([Row(scenarios[key], load=value) for key, value in loads.items()])

    def test_a_scenario_within_every_target_passes(self):
        _, s1 = self.rows(P0=load(1000), S1=load(400, p99=20))
        self.assertAlmostEqual(s1.ratio, 0.4)
        self.assertEqual(s1.verdict(), "PASS")

    def test_each_missed_target_is_named(self):
        _, s1 = self.rows(P0=load(1000), S1=load(300, p99=60, non2xx=2, timeouts=1))
        self.assertEqual(s1.verdict(), "MISS: x0.300 < 0.35; p99 60ms >= 50ms; 3 failed/non-2xx")

    def test_p99_has_no_limit_for_s8(self):
        _, s8 = self.rows(P0=load(1000), S8=load(90, p99=400))
        self.assertEqual(s8.verdict(), "PASS")

    def test_the_ratio_uses_the_p0_windows_around_the_scenario_when_measured(self):
        p0, s1 = [Row(Scenario("P0", "ping", ()), load=load(1000)), Row(Scenario("S1", "o", (), 0.35), load=load(300))]
        s1.p0_adjacent = 600
        evaluate([p0, s1])
        self.assertAlmostEqual(s1.ratio, 0.5)

    def test_large_run_retention_is_judged_against_the_1000_offer_baseline(self):
        rows = self.rows(P0=load(1000), S1=load(300))
        baseline = {"scenarios": {"S1": {"rps": 400, "ratio": 0.4}}}
        lines = retention_lines(rows, baseline, 10000)
        self.assertTrue(lines[0].startswith("S1 at 10,000 offers keeps 75% of its 1,000-offer throughput"), lines)
        self.assertTrue(lines[0].endswith("MISS"), lines)
        self.assertEqual(retention_lines(rows, baseline, 1000), [])

    def test_large_run_retention_targets_are_the_issues_per_scenario(self):
        rows = self.rows(P0=load(1000), S2=load(320), S4=load(530), S6=load(500))
        baseline = {"scenarios": {key: {"rps": 600, "ratio": 0.6} for key in ("S2", "S4", "S6")}}
        lines = retention_lines(rows, baseline, 100000)
        self.assertEqual(
            [line.split(" (target")[1] for line in lines], [" >= 50%) PASS", " >= 90%) MISS", " >= 80%) PASS"]
        )
        self.assertTrue(lines[0].startswith("S2 at 100,000 offers keeps 53% of its 1,000-offer throughput"), lines)

    def test_the_cpu_ratio_compares_all_cpu_spent_per_request(self):
        p0_load, s1_load = load(1000), load(100)
        p0_load.server_cpu_ms, p0_load.client_cpu_ms = 0.5, 0.1
        s1_load.server_cpu_ms, s1_load.database_cpu_ms, s1_load.client_cpu_ms = 5.0, 0.9, 0.1
        _, s1 = self.rows(P0=p0_load, S1=s1_load)
        self.assertAlmostEqual(s1.cpu_ratio, 0.1)
