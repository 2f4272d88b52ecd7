"""Which protocol the container serves, so a healthcheck probes it the way it answers (HTTP or gRPC)."""

from __future__ import annotations

import re
from typing import Literal

from perfpilot.evidence.models import DockerInstruction

ServiceProtocol = Literal["http", "grpc"]
DeclaredProtocol = Literal["auto", "http", "grpc"]
GRPC_PROBE = "grpc_health_probe"
_GRPC_MARKER = re.compile(r"grpc", re.IGNORECASE)


def service_protocol(declared: DeclaredProtocol, instructions: list[DockerInstruction]) -> ServiceProtocol:
    """The declared protocol; on 'auto', gRPC when the Dockerfile names gRPC anywhere (grpcio, a grpc
    server module, grpc_health_probe), else HTTP."""
    if declared != "auto":
        return declared
    return "grpc" if any(_GRPC_MARKER.search(i.arguments) for i in instructions) else "http"


def has_grpc_probe(instructions: list[DockerInstruction]) -> bool:
    """The image gets grpc_health_probe (copied, downloaded or installed by a named step)."""
    return any(GRPC_PROBE in i.arguments for i in instructions if i.instruction.upper() != "HEALTHCHECK")
