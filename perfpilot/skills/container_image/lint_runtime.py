"""Checks on how the image runs and is built safely: root user, healthcheck, remote ADD, unpinned tags,
secrets in ENV/ARG. They change neither size nor speed, so their impact is 0; priority carries the risk."""

from __future__ import annotations

import re

from perfpilot.artifacts import ImpactEstimate, Priority
from perfpilot.skills.container_image.build_settings import redact_instruction, secret_names
from perfpilot.skills.container_image.dockerfile_model import named, parse_from
from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.image_data import NON_ROOT_UID
from perfpilot.skills.container_image.issues import Issue

HYGIENE_IMPACT_NOTE = "impact = 0: a hygiene finding changes neither image size nor speed"
_ROOT = re.compile(r"^(root|0)(:(root|0))?$")
_REMOTE = re.compile(r"^https?://", re.IGNORECASE)


def _count(metric: str, current: float, expected: float, unit: str, how: str) -> ImpactEstimate:
    return ImpactEstimate(
        metric=metric, current=current, expected=expected, unit=unit, method=f"{how}; {HYGIENE_IMPACT_NOTE}"
    )


def _issue(
    kind: str,
    line: int,
    excerpt: str,
    title: str,
    cause: str,
    fix: str,
    estimate: ImpactEstimate,
    priority: Priority,
) -> Issue:
    return Issue(
        kind=kind,
        line=line,
        excerpt=excerpt,
        title=title,
        root_cause=cause,
        fix=fix,
        estimate=estimate,
        priority=priority,
    )


def root_user_issues(facts: ImageFacts) -> list[Issue]:
    users = named(facts.final, "USER")
    if not facts.final or (users and not _ROOT.match(users[-1].arguments.strip())):
        return []
    at = (named(facts.final, "CMD", "ENTRYPOINT") or facts.final)[-1]
    return [
        _issue(
            "runs_as_root",
            at.line,
            redact_instruction(at.instruction, at.arguments)[:300],
            "The container runs as root",
            "the final stage sets no non-root USER, so the process runs as uid 0 inside the container.",
            f"USER {NON_ROOT_UID}",
            _count(f"container_uid:{facts.source}", 0, NON_ROOT_UID, "uid", "uid of the running process"),
            "medium",
        )
    ]


def healthcheck_issues(facts: ImageFacts) -> list[Issue]:
    if named(facts.final, "HEALTHCHECK") or not facts.final:
        return []
    at = facts.final[-1]
    return [
        _issue(
            "missing_healthcheck",
            at.line,
            redact_instruction(at.instruction, at.arguments)[:300],
            "No HEALTHCHECK",
            "without a HEALTHCHECK, Docker and Compose cannot tell a hung process from a healthy one "
            "(Kubernetes ignores it and uses probes instead).",
            "HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD <probe of the ready path>",
            _count(
                f"healthchecks:{facts.source}", 0, 1, "count", "HEALTHCHECK instructions in the final stage"
            ),
            "low",
        )
    ]


def remote_add_issues(facts: ImageFacts) -> list[Issue]:
    issues = []
    for add in named(facts.dockerfile.instructions, "ADD"):
        sources = [w for w in add.arguments.split() if not w.startswith("--")][:-1]
        if any(_REMOTE.match(s) for s in sources) and "--checksum" not in add.arguments:
            issues.append(
                _issue(
                    "add_remote_url",
                    add.line,
                    redact_instruction(add.instruction, add.arguments)[:300],
                    "ADD downloads a remote URL unverified",
                    "ADD of a URL fetches it at build time with no checksum, so builds are neither "
                    "reproducible "
                    "nor protected against a changed download.",
                    f"ADD --checksum=sha256:<digest> {add.arguments}",
                    _count(
                        f"unverified_downloads:{facts.source}", 1, 0, "downloads", "ADD of an http(s) URL"
                    ),
                    "medium",
                )
            )
    return issues


def unpinned_tag_issues(facts: ImageFacts) -> list[Issue]:
    issues, aliases = [], set()
    for instruction in named(facts.dockerfile.instructions, "FROM"):
        line = parse_from(instruction)
        if line.image.lower() not in aliases and line.image.lower() != "scratch" and not line.pinned:
            issues.append(
                _issue(
                    "unpinned_base_tag",
                    line.line,
                    redact_instruction(instruction.instruction, instruction.arguments),
                    f"Base image {line.image} is not pinned",
                    "a missing or 'latest' tag changes under the build without notice: image size and "
                    "behaviour drift "
                    "between builds, and cached layers are invalidated unpredictably.",
                    f"FROM {line.repo}:<version> (or @sha256:<digest>)",
                    _count(
                        f"unpinned_base_images:{facts.source}", 1, 0, "images", "FROM without a version tag"
                    ),
                    "low",
                )
            )
        if line.alias:
            aliases.add(line.alias.lower())
    return issues


def secret_issues(facts: ImageFacts) -> list[Issue]:
    issues = []
    for instruction in named(facts.dockerfile.instructions, "ENV", "ARG"):
        names = secret_names(instruction.instruction, instruction.arguments)
        if names:
            issues.append(
                _issue(
                    "secret_in_build_config",
                    instruction.line,
                    redact_instruction(instruction.instruction, instruction.arguments),
                    f"Secret-looking {instruction.instruction.upper()} {', '.join(names)}",
                    f"{instruction.instruction.upper()} values are stored in the image config and build "
                    "history, "
                    "readable by anyone who can pull the image (docker history / docker inspect).",
                    "pass it at run time (environment or mounted secret file), or at build time with "
                    "RUN --mount=type=secret,id=<name>",
                    _count(
                        f"secrets_in_image_config:{facts.source}",
                        len(names),
                        0,
                        "settings",
                        "secret-named ENV/ARG settings",
                    ),
                    "high",
                )
            )
    return issues


def runtime_issues(facts: ImageFacts) -> list[Issue]:
    """Every hygiene issue of the Dockerfile."""
    return (
        root_user_issues(facts)
        + healthcheck_issues(facts)
        + remote_add_issues(facts)
        + unpinned_tag_issues(facts)
        + secret_issues(facts)
    )
