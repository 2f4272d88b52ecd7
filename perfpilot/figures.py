"""Numbers for people (reports, findings): units, three significant digits, no exponent or negative zero."""

from __future__ import annotations

import math

DASH = "–"
MINUS = "−"  # U+2212, the typographic minus
SIGNIFICANT = 3
UNIT_ALIASES = {"fraction": "%", "share": "%", "usd_month": "USD/month", "USD/month": "USD/month"}


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value) or math.isinf(value)


def plain(value: float | None, digits: int = SIGNIFICANT) -> str:
    """A number with `digits` significant digits (integers kept whole), thousands separated, never 1e+04."""
    if value is None or _missing(value):
        return DASH
    if value == int(value) and abs(value) < 1e15:
        text = f"{int(value):,}"
    elif abs(value) >= 10 ** (digits - 1):
        text = f"{round(value):,}"
    else:
        decimals = digits - 1 - math.floor(math.log10(abs(value)))
        rounded = round(value, decimals)
        text = f"{rounded:,.{max(decimals, 0)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if text.lstrip("-").strip("0,.") == "":
        return "0"  # no negative zero, and 0.0000 reads as 0
    return text.replace("-", MINUS)


def share(value: float | None) -> str:
    """A fraction in [0, 1] as a percentage; non-zero never reads as 0%, nor a partial share as 100%."""
    if value is None or _missing(value):
        return DASH
    pct = value * 100
    if pct == 0:
        return "0%"
    if abs(pct) < 0.01:
        return "<0.01%" if pct > 0 else f">{MINUS}0.01%"
    if 99.5 <= pct < 100:
        return ">99%" if pct < 99.95 else ">99.9%"
    text = plain(pct, 2) if abs(pct) < 10 else f"{round(pct):,}"
    return f"{text}%".replace("-", MINUS)


def change(before: float | None, after: float | None) -> str:
    """The relative change from before to after, computed from the figures shown beside it."""
    if before is None or after is None or _missing(before) or _missing(after):
        return DASH
    if before == after:
        return "no change"
    if before == 0:
        return "new" if after else "no change"
    pct = (after - before) / abs(before) * 100
    sign = MINUS if pct < 0 else "+"
    if abs(pct) < 0.01:
        return f"{sign}<0.01%"
    size = abs(pct)
    if 99.95 <= size < 100:  # a partial change never reads as 100%
        return f"<{MINUS}99.9%" if pct < 0 else ">+99.9%"
    if 99.5 <= size < 100:
        return f"{sign}{size:.1f}%"
    return f"{sign}{plain(size, 2) if size < 10 else f'{round(size):,}'}%"


def with_unit(value: float | None, unit: str = "") -> str:
    """A figure with its unit: `fraction` reads as a percentage, milliseconds past 1,000 as seconds."""
    if value is None or _missing(value):
        return DASH
    unit = UNIT_ALIASES.get(unit, unit)
    if unit == "%":
        return share(value)
    if unit == "ms":
        return duration_ms(value)
    return f"{plain(value)} {unit}".rstrip()


def duration_ms(value: float | None) -> str:
    """Milliseconds below a second, seconds above."""
    if value is None or _missing(value):
        return DASH
    if abs(value) >= 1000:
        return f"{plain(value / 1000)} s"
    return f"{plain(value)} ms"


def usd(value: float | None) -> str:
    """A dollar amount, whole dollars from 100 up."""
    if value is None or _missing(value):
        return DASH
    return f"{plain(value) if abs(value) < 100 else f'{round(value):,}'} USD".replace("-", MINUS)


def days(value: float | None) -> str:
    """A number of days, singular when it is one."""
    if value is None or _missing(value):
        return DASH
    return f"{plain(value)} {'day' if value == 1 else 'days'}"


def signed_pct(value: float | None) -> str:
    """A percentage given in percent (e.g. a throughput gain), signed; 0 reads as 'no change'."""
    if value is None or _missing(value):
        return DASH
    text = plain(value, 2 if abs(value) < 10 else 3)
    if text == "0":
        return "no change"
    return f"+{text}%" if value > 0 else f"{text}%"
