"""`perfpilot eval`: replay recorded incidents through the real graph and skills, score them, compare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from perfpilot.cli.errors import fail

if TYPE_CHECKING:
    from perfpilot.agents.planners.base import Planner
    from perfpilot.evals.loading import LoadedIncident


class _RunByDefault(TyperGroup):
    """`perfpilot eval [PATH ...]` means `perfpilot eval run [PATH ...]` unless a sub-command is named."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    rich_markup_mode=None,
    cls=_RunByDefault,
    help="Evaluate perfpilot on incidents (recorded from real components or generated): `eval [PATH ...]`, "
    "`eval new ID`, `eval record TARGET`.",
)

PLANNERS = ("offline", "claude", "replay")


def _planner_factory(name: str, model: str | None, record: bool) -> Any:
    from perfpilot.agents.planners.offline import OfflinePlanner
    from perfpilot.run.planners import PlannerChoiceError, make_planner

    if name not in PLANNERS:
        fail(f"--planner {name!r}: choose offline, claude or replay")
    if record and name != "claude":
        fail("--record goes with --planner claude (it records model turns into incidents/<id>/model/)")

    def planner_for(loaded: LoadedIncident) -> Planner:
        if name == "offline":
            return OfflinePlanner()
        folder = loaded.folder / "model"
        try:
            if name == "replay":
                return make_planner("claude", model=model, record=None, replay=folder)
            return make_planner("claude", model=model, record=folder if record else None, replay=None)
        except PlannerChoiceError as exc:
            raise RuntimeError(str(exc)) from None

    return planner_for


@app.command("run")
def run(
    paths: list[Path] = typer.Argument(
        None, help="Incident folders, or folders of them (default: all bundled)"
    ),
    planner: str = typer.Option("offline", "--planner", help="offline (default), claude, or replay"),
    model: str | None = typer.Option(None, "--model", help="Claude model (with --planner claude)"),
    record: bool = typer.Option(
        False, "--record", help="With --planner claude: record into incidents/<id>/model/"
    ),
    out: Path = typer.Option(Path("perfpilot-eval"), "--out", help="Folder for results.jsonl and summary.md"),
    baseline: Path | None = typer.Option(
        None, "--baseline", help="results.jsonl to compare with; exit 1 on regression"
    ),
    write_baseline: Path | None = typer.Option(None, "--write-baseline", help="Also write the results here"),
    as_json: bool = typer.Option(
        False, "--json", help="Print the results as JSON lines instead of the table"
    ),
    update_doc: Path | None = typer.Option(
        None, "--update-doc", help="Put the summary between the eval-summary markers of this markdown file"
    ),
) -> None:
    """Run each incident headless through the workflow, score it, write results.jsonl and summary.md."""
    from perfpilot.evals.loading import incident_folders
    from perfpilot.evals.regression import regressions
    from perfpilot.evals.results import read_results, write_results
    from perfpilot.evals.runner import evaluate
    from perfpilot.evals.summary import render_summary, splice_summary
    from perfpilot.logs import configure_logging

    configure_logging(headless=True, level="warning")
    factory = _planner_factory(planner, model, record)
    base = None
    if baseline is not None:
        try:
            base = read_results(baseline)
        except (OSError, ValueError) as exc:
            fail(f"--baseline {baseline}: {exc}")
    results = evaluate(incident_folders(list(paths or [])), factory)
    write_results(out / "results.jsonl", results)
    summary = render_summary(results)
    (out / "summary.md").write_text(summary, encoding="utf-8")
    if write_baseline is not None:
        write_results(write_baseline, results)
    if update_doc is not None:
        try:
            update_doc.write_text(
                splice_summary(update_doc.read_text(encoding="utf-8"), summary), encoding="utf-8"
            )
        except (OSError, ValueError) as exc:
            fail(f"--update-doc {update_doc}: {exc}")
    if as_json:
        for result in results:
            print(json.dumps(result.model_dump(mode="json"), sort_keys=True))
    else:
        print(summary)
    if base is not None:
        found = regressions(results, base)
        if found:
            print(f"REGRESSIONS against {baseline}:")
            for line in found:
                print(f"  {line}")
            raise typer.Exit(1)
        print(f"no regression against {baseline}")


@app.command("new")
def new(
    incident_id: str = typer.Argument(..., metavar="ID", help="lower-case-with-dashes"),
    root: Path | None = typer.Option(
        None, "--dir", help="Where to create it (default: the bundled incidents)"
    ),
) -> None:
    """Scaffold incidents/<ID>/incident.yaml with every field commented."""
    from perfpilot.evals.loading import INCIDENT_FILE, INCIDENTS_DIR
    from perfpilot.evals.scaffold import ScaffoldError, new_incident

    try:
        folder = new_incident(incident_id, root or INCIDENTS_DIR)
    except ScaffoldError as exc:
        fail(str(exc))
    print(f"created {folder / INCIDENT_FILE}: add the evidence files, then fill in the TODOs")


@app.command("record")
def record_cmd(
    target: Path = typer.Argument(..., help="target.yaml whose evidence becomes the incident"),
    incident_id: str = typer.Option(..., "--id", help="The new incident's id"),
    planner: str = typer.Option("offline", "--planner", help="offline or claude"),
    model: str | None = typer.Option(None, "--model"),
    record: bool = typer.Option(
        False, "--record", help="With --planner claude: keep the model turns in model/"
    ),
    root: Path | None = typer.Option(
        None, "--dir", help="Where to create it (default: the bundled incidents)"
    ),
) -> None:
    """Copy a target's evidence into a new incident, run it, and pre-fill expectations for review."""
    from perfpilot.agents.planners.offline import OfflinePlanner
    from perfpilot.evals.loading import INCIDENT_FILE, INCIDENTS_DIR, IncidentError
    from perfpilot.evals.recording import record_incident
    from perfpilot.evals.scaffold import ScaffoldError
    from perfpilot.logs import configure_logging
    from perfpilot.run.planners import PlannerChoiceError, make_planner
    from perfpilot.target import TargetError

    configure_logging(headless=True, level="warning")
    if planner not in ("offline", "claude") or (record and planner != "claude"):
        fail("--planner offline|claude; --record goes with --planner claude")
    folder = (root or INCIDENTS_DIR) / incident_id
    try:
        chosen: Planner = (
            OfflinePlanner()
            if planner == "offline"
            else make_planner("claude", model=model, record=folder / "model" if record else None, replay=None)
        )
        folder = record_incident(target, incident_id, root or INCIDENTS_DIR, chosen)
    except (ScaffoldError, TargetError, IncidentError, PlannerChoiceError) as exc:
        fail(str(exc))
    print(f"recorded {folder / INCIDENT_FILE}: REVIEW the pre-filled expectations before committing")
