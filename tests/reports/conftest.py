"""The bundled recorded example, run once through the real CLI, for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from perfpilot.cli.app import app
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "recorded" / "target.yaml"


@pytest.fixture(scope="session")
def example_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `perfpilot run examples/recorded/target.yaml` wrote its four reports to."""
    out = tmp_path_factory.mktemp("recorded-example") / "report"
    result = CliRunner().invoke(
        app, ["run", str(EXAMPLE), "--out", str(out), "--headless", "--log-level", "error"]
    )
    structlog.reset_defaults()
    assert result.exit_code == 4, result.output  # projected: the recorded example has no live service
    return out
