"""Service toggles the plan turns on: which changes enable which declared toggle, and the service's
command line and environment with the enabled ones (read back from the run ledger on a resume)."""

from __future__ import annotations

from perfpilot.artifacts import Change, ImplementationPlan
from perfpilot.target.spec import ServiceToggle


def toggle_changes(
    plan: ImplementationPlan, declared: list[ServiceToggle]
) -> list[tuple[Change, ServiceToggle]]:
    """Auto-applicable changes naming a declared toggle, in deployment order, one per toggle."""
    by_name = {t.name: t for t in declared}
    by_id = {c.id: c for c in plan.changes}
    found: dict[str, tuple[Change, ServiceToggle]] = {}
    for change in (by_id[i] for i in plan.deployment_sequence):
        if change.auto_applicable and change.toggle in by_name and change.toggle not in found:
            found[change.toggle] = (change, by_name[change.toggle])
    return list(found.values())


def switched_on(
    argv: list[str], declared: list[ServiceToggle], enabled: list[str]
) -> tuple[list[str], dict[str, str]]:
    """The command with each enabled toggle's args appended, and the environment they set (declared
    order; a toggle the target no longer declares is skipped)."""
    on = [t for t in declared if t.name in set(enabled)]
    env: dict[str, str] = {}
    for toggle in on:
        env.update(toggle.env)
    return [*argv, *(arg for toggle in on for arg in toggle.args)], env
