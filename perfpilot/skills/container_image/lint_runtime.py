"""Checks hadolint does not make on how the image runs: no USER at all, no HEALTHCHECK (probing the
declared protocol), ADD of an unverified URL. Tags, explicit root and secrets in ENV/ARG are hadolint's
(DL3006/DL3007, DL3002, DL3064). Impact is 0 (neither size nor speed); priority carries the risk."""

from __future__ import annotations

import re

from perfpilot.artifacts import ImpactEstimate, Priority
from perfpilot.skills.container_image.build_settings import redact_instruction
from perfpilot.skills.container_image.dockerfile_model import named
from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.image_data import NON_ROOT_UID
from perfpilot.skills.container_image.issues import Issue
from perfpilot.skills.container_image.service_protocol import GRPC_PROBE, ServiceProtocol, has_grpc_probe

HYGIENE_IMPACT_NOTE = "impact = 0: a hygiene finding changes neither image size nor speed"
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
    """No USER at all in the final stage (an explicit `USER root` last is hadolint's DL3002)."""
    if not facts.final or named(facts.final, "USER"):
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


def _probe_fix(facts: ImageFacts, protocol: ServiceProtocol) -> str:
    if protocol == "http":
        return "HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD <HTTP probe of the ready path>"
    if has_grpc_probe(facts.dockerfile.instructions):
        return f'HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["{GRPC_PROBE}", "-addr=:<port>"]'
    return (
        f'gRPC service: add {GRPC_PROBE} to the image and HEALTHCHECK CMD ["{GRPC_PROBE}", '
        '"-addr=:<port>"] (the service must implement grpc.health.v1), or rely on the orchestrator\'s '
        "gRPC probe; an HTTP probe would always fail"
    )


def healthcheck_issues(facts: ImageFacts, protocol: ServiceProtocol) -> list[Issue]:
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
            _probe_fix(facts, protocol),
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


def runtime_issues(facts: ImageFacts, protocol: ServiceProtocol) -> list[Issue]:
    """Every hygiene issue of the Dockerfile that hadolint does not check."""
    return root_user_issues(facts) + healthcheck_issues(facts, protocol) + remote_add_issues(facts)
