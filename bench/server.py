"""The server under test: gunicorn in its own process group, and its workers' memory."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method, url, headers=None, body=None, timeout=10):
    """One request; returns (status, body text) for any status, raises only when nothing answered."""
    data = None if body is None else body.encode()
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


class Gunicorn:
    """gunicorn on 127.0.0.1 with sync workers; a context manager that always stops the whole group."""

    def __init__(self, env, *, workers, log_path):
        self.env = env
        self.workers = workers
        self.log_path = Path(log_path)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self._log = None

    def __enter__(self):
        self._log = self.log_path.open("w")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "core.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=sync",
            "--log-level=warning",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _ = http("GET", f"{self.base_url}/api/ping/", timeout=2)
            except OSError:
                status = None
            if status == 200 and len(self.worker_pids()) == self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /api/ping/ within {timeout}s:\n{self.log_tail()}")

    def stop(self):
        """SIGTERM to the whole process group (master and workers), SIGKILL to whatever is left after 15 s."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=15)
                # Also reaches a worker that outlived its master.
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        if self._log is not None:
            self._log.close()
            self._log = None

    def worker_pids(self):
        """Pids of the master's children (the workers)."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return sorted(int(pid) for pid in children.read_text().split())
        except OSError:
            return sorted(_children_by_scan(master))

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _children_by_scan(parent):
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            yield int(stat.parent.name)


def peak_rss_mb(pid):
    """The process's peak resident set size (VmHWM) in MB, or None when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
