"""Verdicts against the issue's targets, the printed table and the files in bench/results/."""

import json
from dataclasses import asdict, dataclass, field

from bench.scenarios import LARGE_RUN_RETENTION, MAX_RSS_MB, OTHER_RETENTION

BASELINE_OFFERS = 1000


@dataclass
class Row:
    scenario: object
    load: object = None
    queries: object = None
    skipped: str | None = None
    ratio: float | None = None
    p0_adjacent: float | None = None
    p0_other_cores: float | None = None
    p0_cpu_ms: float | None = None
    cpu_ratio: float | None = None
    misses: list = field(default_factory=list)

    @property
    def key(self):
        return self.scenario.key

    def target_text(self):
        parts = []
        if self.scenario.min_ratio is not None:
            parts.append(f">={self.scenario.min_ratio:.2f}")
        if self.scenario.p99_limit_ms is not None:
            parts.append(f"p99<{self.scenario.p99_limit_ms:.0f}ms")
        return ", ".join(parts) or "-"

    def verdict(self):
        if self.skipped:
            return f"NOT MEASURED: {self.skipped}"
        return "PASS" if not self.misses else "MISS: " + "; ".join(self.misses)


def evaluate(rows):
    """Fill each row's ratio to P0 and its misses (throughput ratio, p99, responses outside 2xx)."""
    p0 = next((r for r in rows if r.key == "P0" and r.load), None)
    for row in rows:
        if row.load is None:
            continue
        ceiling = row.p0_adjacent or (p0.load.rps if p0 else None)
        row.ratio = row.load.rps / ceiling if ceiling else None
        p0_cpu = row.p0_cpu_ms or (p0.load.total_cpu_ms if p0 else None)
        row.cpu_ratio = p0_cpu / row.load.total_cpu_ms if p0_cpu and row.load.total_cpu_ms else None
        s, load = row.scenario, row.load
        row.misses = []
        if s.min_ratio is not None and (row.ratio is None or row.ratio < s.min_ratio):
            row.misses.append(f"x{row.ratio or 0:.3f} < {s.min_ratio:.2f}")
        if s.p99_limit_ms is not None and load.p99_ms >= s.p99_limit_ms:
            row.misses.append(f"p99 {load.p99_ms:.0f}ms >= {s.p99_limit_ms:.0f}ms")
        if load.failures:
            row.misses.append(f"{load.failures} failed/non-2xx")
    return rows


def _table(headers, lines):
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *lines, strict=True)]
    out = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |" for line in lines]
    return "\n".join(out)


def scenario_table(rows):
    headers = ["", "Scenario", "req/s", "p50 ms", "p99 ms", "non-2xx", "queries", "CPU ms/req", "x P0", "x P0 by CPU"]
    headers += ["P0 around", "other CPU", "target", "result"]
    lines = []
    for row in rows:
        load = row.load
        queries = "-" if row.queries is None else str(row.queries.queries)
        if row.queries is not None and not 200 <= row.queries.status < 300:
            queries += f" (HTTP {row.queries.status})"
        if load is None:
            lines.append(
                [row.key, row.scenario.label, *["-"] * 4, queries, *["-"] * 5, row.target_text(), row.verdict()]
            )
            continue
        lines.append(
            [
                row.key,
                row.scenario.label,
                f"{load.rps:.0f}",
                f"{load.p50_ms:.1f}",
                f"{load.p99_ms:.1f}",
                load.failures,
                queries,
                "-" if load.server_cpu_ms is None else f"{load.server_cpu_ms:.2f}",
                "-" if row.ratio is None else f"{row.ratio:.2f}",
                "-" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}",
                "-" if row.p0_adjacent is None else f"{row.p0_adjacent:.0f}",
                _other_cpu(load.other_cores, row.p0_other_cores),
                row.target_text(),
                row.verdict(),
            ]
        )
    return _table(headers, lines)


def _other_cpu(scenario_cores, p0_cores):
    if scenario_cores is None:
        return "-"
    return f"{scenario_cores:.2f}" + ("" if p0_cores is None else f" / {p0_cores:.2f}")


def noise_lines(rows, threshold=0.2):
    """A warning when other processes took CPU while a scenario or the P0 windows around it were measured."""
    busy = []
    for row in rows:
        if row.load is None:
            continue
        worst = max(row.load.other_cores or 0, row.p0_other_cores or 0)
        if worst > threshold:
            busy.append((row.key, worst))
    if not busy:
        return ["Machine: quiet (other processes used less than 0.2 cores during every measurement)."]
    return [
        f"Machine: BUSY. Other processes used up to {max(c for _, c in busy):.2f} cores while measuring "
        + ", ".join(f"{key} ({cores:.2f})" for key, cores in busy)
        + " (the scenario or the P0 windows around it); those rows are unreliable. Rerun on a quiet machine."
    ]


def memory_lines(peaks, restarted):
    """Peak RSS per worker pid against the limit."""
    if not peaks:
        return ["Peak RSS per worker: not measured"], False
    worst = max(peaks.values())
    ok = worst < MAX_RSS_MB and not restarted
    text = ", ".join(f"pid {pid}: {mb:.1f} MB" for pid, mb in sorted(peaks.items()))
    lines = [f"Peak RSS per worker (VmHWM): {text} (target < {MAX_RSS_MB:.0f} MB) {'PASS' if ok else 'MISS'}"]
    if restarted:
        lines.append("Workers were replaced during the run (crash or timeout): see gunicorn.log.")
    return lines, ok


def retention_lines(rows, baseline, offers):
    """At more than 1,000 offers: every scenario against the latest 1,000-offer run on the same engine."""
    if offers <= BASELINE_OFFERS:
        return []
    if baseline is None:
        return [
            f"Retention vs {BASELINE_OFFERS:,} offers: no baseline; run `make bench` (1,000 offers) first "
            "on the same database engine."
        ]
    lines = []
    by_key = {r.key: r for r in rows}
    for key in [r.key for r in rows if r.key != "P0"]:
        row, before = by_key.get(key), baseline["scenarios"].get(key, {})
        target = LARGE_RUN_RETENTION.get(key, OTHER_RETENTION)
        if not row or row.load is None or not before.get("rps"):
            lines.append(f"{key} retention: not measured in both runs")
            continue
        raw = row.load.rps / before["rps"]
        normalised = (row.ratio / before["ratio"]) if row.ratio and before.get("ratio") else None
        # Judged on the P0-normalised ratio: two runs minutes apart on a shared machine differ in raw speed.
        basis = normalised if normalised is not None else raw
        verdict = "PASS" if basis >= target else "MISS"
        lines.append(
            f"{key} at {offers:,} offers keeps {basis:.0%} of its {BASELINE_OFFERS:,}-offer throughput "
            f"(x P0 {row.ratio:.2f} vs {before['ratio']:.2f}; raw {row.load.rps:.0f} vs {before['rps']:.0f} req/s = "
            f"{raw:.0%}) (target >= {target:.0%}) {verdict}"
        )
    return lines


def as_json(rows, meta, dataset, peaks, restarted):
    scenarios = {}
    for row in rows:
        entry = {
            "label": row.scenario.label,
            "target_ratio": row.scenario.min_ratio,
            "p99_limit_ms": row.scenario.p99_limit_ms,
            "skipped": row.skipped,
            "queries": None if row.queries is None else row.queries.queries,
            "query_status": None if row.queries is None else row.queries.status,
            "verdict": row.verdict(),
            "p0_adjacent_rps": row.p0_adjacent,
            "p0_adjacent_other_cores": row.p0_other_cores,
            "ratio_by_cpu": row.cpu_ratio,
            "total_cpu_ms": row.load.total_cpu_ms if row.load else None,
        }
        if row.load is not None:
            entry.update(asdict(row.load), rps=row.load.rps, failures=row.load.failures, ratio=row.ratio)
        scenarios[row.key] = entry
    return {
        "meta": meta,
        "dataset": dataset,
        "scenarios": scenarios,
        "peak_rss_mb": {str(k): v for k, v in peaks.items()},
        "workers_restarted": restarted,
    }


def dump(path, payload):
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
