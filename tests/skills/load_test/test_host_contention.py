"""Host CPU contention around a load-test run: the service's run-queue wait (schedstat) and PSI, from a
/proc tree written by the test."""

from __future__ import annotations

from pathlib import Path

from perfpilot.skills.load_test.host_contention import (
    CpuSnapshot,
    RunContention,
    between,
    combined,
    describe,
    snapshot,
)

PSI = (
    "some avg10=55.36 avg60=17.03 avg300=4.90 total={some}\n"
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
)


def _proc(root: Path, threads: dict[int, tuple[int, int]], pressure_us: int) -> Path:
    for tid, (run_ns, wait_ns) in threads.items():
        task = root / "4242" / "task" / str(tid)
        task.mkdir(parents=True, exist_ok=True)
        (task / "schedstat").write_text(f"{run_ns} {wait_ns} 17\n")
    (root / "pressure").mkdir(exist_ok=True)
    (root / "pressure" / "cpu").write_text(PSI.format(some=pressure_us))
    return root


def test_a_snapshot_sums_the_services_threads_and_reads_psi_some(tmp_path: Path) -> None:
    proc = _proc(tmp_path, {4242: (2_000_000_000, 500_000_000), 4250: (1_000_000_000, 250_000_000)}, 9_000)
    taken = snapshot(4242, proc)
    counters = (taken.service_run_ns, taken.service_wait_ns, taken.pressure_us)
    assert counters == (3_000_000_000, 750_000_000, 9_000)
    gone = snapshot(999, proc)  # no such process: only the host's pressure
    assert (gone.service_run_ns, gone.service_wait_ns, gone.pressure_us) == (None, None, 9_000)
    assert snapshot(4242, tmp_path / "elsewhere").pressure_us is None


def test_between_two_snapshots_gives_seconds_and_the_pressure_share() -> None:
    # thread 2 (an idle pool worker) retired during the run, thread 3 started: per-thread deltas
    start = CpuSnapshot(at_s=100.0, threads={1: (1_000_000_000, 0), 2: (5_000_000_000, 1)}, pressure_us=0)
    threads = {1: (5_000_000_000, 6_000_000_000), 3: (2_000_000_000, 3_000_000_000)}
    end = CpuSnapshot(at_s=160.0, threads=threads, pressure_us=45_000_000)
    run = between("after-baseline-1", start, end, 1200.0)
    assert run == RunContention(
        run="after-baseline-1", wall_s=60.0, requests=1200, service_cpu_s=6.0, service_wait_s=9.0,
        cpu_pressure_share=0.75,
    )  # fmt: skip
    assert run.contended and run.per_request_ms(run.service_wait_s) == 7.5
    gone = CpuSnapshot(at_s=160.0, threads=None, pressure_us=None)
    assert between("x", start, gone, None).service_cpu_s is None  # the process ended: nothing measured
    reused = CpuSnapshot(at_s=160.0, threads={2: (1_000, 2_000)}, pressure_us=None)  # a new thread, same id
    assert between("x", start, reused, None).service_wait_s == 0.0


def test_a_service_that_ran_longer_than_it_waited_is_not_contended() -> None:
    quiet = RunContention(run="a", wall_s=60, requests=1200, service_cpu_s=6.0, service_wait_s=0.4)
    assert not quiet.contended
    assert not RunContention(run="b", wall_s=60).contended  # nothing measured: never contended


def test_runs_combine_and_read_as_one_note() -> None:
    runs = [
        RunContention(run="after-baseline-1", wall_s=60, requests=1200, service_cpu_s=6.0, service_wait_s=9.0,
                      cpu_pressure_share=1.0),
        RunContention(run="after-baseline-2", wall_s=60, requests=1200, service_cpu_s=6.0, service_wait_s=3.0,
                      cpu_pressure_share=0.5),
    ]  # fmt: skip
    both = combined(runs)
    assert both == RunContention(
        run="after-baseline-1+after-baseline-2", wall_s=120, requests=2400, service_cpu_s=12.0,
        service_wait_s=12.0, cpu_pressure_share=0.75,
    )  # fmt: skip
    assert describe(runs) == (
        "host CPU, after-runs: service waited 5.0 ms/request for a CPU, ran 5.0 ms, CPU pressure 75% "
        "(contended)"
    )
    assert describe([]) is None and combined([]) is None
    assert describe([RunContention(run="x", wall_s=60)]) is None
