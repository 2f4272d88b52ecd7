"""The demo's closing lines: measured p95s in people's units, each with its verdict and target."""

from __future__ import annotations

from perfpilot.cli.demo import _summary


def _row(metric: str, before: float, after: float, verdict: str, requests: int) -> dict[str, object]:
    return {
        "metric": metric,
        "before": before,
        "after": after,
        "unit": "ms",
        "target": 50.0,
        "verdict": verdict,
        "requests_after": requests,
        "min_requests": 100,
    }


def test_lines_read_as_figures_with_verdicts() -> None:
    report = {
        "validation": {
            "method": "measured",
            "verdict": "inconclusive",
            "noise_floor_pct": 53.54,
            "comparisons": [
                _row("p95_ms:product", 1093.8099062000001, 16.808831399999992, "met_beyond_noise", 401),
                _row("p95_ms:top_products", 5569.3, 1987.65, "too_few_samples", 4),
                {"metric": "error_rate:overall", "before": 0.0, "after": 0.0, "verdict": None},
            ],
            "endpoints": [
                {"name": "product", "p95_ms_before": 1093.8, "p95_ms_after": 16.8},
                {"name": "health", "p95_ms_before": 2.0, "p95_ms_after": 1.5},
            ],
            "hot_functions": [
                {
                    "subject": "_shingles (shop/related.py:22)",
                    "status": "measured",
                    "before_share": 0.0766,
                    "after_share": 0.0087,
                },
                {"subject": "parse (app.py:3)", "status": "not_profiled", "reason": "py-spy missing"},
            ],
        }
    }
    assert _summary(report) == [
        "demo: validation measured, verdict inconclusive (noise floor 54%)",
        "demo: p95_ms:product: 1.09 s -> 16.8 ms (−98%; met beyond noise, target 50 ms)",
        "demo: p95_ms:top_products: 5.57 s -> 1.99 s "
        "(−64%; too few samples: 4 requests after, 100 needed, target 50 ms)",
        "demo: p95_ms:health: 2 ms -> 1.5 ms (no target)",
        "demo: hot function _shingles (shop/related.py:22): 7.7% -> 0.87% of the profile's samples",
        "demo: hot function parse (app.py:3): not profiled (py-spy missing)",
    ]


def test_a_run_without_validation_says_so() -> None:
    assert _summary({"validation": None}) == ["demo: no validation ran (the report says why)"]
