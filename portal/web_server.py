"""The production web server, started the way a deployment runs it, for the benchmarks.

Production serves `portal.wsgi:application` with granian (README, "Deploying for scale"): its
HTTP layer is Rust, so a request costs the web process about a millisecond less CPU than under
gunicorn's Python one (measured on the complaint form and the search API; see README,
"Benchmarks"). The three benchmarks (search, pages, complaints) start it through `web_server`
below, so they measure the same server with the same options. Nothing the portal serves
imports this module.
"""

import os
import platform
import signal
import socket
import subprocess  # noqa: S404 - starts granian, our own command line
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from portal.env import BASE_DIR


def interpreter() -> str:
    """The Python the server runs on (that of this process), as the benchmarks print it: the
    version and the installation, since builds of one version differ in speed (README,
    "Benchmarks")."""
    return f"Python {platform.python_version()} ({sys.base_prefix})"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The granian command line of a deployment: `workers` processes, each running the WSGI
    application in `threads` threads (the README gives the same options)."""
    return [
        sys.executable,
        "-m",
        "granian",
        "portal.wsgi:application",
        "--interface=wsgi",
        f"--workers={workers}",
        f"--blocking-threads={threads}",
        f"--host={host}",
        f"--port={port}",
        "--backlog=2048",
        # A worker that dies (killed for memory, a crash in a C library) is replaced.
        "--respawn-failed-workers",
        # A worker that has not stopped 5 s after being told to is killed. Without it, granian
        # 2.8.9 told to stop while a replacement is still starting waits without end.
        "--workers-kill-timeout=5",
        "--no-ws",
        "--log-level=warning",
    ]


@dataclass(frozen=True)
class WebServer:
    host: str
    port: int
    pid: int  # the main process; the workers are its children

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def web_server(
    environment: dict[str, str], *, workers: int, threads: int, ready_path: str
) -> Iterator[WebServer]:
    """granian on a free loopback port with `environment`, stopped on the way out; ready once
    `ready_path` answers 200 (within a minute)."""
    host, port = "127.0.0.1", free_port()
    # A process group of its own, so that a last-resort kill takes the workers with it.
    process = subprocess.Popen(  # noqa: S603
        server_command(host, port, workers, threads),
        cwd=BASE_DIR,
        env=environment,
        start_new_session=True,
    )
    server = WebServer(host, port, process.pid)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(server.base_url + ready_path, timeout=30) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:  # not listening yet, or an error status
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The web server did not answer {ready_path}; see its output.")
            time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # never seen with the kill timeout; never leave it
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
