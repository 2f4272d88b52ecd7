"""How the demo's judged after-runs varied, read from kept demo folders (demo_stability --keep DIR).

Checks the two things the validator's pooled after-run spread rests on or could be fooled by:

- equal log-scale run-to-run variance across endpoints: each endpoint's SD of log p95 around its own
  per-demo mean, pooled over the demos (demos x (runs - 1) degrees of freedom each), side by side;
- a systematic first-run effect: log(p95 of the first judged after-run / geometric mean of the others),
  averaged over endpoints per demo, then over demos with a Student's t 95% interval (one value per demo:
  the endpoints of one run share its conditions, so they are not independent);
- what each part of the method does (an ablation): in how many demos every endpoint's p95 target
  (examples/shop/target.yaml) is under the upper bound of the after-state's level, with the first two or
  all three after-runs, each endpoint's own spread or the pooled one (the run-to-run bound only: the
  bootstrap bound and the overall row are left out).

p95s are nearest-rank over each run's per-request durations (work/load_test/after-baseline-N.durations.json),
for endpoints with at least 100 requests. `--markdown FILE` writes the table between the
`after-run-spread` markers of FILE.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path

from benchmarks.sections import replace_generated
from perfpilot.skills.validation.change_interval import min_requests, nearest_rank, t_95
from perfpilot.skills.validation.pooled_spread import pooled_spread
from perfpilot.target import load_target

START, END = "<!-- after-run-spread:start -->", "<!-- after-run-spread:end -->"
ROOT = Path(__file__).resolve().parent.parent


def after_p95s(run_dir: Path) -> dict[str, list[float]]:
    """Endpoint -> p95 of each judged after-run, in run order (endpoints with enough requests)."""
    files = sorted(
        (run_dir / "work" / "load_test").glob("after-baseline-[0-9]*.durations.json"),
        key=lambda p: int(p.stem.split(".")[0].rsplit("-", 1)[1]),
    )
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    names = set.intersection(*(set(r) for r in runs)) if runs else set()
    return {
        name: [nearest_rank(sorted(r[name]), 0.95) for r in runs]
        for name in sorted(names - {"overall"})
        if all(len(r[name]) >= min_requests(0.95) for r in runs)
    }


def endpoint_sds(demos: list[dict[str, list[float]]]) -> dict[str, tuple[float, int]]:
    """Endpoint -> (SD of log p95 around its per-demo mean, pooled over demos; degrees of freedom)."""
    squares: dict[str, float] = {}
    degrees: dict[str, int] = {}
    for demo in demos:
        for name, values in demo.items():
            logs = [math.log(v) for v in values]
            mean = statistics.fmean(logs)
            squares[name] = squares.get(name, 0.0) + sum((x - mean) ** 2 for x in logs)
            degrees[name] = degrees.get(name, 0) + len(logs) - 1
    return {n: (math.sqrt(squares[n] / degrees[n]), degrees[n]) for n in sorted(squares) if degrees[n]}


def first_run_effect(demos: list[dict[str, list[float]]]) -> tuple[float, float, float, int] | None:
    """(mean, low, high, demos) of log(first run / geometric mean of the later runs), one value per demo."""
    per_demo = []
    for demo in demos:
        ratios = [
            math.log(v[0]) - statistics.fmean(math.log(x) for x in v[1:])
            for v in demo.values()
            if len(v) >= 2
        ]
        if ratios:
            per_demo.append(statistics.fmean(ratios))
    if len(per_demo) < 2:
        return None
    mean = statistics.fmean(per_demo)
    half = t_95(len(per_demo) - 1) * statistics.stdev(per_demo) / math.sqrt(len(per_demo))
    return mean, mean - half, mean + half, len(per_demo)


def all_met(demo: dict[str, list[float]], targets: dict[str, float], runs: int, pooled: bool) -> bool:
    """Whether every target of the demo's endpoints is under the level's upper bound (mean of the first
    `runs` log p95s + t x SD / sqrt(runs); SD: the endpoint's own, or pooled over the endpoints)."""
    used = {name: values[:runs] for name, values in demo.items() if name in targets}
    spread = pooled_spread(list(used.values())) if pooled else None
    for name, values in used.items():
        logs = [math.log(v) for v in values]
        if spread is not None:
            half = t_95(spread.degrees) * spread.sd / math.sqrt(runs)
        else:
            half = t_95(runs - 1) * statistics.stdev(logs) / math.sqrt(runs)
        if math.exp(statistics.fmean(logs) + half) > targets[name]:
            return False
    return bool(used)


def shop_targets() -> dict[str, float]:
    """The shop example's per-endpoint p95 targets, in ms."""
    slos = load_target(ROOT / "examples" / "shop" / "target.yaml").slos
    return {name: slo.p95_ms for name, slo in slos.endpoints.items() if slo.p95_ms is not None}


def markdown(demos: list[dict[str, list[float]]], targets: dict[str, float] | None = None) -> str:
    """The per-endpoint SDs, the first-run effect and the ablation as a short section."""
    lines = ["| endpoint | SD of log p95, run to run | degrees of freedom |", "|---|---:|---:|"]
    lines += [f"| {name} | {sd:.3f} | {df} |" for name, (sd, df) in endpoint_sds(demos).items()]
    effect = first_run_effect(demos)
    if effect is not None:
        mean, low, high, count = effect
        lines += [
            "",
            f"First judged after-run against the later ones, over {count} demos: p95 x{math.exp(mean):.2f} "
            f"(95% interval x{math.exp(low):.2f} to x{math.exp(high):.2f}; log-ratio averaged over the "
            "endpoints per demo, Student's t over demos).",
        ]
    if targets:
        counts = {
            (runs, pooled): sum(all_met(d, targets, runs, pooled) for d in demos)
            for runs in (2, 3)
            for pooled in (False, True)
        }
        lines += [
            "",
            f"Demos in which every endpoint's target is under the run-to-run bound, of {len(demos)}: "
            + "; ".join(
                f"{runs} after-runs, {'pooled' if pooled else 'own'} spread: {count}"
                for (runs, pooled), count in counts.items()
            )
            + ".",
        ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the --keep folder of benchmarks.demo_stability")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    demos = [d for run in sorted(args.folder.glob("run-*")) if (d := after_p95s(run))]
    text = markdown(demos, shop_targets())
    print(text)
    if args.markdown:
        replace_generated(args.markdown, START, END, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
