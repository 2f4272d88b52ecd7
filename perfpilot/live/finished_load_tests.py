"""Load tests recorded in the ledger: a resumed run reuses a finished load test, not running it again."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

from perfpilot.live.ledger import LoadTestFinished, RunLedger
from perfpilot.skills.base import SkillContext
from perfpilot.skills.registry import SkillRegistry

LOAD_TEST_SKILL = "load-test-runner"


def with_finished_load_tests(registry: SkillRegistry, ledger: RunLedger, *, rerun: bool) -> SkillRegistry:
    """registry whose load-test-runner records each finished run in ledger and, unless rerun, answers a
    call the thread already made (same arguments, same occurrence) from the record."""
    if LOAD_TEST_SKILL not in registry:
        return registry
    registered = registry.get(LOAD_TEST_SKILL)
    skill = registered.skill
    calls: Counter[str] = Counter()

    def run(inp: Any, ctx: SkillContext) -> Any:
        arguments = json.dumps(inp.model_dump(mode="json"), sort_keys=True)
        calls[arguments] += 1
        key = f"{arguments}#{calls[arguments]}"
        recorded = ledger.load_test(key)
        if recorded is not None and not rerun:
            ctx.log.info("load_test.reused", key=key, output=str(recorded))
            return skill.output_model.model_validate_json(recorded.read_text(encoding="utf-8"))
        output = skill.run(inp, ctx)
        path = ledger.dir / "load_tests" / f"{len(ledger.entries())}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output.model_dump_json(), encoding="utf-8")
        ledger.add(LoadTestFinished(key=key, output=str(path)))
        return output

    wrapped = replace(registered, skill=replace(skill, run=run))
    return SkillRegistry({r.name: wrapped if r.name == LOAD_TEST_SKILL else r for r in registry})
