"""Instance size ladders: the next smaller or larger size in the same family, from the type's name.

AWS names are `<family>.<size>` (m5.2xlarge); GCP names are `<family>-<vcpus>` (n2-standard-8). Within a
family both clouds price linearly in size, so one step halves (or doubles) vCPU, memory and price.
"""

from __future__ import annotations

import re

_AWS = re.compile(r"^(?P<family>[a-z][a-z0-9-]*)\.(?P<size>large|xlarge|(?P<n>\d+)xlarge)$")
_GCP = re.compile(r"^(?P<family>[a-z][a-z0-9]*-(?:standard|highmem|highcpu))-(?P<n>\d+)$")

_AWS_LADDER = (1, 2, 4, 8, 16, 32)
"""AWS sizes in units of 'large' (2 vCPU): large, xlarge, 2xlarge, 4xlarge, 8xlarge, 16xlarge.
Sizes below large (medium, small) exist only in some families, so the ladder stops at large."""

_GCP_LADDER = (2, 4, 8, 16, 32, 64)
"""GCP predefined machine vCPU counts shared by the n1/n2/n2d/e2 standard, highmem and highcpu shapes."""


def _aws_name(family: str, units: int) -> str:
    if units == 1:
        return f"{family}.large"
    if units == 2:
        return f"{family}.xlarge"
    return f"{family}.{units // 2}xlarge"


def _step(instance_type: str, direction: int) -> str | None:
    """The size one step down (direction -1) or up (+1) the ladder, or None off the ladder."""
    name = instance_type.strip().lower()
    aws = _AWS.match(name)
    if aws:
        size = aws.group("size")
        units = 1 if size == "large" else 2 if size == "xlarge" else 2 * int(aws.group("n"))
        if units not in _AWS_LADDER:
            return None
        index = _AWS_LADDER.index(units) + direction
        if 0 <= index < len(_AWS_LADDER):
            return _aws_name(aws.group("family"), _AWS_LADDER[index])
        return None
    gcp = _GCP.match(name)
    if gcp:
        vcpus = int(gcp.group("n"))
        if vcpus not in _GCP_LADDER:
            return None
        index = _GCP_LADDER.index(vcpus) + direction
        if 0 <= index < len(_GCP_LADDER):
            return f"{gcp.group('family')}-{_GCP_LADDER[index]}"
    return None


def smaller_size(instance_type: str) -> str | None:
    """Half the vCPU, memory and price in the same family (m5.2xlarge -> m5.xlarge)."""
    return _step(instance_type, -1)


def larger_size(instance_type: str) -> str | None:
    """Twice the vCPU, memory and price in the same family (m5.xlarge -> m5.2xlarge)."""
    return _step(instance_type, +1)
