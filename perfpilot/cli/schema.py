"""`perfpilot schema`: print the JSON Schema of a public input or output model."""

from __future__ import annotations

import json
from typing import Any

import typer

from perfpilot.cli.errors import fail


def _models() -> dict[str, Any]:
    from perfpilot.artifacts.report import RunReport
    from perfpilot.target.spec import Target

    models: dict[str, Any] = {"target": Target, "report": RunReport}
    try:
        from perfpilot.evals.incident import Incident

        models["incident"] = Incident
    except ImportError:
        pass
    return models


def schema(name: str = typer.Argument(..., help="target, report or incident")) -> None:
    """Print the JSON Schema of a public model: target, report or incident."""
    models = _models()
    if name not in models:
        fail(f"no schema named {name!r}; choose from {', '.join(models)}")
    print(json.dumps(models[name].model_json_schema(), indent=2))
