"""The figures formatter: significant digits, units, no exponent, no negative zero, honest percentages."""

from __future__ import annotations

import pytest

from perfpilot.figures import change, days, duration_ms, plain, share, signed_pct, usd, with_unit


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (10001.0, "10,001"),  # an integral figure stays whole: never 1e+04
        (12345.678, "12,346"),
        (1136.4, "1,136"),
        (509.0, "509"),
        (46.8, "46.8"),
        (2 / 3, "0.667"),
        (0.00333, "0.00333"),
        (0.0004, "0.0004"),
        (1e-7, "0.0000001"),
        (-0.0, "0"),
        (-0.00001, "−0.00001"),
        (-1234.5, "−1,234"),  # round half to even
        (None, "–"),
        (float("nan"), "–"),
    ],
)
def test_plain(value: float | None, text: str) -> None:
    assert plain(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.97, "97%"),
        (0.0306, "3.1%"),
        (0.0004, "0.04%"),
        (0.00001, "<0.01%"),
        (0.0, "0%"),
        (0.999, ">99%"),
        (0.9999, ">99.9%"),
        (1.0, "100%"),
        (-0.0, "0%"),
    ],
)
def test_share_never_rounds_a_non_zero_share_to_zero_or_a_partial_one_to_all(value: float, text: str) -> None:
    assert share(value) == text


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [
        (509.0, 200.0, "−61%"),
        (632.0, 29.1, "−95%"),
        (1940.0, 1.62, "−99.9%"),  # not −100%: something is left
        (3240.0, 18.9, "−99%"),
        (10000.0, 1.0, "<−99.9%"),
        (1.0, 10000.0, "+999,900%"),
        (10.0, 0.0, "−100%"),
        (100.0, 105.2, "+5.2%"),
        (100.0, 100.0, "no change"),
        (1.0, 1.00000001, "+<0.01%"),
        (0.0, 5.0, "new"),
        (None, 5.0, "–"),
    ],
)
def test_change_agrees_with_the_figures_beside_it(before: float | None, after: float, text: str) -> None:
    assert change(before, after) == text


def test_units() -> None:
    assert with_unit(0.94, "fraction") == "94%"
    assert with_unit(1136.0, "MB") == "1,136 MB"
    assert with_unit(10001.0, "uid") == "10,001 uid"
    assert with_unit(3.0, "") == "3"
    assert duration_ms(1500.0) == "1.5 s"
    assert duration_ms(0.25) == "0.25 ms"
    assert usd(237.2) == "237 USD"
    assert usd(43.8) == "43.8 USD"
    assert days(1) == "1 day"
    assert days(603.8) == "604 days"
    assert signed_pct(0.0) == "no change"  # never "+0.0%" nor "-0.0%"
    assert signed_pct(-0.001) == "−0.001%"  # small, not rounded away
    assert signed_pct(-3.21) == "−3.2%"
    assert signed_pct(12.0) == "+12%"
