"""`perfpilot mcp --transport http` on loopback, and --allow-apply letting a sandbox apply reach the run."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.servers.test_mcp_stdio import TARGET, _session_run, _text

PORT = 18800


def test_streamable_http_serves_on_loopback(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "perfpilot.cli.app", "mcp", "--transport", "http", "--port", str(PORT)],
        cwd=str(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                httpx.get(f"http://127.0.0.1:{PORT}/mcp", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.5)

        async def script() -> list[str]:
            url = f"http://127.0.0.1:{PORT}/mcp"
            async with (
                streamable_http_client(url) as (read, write, *_),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                return [t.name for t in (await session.list_tools()).tools]

        names = anyio.run(script)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert {"run_workflow", "resume", "report", "performance-profiler"} <= set(names)


def test_public_host_needs_an_explicit_flag() -> None:
    from typer.testing import CliRunner

    from perfpilot.cli.app import app

    result = CliRunner().invoke(app, ["mcp", "--transport", "http", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "loopback only unless --public" in result.stderr


def test_allow_apply_sends_a_sandbox_apply_to_a_live_run(tmp_path: Path) -> None:
    async def script(session: ClientSession) -> Any:
        return await session.call_tool("run_workflow", {"target": str(TARGET), "apply": "sandbox"})

    result = anyio.run(_session_run, tmp_path / "mcp", tmp_path / "server.log", script, "--allow-apply")
    assert result.is_error  # the recorded example has no service to start: the live run says so
    assert "a live run needs evidence.http, evidence.service" in _text(result)
    assert "refused" not in _text(result)
