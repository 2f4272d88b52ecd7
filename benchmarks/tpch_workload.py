"""A larger TPC-H workload: the templates again with other substitution parameters (seeded).

Each variant draws new values from the domains the TPC-H specification (section 2.4, clause 4.2.3)
gives the substitution parameters: all dates of a query move by the same number of months (staying in
1992-1998), regions, nations, market segments and ship modes are replaced by other members of their
domain (distinct values stay distinct), brands become another Brand#MN, and the color of a name pattern
another color. The first variant of each template keeps the validation parameters.
"""

from __future__ import annotations

import calendar
import datetime
import random
import re
from collections.abc import Callable

REGIONS = ("AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST")
NATIONS = (
    "ALGERIA",
    "ARGENTINA",
    "BRAZIL",
    "CANADA",
    "EGYPT",
    "ETHIOPIA",
    "FRANCE",
    "GERMANY",
    "INDIA",
    "INDONESIA",
    "IRAN",
    "IRAQ",
    "JAPAN",
    "JORDAN",
    "KENYA",
    "MOROCCO",
    "MOZAMBIQUE",
    "PERU",
    "CHINA",
    "ROMANIA",
    "SAUDI ARABIA",
    "VIETNAM",
    "RUSSIA",
    "UNITED KINGDOM",
    "UNITED STATES",
)
SEGMENTS = ("AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY")
SHIP_MODES = ("REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB")
COLORS = ("almond", "azure", "blue", "chocolate", "forest", "green", "ivory", "lemon", "navy", "red")
# Which domains each template's parameters come from (ship modes only where they are parameters: Q12).
DOMAINS: dict[int, tuple[tuple[str, ...], ...]] = {
    3: (SEGMENTS,),
    5: (REGIONS,),
    7: (NATIONS,),
    8: (NATIONS, REGIONS),
    11: (NATIONS,),
    12: (SHIP_MODES,),
    20: (NATIONS,),
    21: (NATIONS,),
}
FIRST_DAY, LAST_DAY = datetime.date(1992, 1, 1), datetime.date(1998, 12, 31)
_DATE = re.compile(r"'(\d{4}-\d{2}-\d{2})'")
_BRAND = re.compile(r"'Brand#\d\d'")
_COLOR = re.compile("|".join(COLORS))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _shift_dates(text: str, rng: random.Random) -> str:
    days = [datetime.date.fromisoformat(d) for d in _DATE.findall(text)]
    if not days:
        return text
    allowed = [m for m in range(-36, 37) if all(FIRST_DAY <= _add_months(d, m) <= LAST_DAY for d in days)]
    months = rng.choice(allowed)
    return _DATE.sub(lambda m: f"'{_add_months(datetime.date.fromisoformat(m[1]), months)}'", text)


def _swap_domain(text: str, domain: tuple[str, ...], rng: random.Random) -> str:
    present = [v for v in domain if f"'{v}'" in text]
    mapping = dict(zip(present, rng.sample(domain, len(present)), strict=True))
    pattern = re.compile("|".join(re.escape(f"'{v}'") for v in present)) if present else None
    return pattern.sub(lambda m: f"'{mapping[m[0][1:-1]]}'", text) if pattern else text


def vary(number: int, text: str, rng: random.Random) -> str:
    """One variant of template `number` with fresh substitution parameters."""
    steps: list[Callable[[str], str]] = [lambda t: _shift_dates(t, rng)]
    steps += [lambda t, d=domain: _swap_domain(t, d, rng) for domain in DOMAINS.get(number, ())]
    steps.append(lambda t: _BRAND.sub(lambda _: f"'Brand#{rng.randint(1, 5)}{rng.randint(1, 5)}'", t))
    if number in (9, 20):
        steps.append(lambda t: _COLOR.sub(lambda _: rng.choice(COLORS), t, count=1))
    for step in steps:
        text = step(text)
    return text


def varied_workload(templates: dict[int, str], count: int, seed: int = 18) -> dict[str, str]:
    """`count` queries, id 'q<template>.<variant>', cycling over the templates in order."""
    rng = random.Random(seed)
    numbers = sorted(templates)
    queries: dict[str, str] = {}
    for position in range(count):
        number = numbers[position % len(numbers)]
        variant = position // len(numbers)
        text = templates[number] if variant == 0 else vary(number, templates[number], rng)
        queries[f"q{number}.{variant}"] = text
    return queries
