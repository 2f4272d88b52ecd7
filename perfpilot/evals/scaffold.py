"""`perfpilot eval new`: a new incident folder holding a commented incident.yaml to fill in."""

from __future__ import annotations

import re
from pathlib import Path

from perfpilot.evals.loading import INCIDENT_FILE

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")

TEMPLATE = """\
# An evaluation incident: recorded evidence plus what correct behaviour looks like. See docs/evals.md.
# Evidence paths in `target` are relative to this folder. Print the schema: `perfpilot schema incident`.
id: {id}
title: "TODO: one line saying what went wrong (or that nothing did)"
description: >-
  TODO: the situation in a few sentences: the system, the symptom, what the right answer is and why.
tags: []                      # e.g. [database, missing_index, single, quick_fix, met]
modelled_on: >-
  TODO: the real system, public postmortem pattern or emitter output these files are modelled on.

target:                       # the same schema as target.yaml (`perfpilot schema target`)
  name: {id}
  architecture: >-
    TODO: the architecture in words (say "single-node" if the database cannot scale out).
  slos:
    p95_ms: 300
    error_rate: 0.01
  evidence:
    metrics:
      - path: metrics.prom    # a Prometheus text-exposition snapshot
        format: prometheus
    # workload: [{{path: pg_stat_statements.csv, format: pg_stat_statements, dialect: postgres}}]
    # database: {{ddl: schema.sql, dialect: postgres}}
    # traces: [traces.json]               # OTLP JSON
    # load_tests: [k6-summary.json]       # k6 end-of-test summary
    # access_logs: [access.log]           # nginx combined + request time
    # containers: [Dockerfile]
    # infrastructure: {{inventory: inventory.yaml, kubernetes: [k8s.yaml]}}

expectations:                 # only what you state is scored
  status: targets_met         # targets_met | acceptable | not_met | escalated
  tier: T0                    # T0 none, T1 single, T2 quick fix, T3 complex, T4 architecture limitation
  decision_path: [profiling, finish]
  bottleneck_layers: []       # layers of the significant bottlenecks ([] for a healthy system)
  findings: []                # must appear, e.g.
  #  - {{skill: database-optimization-analyzer, kind: missing_index, subject: "orders(customer_id"}}
  forbidden_findings: []      # must not appear (false positives), same form
  remediation:
    no_changes: true          # or: changes: [{{kind: ddl, contains: "ON orders (customer_id"}}]
  # improvement:              # needs the after: block below, or a targets_met_share range
  #   p95_tolerance: 0.5
  #   targets_met_share: {{min: 1.0, max: 1.0}}

# after:                      # measured after the real fix
#   source: "k6 re-run after the index was created"
#   p95_ms: {{overall: 120, "GET /orders/{{id}}": 90}}
"""


class ScaffoldError(Exception):
    """The incident cannot be created (bad id, folder exists)."""


def new_incident(incident_id: str, root: Path) -> Path:
    """Create root/<id>/incident.yaml from the commented template; never overwrite."""
    if not ID_PATTERN.match(incident_id):
        raise ScaffoldError(f"incident id {incident_id!r}: use lower-case letters, digits and dashes")
    folder = root / incident_id
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists")
    folder.mkdir(parents=True)
    (folder / INCIDENT_FILE).write_text(TEMPLATE.format(id=incident_id), encoding="utf-8")
    return folder
