"""`python -m perfpilot.evals.generate [ID ...]`: regenerate the generated incidents' evidence files."""

from __future__ import annotations

import sys

from perfpilot.evals.generate.scenarios import SCENARIOS, write_scenario
from perfpilot.evals.loading import INCIDENTS_DIR


def main(ids: list[str]) -> int:
    for incident_id in ids or sorted(SCENARIOS):
        for path in write_scenario(incident_id, INCIDENTS_DIR / incident_id):
            sys.stdout.write(f"{path.relative_to(INCIDENTS_DIR)} {path.stat().st_size} bytes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
