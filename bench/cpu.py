"""How much CPU other processes took while a scenario was measured.

On a shared machine (other test suites, editors, CI) a busy neighbour lowers the numbers as much as a slow
endpoint does. The meter compares the machine's busy time with what the server and wrk used, so every
result says whether it was taken on a quiet machine.
"""

import os
import resource
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds():
    # cpu  user nice system idle iowait irq softirq steal ...
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / TICKS


def _process_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of /proc/<pid>/stat; the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _per_process(pids):
    return {pid: _process_seconds(pid) for pid in pids}


def _grown(before, after):
    """CPU seconds the processes used in between: a process that appeared counts whole (it started in
    between), one that vanished counts nothing (its last seconds are lost, never counted negative)."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items() if seconds)


class CpuMeter:
    """Context manager measuring, over its block, the CPU seconds of `pids` (the server), those of the
    processes `helpers()` returns (the database backends serving it, which come and go with CONN_MAX_AGE),
    and the cores used by everything else on the machine (excluding our finished children, i.e. wrk)."""

    def __init__(self, pids, helpers=list):
        self.pids = list(pids)
        self.helpers = helpers
        self.server_seconds = None
        self.helper_seconds = None
        self.children_seconds = None
        self.other_cores = None

    def __enter__(self):
        self._start = (
            time.monotonic(),
            _machine_busy_seconds(),
            _per_process(self.pids),
            _per_process(self.helpers()),
            _children_seconds(),
        )
        return self

    def __exit__(self, *exc_info):
        wall, busy, server, helpers, children = self._start
        elapsed = time.monotonic() - wall
        self.server_seconds = _grown(server, _per_process(self.pids))
        self.helper_seconds = _grown(helpers, _per_process(self.helpers()))
        self.children_seconds = _children_seconds() - children
        ours = self.server_seconds + self.helper_seconds + self.children_seconds
        if elapsed > 0:
            self.other_cores = max(0.0, ((_machine_busy_seconds() - busy) - ours) / elapsed)


def database_backends(database):
    """A callable listing the pids of the PostgreSQL backends connected to `database` (by process title)."""
    marker = f" {database} ".encode()

    def pids():
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes()
            except OSError:
                continue
            if text.startswith(b"postgres: ") and marker in text:
                found.append(int(cmdline.parent.name))
        return found

    return pids


def wait_until_quiet(pids, helpers=list, *, max_wait, threshold=0.15, window=2.0):
    """Wait (at most max_wait seconds) for a `window` in which other processes use < threshold cores.

    Returns the other processes' load of the last window.
    """
    deadline = time.monotonic() + max_wait
    while True:
        with CpuMeter(pids, helpers) as meter:
            time.sleep(window)
        if meter.other_cores < threshold or time.monotonic() >= deadline:
            return meter.other_cores
