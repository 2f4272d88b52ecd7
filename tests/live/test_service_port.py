"""A service's port held by another process: the error names the listener; a port still being released
by a service just stopped is waited for (bounded), then the service starts."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from perfpilot.live.service import ServiceError, ServiceProcess


def _listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def _service(port: int, tmp_path: Path) -> ServiceProcess:
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    url = f"http://127.0.0.1:{port}/"
    return ServiceProcess(argv, workdir=tmp_path, ready_url=url, log_path=tmp_path / "log")


def test_a_held_port_is_an_error_naming_the_process_that_listens(tmp_path: Path) -> None:
    with _listening() as held:
        port = held.getsockname()[1]
        with pytest.raises(ServiceError) as caught:
            _service(port, tmp_path).start()
    assert str(caught.value).startswith(f"127.0.0.1:{port} is already in use (pid {os.getpid()}, ")
    assert str(caught.value).endswith("): stop what listens there")


def test_a_port_released_within_the_wait_is_waited_for(tmp_path: Path) -> None:
    held = _listening()
    port = held.getsockname()[1]
    release = threading.Timer(0.5, held.close)
    release.start()
    service = _service(port, tmp_path)
    try:
        service.start(port_wait_s=60)
        assert service.pid is not None and service.proc is not None and service.proc.poll() is None
    finally:
        service.stop()
        release.join()
