"""EXPLAIN output as evidence: PostgreSQL's JSON and text formats give the same plan tree."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.explain import load_explain
from perfpilot.evidence.load import load_evidence
from perfpilot.skills.base import SkillContext
from perfpilot.skills.registry import default_registry
from perfpilot.target import load_target
from perfpilot.workload.fingerprint import fingerprint, fingerprint_id

PLANS = Path(__file__).resolve().parent.parent / "fixtures" / "evidence" / "explain"
KEYS = ("Node Type", "Relation Name", "Plan Rows", "Actual Rows", "Actual Loops", "Sort Method",
        "Sort Space Type", "Sort Space Used", "Filter", "Rows Removed by Filter")


def tree(node: dict[str, Any]) -> list[Any]:
    return [{k: node[k] for k in KEYS if k in node}, [tree(c) for c in node.get("Plans", [])]]


def test_text_and_json_of_the_same_plans_give_the_same_tree() -> None:
    text = load_explain(PLANS / "plans.txt", source="plans.txt")
    json_plain = load_explain(PLANS / "plan.json", source="plan.json")
    json_analyze = load_explain(PLANS / "plan-analyze.json", source="plan-analyze.json")
    assert [(p.line, p.format, p.analyzed) for p in text] == [(2, "text", False), (13, "text", True)]
    assert text[0].statement == (
        "SELECT id, created_at FROM orders WHERE customer_id = 42 ORDER BY created_at DESC"
    )
    assert text[1].statement == "SELECT * FROM orders WHERE status = 'paid' ORDER BY created_at"
    assert [(p.format, p.analyzed, p.statement) for p in json_plain + json_analyze] == [
        ("json", False, None), ("json", True, None),
    ]
    assert tree(text[0].plan) == tree(json_plain[0].plan)
    assert tree(text[1].plan) == tree(json_analyze[0].plan) == [
        {"Node Type": "Sort", "Plan Rows": 66273, "Actual Rows": 66667, "Actual Loops": 1,
         "Sort Method": "external merge", "Sort Space Type": "Disk", "Sort Space Used": 2248},
        [[{"Node Type": "Seq Scan", "Relation Name": "orders", "Plan Rows": 66273, "Actual Rows": 66667,
           "Actual Loops": 1, "Filter": "(status = 'paid'::text)", "Rows Removed by Filter": 133333}, []]],
    ]


@pytest.mark.parametrize(("content", "line", "message"), [
    ("   ->  Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n", 1, "no root node"),
    ("hello\n", None, "no EXPLAIN plan found"),
    ('[{"Plan": 3}]', None, 'no "Plan" object'),
    ('{"Plan": {"Node Type": "Result"}}\n{oops\n', 2, "not JSON"),
])
def test_bad_explain_output_names_file_and_line(
    tmp_path: Path, content: str, line: int | None, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(EvidenceError) as err:
        load_explain(path, source="bad.txt")
    assert (err.value.source, err.value.line) == ("bad.txt", line) and message in err.value.message


def test_the_database_skill_reports_the_issues_of_declared_plans(tmp_path: Path) -> None:
    shutil.copy(PLANS / "plans.txt", tmp_path / "plans.txt")
    (tmp_path / "target.yaml").write_text("name: shop\nevidence:\n  plans: [plans.txt]\n")
    bundle = load_evidence(load_target(tmp_path / "target.yaml"))
    assert len(bundle.plans) == 2 and bundle.skipped == []
    skill = default_registry().get("database-optimization-analyzer").skill
    out = skill.run(skill.input_model(), SkillContext(evidence=bundle, workdir=tmp_path))
    found = [(f.kind, f.subject, f.evidence[0].source, f.evidence[0].line) for f in out.findings]
    # the subject is the shape id a workload digest gives the explained statement
    shape = fingerprint_id(fingerprint("SELECT * FROM orders WHERE status = 'paid' ORDER BY created_at"))
    assert found == [
        ("plan:seq_scan_large", f"{shape}:orders", "plans.txt", 13),
        ("plan:sort_spill", shape, "plans.txt", 13),
    ]
