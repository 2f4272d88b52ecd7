"""Start and stop a target's service process, waiting until it answers its readiness path."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx
import psutil
import structlog

READY_TIMEOUT_S = 60.0
STOP_GRACE_S = 5.0


class ServiceError(Exception):
    """The service did not start or did not become ready; the message has its output's tail."""


class ServiceProcess:
    """One service process in its own process group, so stopping it stops its children too."""

    def __init__(
        self,
        argv: list[str],
        *,
        workdir: Path,
        ready_url: str,
        log_path: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.argv = argv
        self.env = env or {}  # set on top of perfpilot's own environment
        self.workdir = workdir
        self.ready_url = ready_url
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.on_spawn: Callable[[int, list[str]], None] | None = None  # hears each pid started
        self.log = structlog.get_logger("perfpilot.live.service")

    def start(self, port_wait_s: float = 0.0) -> None:
        """Start and wait until ready; port_wait_s: how long a port still held (by a service just stopped)
        may take to be released before that is an error."""
        parts = urlsplit(self.ready_url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        deadline = time.monotonic() + port_wait_s
        while port_in_use(host, port):
            if time.monotonic() >= deadline:
                held = f"{host}:{port} is already in use{listener(port)}"
                raise ServiceError(f"{held}: stop what listens there")
            time.sleep(0.05)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env={**os.environ, **self.env} if self.env else None,
            )
        if self.on_spawn is not None:
            self.on_spawn(self.proc.pid, self.argv)
        self.log.info("service.starting", argv=self.argv[:4], pid=self.proc.pid)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServiceError(f"service exited with {self.proc.returncode}: {self._tail()}")
            try:
                if httpx.get(self.ready_url, timeout=1.0).status_code < 500 and self.proc.poll() is None:
                    self.log.info("service.ready", url=self.ready_url)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise ServiceError(
            f"service not ready at {self.ready_url} after {READY_TIMEOUT_S:g}s: {self._tail()}"
        )

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass
        self.log.info("service.stopped", pid=proc.pid)

    @property
    def pid(self) -> int | None:
        """The running service's process id (its process group leader)."""
        return self.proc.pid if self.proc is not None else None

    def restart(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.stop()
        self.argv = argv
        self.env = env or {}
        self.start()

    def _tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-800:]
        except OSError:
            return ""

    def __enter__(self) -> ServiceProcess:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def listener(port: int) -> str:
    """Which process listens on port, as " (pid N, name)"; empty when that cannot be told (the name only:
    a command line may carry a secret)."""
    try:
        for conn in psutil.net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                return f" (pid {conn.pid}, {psutil.Process(conn.pid).name()})"
    except (psutil.Error, OSError):
        pass
    return ""


def port_in_use(host: str, port: int) -> bool:
    """Whether something already accepts connections there (then a health check would reach it, not us)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def fill(argv: list[str], values: dict[str, str]) -> list[str]:
    """Fill {python}, {db}, {port}, ... placeholders in the service command (unknown ones raise)."""
    values = {"python": sys.executable, **values}
    try:
        return [part.format(**values) for part in argv]
    except KeyError as exc:
        raise ServiceError(f"service.command uses unknown placeholder {{{exc.args[0]}}}") from None
