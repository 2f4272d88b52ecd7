"""Findings a declared service toggle fixes: their change becomes "turn the toggle on", auto-applicable.

A target may declare switches its service already has (target.yaml `service.toggles`: a flag or an
environment variable, the functions or files it fixes, one line on what it does). When a finding names
a hot function a toggle addresses, the plan can do better than a patch sketch: `--apply sandbox`
restarts the service perfpilot started with the toggle on, and validation measures the effect. The
patch sketch stays in the change's text, as what the toggle stands for in code."""

from __future__ import annotations

import shlex

from perfpilot.artifacts import Finding, Remediation
from perfpilot.evidence.profile_models import ProfileFrame
from perfpilot.target.spec import ServiceToggle


def how_to_turn_on(toggle: ServiceToggle) -> str:
    """'--cache-related', 'SHOP_CACHE=1' or both, as one would type them."""
    parts = [shlex.join(toggle.args)] if toggle.args else []
    parts += [f"{k}={shlex.quote(v)}" for k, v in sorted(toggle.env.items())]
    return " and ".join(parts)


def toggle_for(finding: Finding, toggles: list[ServiceToggle]) -> ServiceToggle | None:
    """The first declared toggle that addresses the function the finding names (application findings)."""
    if finding.layer != "application" or finding.remediation is None:
        return None
    frame = ProfileFrame.from_label(finding.subject)
    return next((t for t in toggles if t.addresses_frame(frame.function, frame.file)), None)


def with_toggles(findings: list[Finding], toggles: list[ServiceToggle]) -> list[Finding]:
    """Each finding a toggle addresses, its remediation turned into enabling that toggle."""
    changed = []
    for finding in findings:
        toggle = toggle_for(finding, toggles)
        if toggle is None or finding.remediation is None:
            changed.append(finding)
            continue
        switch = how_to_turn_on(toggle)
        remediation = Remediation(
            kind="config",
            title=f"Enable the service toggle {toggle.name} ({switch})",
            content=(
                f"Restart the service with {switch}: {toggle.description}\n\n"
                f"What it stands for in code:\n{finding.remediation.content}"
            ),
            rollback=f"Restart the service without {switch}.",
            effort_days=0.1,
            risk="low",
            auto_applicable=True,
            toggle=toggle.name,
        )
        changed.append(finding.model_copy(update={"remediation": remediation}))
    return changed
