"""Turn issues into Findings: stable ids, the image-size estimate with its pull-time effect, remediation."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.container_image.build_settings import redact_instruction
from perfpilot.skills.container_image.dockerfile_rewrite import Rewrite
from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.hadolint import HadolintIssue
from perfpilot.skills.container_image.image_data import pull_seconds
from perfpilot.skills.container_image.issues import Issue
from perfpilot.skills.container_image.lint_size import RuleSaving

SKILL_NAME = "container-image-optimizer"
ROLLBACK = "Restore the previous Dockerfile from version control and rebuild the image."
SIZE_IMPACT_FORMULA = "impact = MB saved / sized image MB (share of the image this fix removes)"


HIGH_SIZE_IMPACT = 0.25
"""A fix that removes a quarter of the image is high priority; from 5% it is medium."""
MEDIUM_SIZE_IMPACT = 0.05


def issue_finding(issue: Issue, source: str, before_mb: float, bandwidth: float) -> Finding:
    """A Finding for one issue; size issues get an image_size_mb estimate and an impact by share."""
    estimate: ImpactEstimate | None
    if issue.saved_mb is not None:
        after = round(before_mb - issue.saved_mb, 1)
        pull = pull_seconds(issue.saved_mb, bandwidth)
        estimate = ImpactEstimate(
            metric=f"image_size_mb:{source}",
            current=before_mb,
            expected=after,
            unit="MB",
            method=f"{issue.size_method}; pull time -{pull} s at {bandwidth:g} Mbit/s; {SIZE_IMPACT_FORMULA}",
        )
        impact = round(issue.saved_mb / before_mb, 4) if before_mb > 0 else 0.0
        priority = priority_from_impact(impact, high=HIGH_SIZE_IMPACT, medium=MEDIUM_SIZE_IMPACT)
    else:
        estimate, impact, priority = issue.estimate, issue.impact, issue.priority
    return Finding(
        id=stable_id("img", issue.kind, source, issue.line),
        skill=SKILL_NAME,
        kind=issue.kind,
        layer="container",
        subject=f"{source}:{issue.line}",
        title=issue.title,
        root_cause=issue.root_cause,
        impact=impact,
        estimate=estimate,
        priority=priority,
        complexity=issue.complexity,
        remediation=Remediation(
            kind="patch",
            title=issue.title,
            content=issue.fix,
            rollback=ROLLBACK,
            effort_days=issue.effort_days,
            risk="low",
        ),
        evidence=[EvidenceRef(source=source, line=issue.line, excerpt=issue.excerpt)],
    )


def rewrite_finding(
    source: str, rewrite: Rewrite, before_mb: float, kinds: list[str], bandwidth: float
) -> Finding:
    """The whole optimised Dockerfile as one patch, with the image size and pull time before and after."""
    after_mb = rewrite.after.size_mb()
    before_s, after_s = pull_seconds(before_mb, bandwidth), pull_seconds(after_mb, bandwidth)
    impact = round((before_mb - after_mb) / before_mb, 4) if before_mb > 0 else 0.0
    return Finding(
        id=stable_id("img", "optimized_dockerfile", source),
        skill=SKILL_NAME,
        kind="optimized_dockerfile",
        layer="container",
        subject=source,
        title=f"Optimised {source}" + (" (multi-stage)" if rewrite.split else ""),
        root_cause=f"{len(kinds)} issue(s) in one Dockerfile: {', '.join(sorted(set(kinds)))}.",
        impact=impact,
        estimate=ImpactEstimate(
            metric=f"image_size_mb:{source}",
            current=before_mb,
            expected=after_mb,
            unit="MB",
            method=(
                f"sized image before/after every fix (base + measured apt packages + apt lists + pip cache); "
                f"cold-start pull {before_s} s -> {after_s} s at {bandwidth:g} Mbit/s with registry size = "
                f"0.37 x unpacked; {SIZE_IMPACT_FORMULA}"
            ),
        ),
        priority=priority_from_impact(impact, high=HIGH_SIZE_IMPACT, medium=MEDIUM_SIZE_IMPACT),
        complexity="complex" if rewrite.split else "quick_fix",
        remediation=Remediation(
            kind="patch",
            title=f"Replace {source} with the optimised Dockerfile",
            content=rewrite.text,
            rollback=ROLLBACK,
            effort_days=1.0 if rewrite.split else 0.5,
            risk="medium" if rewrite.split else "low",
        ),
        evidence=[
            EvidenceRef(source=source, line=1, values={"image_size_mb": before_mb, "pull_s": before_s})
        ],
    )


HADOLINT_WIKI = "https://github.com/hadolint/hadolint/wiki/"


def _excerpt(facts: ImageFacts, line: int) -> str:
    found = (i for i in facts.dockerfile.instructions if i.line == line)
    return next((redact_instruction(i.instruction, i.arguments)[:300] for i in found), "")


def hadolint_finding(
    hits: list[HadolintIssue],
    facts: ImageFacts,
    saving: RuleSaving | None,
    before_mb: float,
    bandwidth: float,
) -> Finding:
    """One finding per hadolint rule id with every line it hit as evidence; a size rule that hits the final
    image carries the MB it removes (catalog and measured package sizes), any other rule an impact of 0."""
    first = hits[0]
    lines = [h.line for h in hits]
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines))}"
    as_issue = Issue(
        kind=f"hadolint:{first.code}",
        line=first.line,
        excerpt=_excerpt(facts, first.line),
        title=f"{first.code}: {first.message.split('. ', 1)[0].rstrip('.')}"[:120],
        root_cause=f"hadolint {first.code} ({first.level}) on {where}: {first.message}",
        fix=f"{first.message} (see {HADOLINT_WIKI}{first.code}); the optimized_dockerfile finding applies it "
        "where perfpilot can",
        saved_mb=saving.saved_mb if saving else None,
        size_method=saving.method if saving else "",
        estimate=None,
        impact=0.0,
        priority="medium" if any(h.level == "error" for h in hits) else "low",
    )
    finding = issue_finding(as_issue, facts.source, before_mb, bandwidth)
    evidence = [EvidenceRef(source=facts.source, line=line, excerpt=_excerpt(facts, line)) for line in lines]
    return finding.model_copy(update={"evidence": evidence})
