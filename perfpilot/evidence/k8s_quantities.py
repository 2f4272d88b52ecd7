"""Kubernetes resource quantities: CPU ("250m", "2", "1.5") in cores, memory ("512Mi", "1G", bytes) in MiB."""

from __future__ import annotations

import re

_QUANTITY = re.compile(
    r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$"
)
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}


def parse_quantity(value: str | int | float) -> float:
    """A Kubernetes quantity as a plain number (base units); ValueError when malformed."""
    if isinstance(value, bool):
        raise ValueError(f"bad quantity {value!r}")
    if isinstance(value, int | float):
        return float(value)
    match = _QUANTITY.match(value.strip())
    if match is None:
        raise ValueError(f"bad quantity {value!r}")
    number, exponent, suffix = match.groups()
    if exponent:
        return float(number + exponent)
    if suffix is None:
        return float(number)
    return float(number) * (_BINARY.get(suffix) or _DECIMAL[suffix])


def cpu_cores(value: str | int | float) -> float:
    """CPU quantity in cores: '250m' -> 0.25, '2' -> 2.0."""
    return parse_quantity(value)


def memory_mib(value: str | int | float) -> float:
    """Memory quantity in MiB: '512Mi' -> 512, '1G' -> 953.67..., 1048576 -> 1."""
    return parse_quantity(value) / 2**20
