"""The processes of the load benchmark: gunicorn instances, RQ workers, a hello-world app.

Each is started on a free port of its own and stopped by its own process id. What they
cost is read from /proc: CPU seconds (proc(5) stat) and the peak resident size of each
process (VmHWM in status), summed over an instance's master and workers.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

#: The baseline: Flask answering the survey link's GET and POST with nothing behind
#: them, so that the load generator does exactly what it does against the app.
HELLO_APP = """
from flask import Flask, redirect, request

app = Flask(__name__)
PAGE = (
    '<form method="post"><input type="hidden" name="csrf_token" value="hello">'
    '<input name="item-1"></form>'
)


@app.route("/t/<token>", methods=["GET", "POST"])
def survey(token):
    if request.method == "POST":
        return redirect("/thanks", code=303)
    return PAGE


@app.get("/auth/login")
def login():
    return "Hello, World!"
"""


class Gunicorn:
    """One gunicorn instance of `app` with `workers` processes of `threads` threads."""

    def __init__(self, app: str, env: dict, workers: int, threads: int, chdir: Path = ROOT):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                f"--workers={workers}",
                f"--threads={threads}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                app,
            ],
            cwd=chdir,
            env=env,
        )
        wait_for(self.base)

    def peak_rss(self) -> int:
        return peak_rss(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class RqWorker:
    """`flask worker`, as each worker host runs it."""

    def __init__(self, env: dict):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "worker"],
            cwd=ROOT,
            env=env | {"FLASK_APP": "wsgi.py"},
            stdout=subprocess.DEVNULL,
        )

    def peak_rss(self) -> int:
        return peak_rss(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def hello_world(directory: Path, env: dict, workers: int, threads: int) -> Gunicorn:
    (directory / "hello.py").write_text(HELLO_APP)
    return Gunicorn("hello:app", env, workers, threads, chdir=directory)


def peak_rss(pid: int) -> int:
    """Bytes: the peak resident size (VmHWM) of `pid` and its children, summed."""
    total = 0
    for process in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) * 1024
    return total


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
            children.append(int(stat.parent.name))
    return children


class ServerCpu:
    """CPU seconds used by the gunicorn processes, the RQ workers and PostgreSQL, read
    from /proc (utime, stime, cutime and cstime: proc(5))."""

    GROUPS = {"gunicorn": "app", "postgres": "postgres"}

    def __init__(self):
        self._start = self._read()

    def used(self) -> dict[str, float]:
        end = self._read()
        return {group: end[group] - self._start.get(group, 0.0) for group in end}

    @classmethod
    def _read(cls) -> dict[str, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        used = dict.fromkeys(("app", "postgres", "workers"), 0.0)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
                command = (stat.parent / "cmdline").read_bytes()
            except OSError:
                continue
            name = text[text.index("(") + 1 : text.rindex(")")]
            group = "workers" if b"flask\x00worker" in command else cls.GROUPS.get(name)
            if group:
                fields = text[text.rindex(")") + 2 :].split()
                # Own time, and the time of the children it reaped: PostgreSQL ends a
                # backend when a pooled connection closes, and an RQ worker forks a
                # process per job.
                used[group] += sum(int(value) for value in fields[11:15]) / ticks
        return used


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(base: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/auth/login", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {base} within {timeout_s:.0f} s")
