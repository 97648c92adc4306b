"""The load generator: wrk, driven by bench/wrk/scenario.lua."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk" / "scenario.lua"
RESULT_MARKER = "BENCH_RESULT "

WRK_MISSING = """wrk, the load generator, is not installed.
Install it, then run `make bench` again:
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y wrk
  macOS:          brew install wrk
  other systems:  build it from source (https://github.com/wg/wrk), then put `wrk` on the PATH."""


class LoadGeneratorError(RuntimeError):
    pass


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    statuses: dict
    socket_errors: dict
    first_failure: str
    other_cores: float | None = None
    server_cpu_ms: float | None = None
    database_cpu_ms: float | None = None
    client_cpu_ms: float | None = None

    @property
    def total_cpu_ms(self):
        """CPU per request of everything that served it: gunicorn, the database backends and wrk."""
        if self.server_cpu_ms is None:
            return None
        return self.server_cpu_ms + (self.database_cpu_ms or 0) + (self.client_cpu_ms or 0)

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failures(self):
        """Responses outside 2xx plus requests that got no response at all."""
        return self.non2xx + sum(self.socket_errors.values())


def wrk_path():
    """The wrk executable, or None when it is not installed."""
    return shutil.which("wrk")


def _lua_string(text):
    """A Lua string literal; every byte outside printable ASCII as a three-digit decimal escape."""
    escaped = (chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\{b:03d}" for b in text.encode())
    return '"' + "".join(escaped) + '"'


def write_spec(scenario, path):
    """Write the scenario's requests as the Lua table scenario.lua loads."""
    rows = []
    for request in scenario.requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers().items())
        body = request.body_text()
        rows.append(
            f"  {{{_lua_string(request.method)}, {_lua_string(request.path)}, {{{headers}}}, "
            f"{'nil' if body is None else _lua_string(body)}}},"
        )
    Path(path).write_text("return {\n" + "\n".join(rows) + "\n}\n")


def run_wrk(base_url, spec_path, *, seconds, connections, threads, timeout_s=10):
    """Run wrk for `seconds` against base_url and return its measurements."""
    command = [
        wrk_path() or "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={timeout_s}s",
        f"--script={LUA_SCRIPT}",
        base_url,
    ]
    env = {**os.environ, "BENCH_SPEC": str(spec_path)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in completed.stdout.splitlines() if x.startswith(RESULT_MARKER)), None)
    if completed.returncode != 0 or line is None:
        raise LoadGeneratorError(
            f"wrk failed (exit {completed.returncode}):\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}"
        )
    raw = json.loads(line[len(RESULT_MARKER) :])
    return LoadResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        non2xx=raw["non2xx"],
        statuses={int(k): v for k, v in raw["statuses"].items()},
        socket_errors=raw["socket_errors"],
        first_failure=raw["first_failure"],
    )
