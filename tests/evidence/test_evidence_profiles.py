"""Stack profiles as evidence: folded stacks, pprof (gzip'd or not) and speedscope, bounded, errors named."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from perfpilot.evidence.collapsed import load_collapsed, parse_collapsed
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.load import load_evidence
from perfpilot.evidence.pprof import load_pprof, parse_pprof, profile_pb2
from perfpilot.evidence.profile_models import Profile
from perfpilot.evidence.profiles import sniff_format
from perfpilot.evidence.speedscope import SCHEMA, parse_speedscope
from perfpilot.target import load_target

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
MiB = 1 << 20


def _labels(profile: Profile) -> dict[str, float]:
    """Stack (root first, ';'-joined frame labels) -> value."""
    return {";".join(profile.frames[i].label for i in s.frames): s.value for s in profile.stacks}


def test_py_spy_raw_file_reads_every_sample_with_file_and_line() -> None:
    profile = load_collapsed(FIXTURES / "py_spy_busy.txt", source="py_spy_busy.txt")
    assert profile.format == "collapsed"
    assert profile.total == 321
    frame = next(f for f in profile.frames if f.function == "match_skus")
    assert (frame.file, frame.line) == ("py_busy.py", 18)


def test_folded_stacks_of_perf_async_profiler_and_py_spy_threads() -> None:
    lines = [
        "java/lang/Thread.run_[j];com/shop/Api.handle_[j];java/util/regex/Pattern.compile_[j] 7",
        "main;parse_request;__libc_read_[k] 3",
        'process 41:"python app.py";thread (0x7f3a);handle (app.py:10) 5',
        "main;parse_request;__libc_read_[k] 2",
        " 4",
    ]
    profile = parse_collapsed(lines, "f.folded")
    assert _labels(profile) == {
        "java/lang/Thread.run;com/shop/Api.handle;java/util/regex/Pattern.compile": 7,
        "main;parse_request;__libc_read": 5,
        "handle (app.py:10)": 5,
        "": 4,
    }
    threads = {s.thread for s in profile.stacks}
    assert threads == {"", "process 41;thread (0x7f3a)"}  # the command line is dropped: it may hold secrets


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [(["a;b 3", "a;b three"], 2, "expected 'frame;frame;... COUNT'"), (["", "# nothing"], None, "no stacks")],
)
def test_bad_folded_file_names_the_line(lines: list[str], line: int | None, message: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_collapsed(lines, "bad.txt")
    assert (caught.value.source, caught.value.line) == ("bad.txt", line)
    assert message in caught.value.message


def test_go_pprof_file_reads_cpu_nanoseconds_with_go_frames() -> None:
    profile = load_pprof(FIXTURES / "go_cpu.pb.gz", source="go_cpu.pb.gz", max_bytes=64 * MiB)
    assert (profile.format, profile.value_type, profile.unit) == ("pprof", "cpu", "nanoseconds")
    assert profile.duration_s is not None and profile.duration_s > 2
    frame = next(f for f in profile.frames if f.function == "main.matchSkus")
    assert frame.file == "./main.go"
    regex = [k for k in _labels(profile) if "main.matchSkus (./main.go:4" in k and "regexp.MustCompile" in k]
    assert regex


def _synthetic_pprof() -> profile_pb2.Profile:
    """Two sample types; one location with an inlined callee; labels on one sample."""
    strings = [
        "",
        "samples",
        "count",
        "cpu",
        "nanoseconds",
        "main.handler",
        "app.go",
        "main.inlined",
        "main.root",
        "endpoint",
        "/orders",
    ]
    message = profile_pb2.Profile(string_table=strings)
    message.sample_type.add(type=1, unit=2)
    message.sample_type.add(type=3, unit=4)
    for fid, name in ((1, 5), (2, 7), (3, 8)):
        message.function.add(id=fid, name=name, filename=6)
    root = message.location.add(id=1)
    root.line.add(function_id=3, line=3)
    leaf = message.location.add(id=2)  # inlined callee first, its caller last
    leaf.line.add(function_id=2, line=20)
    leaf.line.add(function_id=1, line=10)
    message.sample.add(location_id=[2, 1], value=[1, 10_000_000])
    sample = message.sample.add(location_id=[1], value=[2, 30_000_000])
    sample.label.add(key=9, str=10)
    return message


def test_pprof_stacks_root_first_with_inlined_frames_labels_and_chosen_sample_type() -> None:
    data = _synthetic_pprof().SerializeToString()
    profile = parse_pprof(data, "p.pb", max_bytes=MiB)
    assert (profile.value_type, profile.unit) == ("cpu", "nanoseconds")
    assert _labels(profile) == {
        "main.root (app.go:3);main.handler (app.go:10);main.inlined (app.go:20)": 10_000_000,
        "main.root (app.go:3)": 30_000_000,
    }
    assert [s.labels for s in profile.stacks] == [{}, {"endpoint": "/orders"}]
    counted = parse_pprof(gzip.compress(data), "p.pb.gz", sample_type="samples", max_bytes=MiB)
    assert counted.total == 3
    with pytest.raises(EvidenceError, match="no sample type 'alloc_space'"):
        parse_pprof(data, "p.pb", sample_type="alloc_space", max_bytes=MiB)


def test_pprof_refuses_garbage_and_gzip_that_inflates_past_its_cap() -> None:
    with pytest.raises(EvidenceError, match="not a profile protobuf"):
        parse_pprof(b"\xff\xff\xff\xff", "bad.pb", max_bytes=MiB)
    with pytest.raises(EvidenceError, match="inflates past"):
        parse_pprof(gzip.compress(b"\0" * (2 * MiB)), "bomb.pb.gz", max_bytes=1024)


def test_speedscope_sampled_and_evented_profiles() -> None:
    doc = {
        "$schema": SCHEMA,
        "shared": {"frames": [{"name": "main", "file": "app.py", "line": 1}, {"name": "work"}]},
        "profiles": [
            {
                "type": "sampled",
                "name": "t1",
                "unit": "none",
                "startValue": 0,
                "endValue": 3,
                "samples": [[0], [0, 1], [0, 1]],
                "weights": [1, 1, 2],
            },
            {
                "type": "evented",
                "name": "t2",
                "unit": "none",
                "startValue": 0,
                "endValue": 10,
                "events": [
                    {"type": "O", "frame": 0, "at": 0},
                    {"type": "O", "frame": 1, "at": 2},
                    {"type": "C", "frame": 1, "at": 7},
                    {"type": "C", "frame": 0, "at": 10},
                ],
            },
        ],
    }
    profile = parse_speedscope(doc, "s.json")
    by_thread = {(s.thread, tuple(s.frames)): s.value for s in profile.stacks}
    assert by_thread == {("t1", (0,)): 1, ("t1", (0, 1)): 3, ("t2", (0,)): 5, ("t2", (0, 1)): 5}
    with pytest.raises(EvidenceError, match="not a speedscope file"):
        parse_speedscope({"profiles": []}, "s.json")


def test_format_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"$schema": SCHEMA}))
    (tmp_path / "b.txt").write_text("main;work 3\n")
    (tmp_path / "c.pb").write_bytes(_synthetic_pprof().SerializeToString())
    assert [sniff_format(tmp_path / n, n) for n in ("a.json", "b.txt", "c.pb")] == [
        "speedscope",
        "collapsed",
        "pprof",
    ]
    assert sniff_format(FIXTURES / "go_cpu.pb.gz", "go") == "pprof"


def test_target_profiles_load_with_their_ties_and_bad_ones_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text("main;work many\n")
    (tmp_path / "target.yaml").write_text(
        "name: t\nevidence:\n  profiles:\n"
        f"    - path: {FIXTURES / 'py_spy_busy.txt'}\n      endpoint: search\n      node: web-1\n"
        f"    - {FIXTURES / 'go_cpu.pb.gz'}\n"
        "    - bad.txt\n"
    )
    bundle = load_evidence(load_target(tmp_path / "target.yaml"))
    assert [(p.format, p.endpoint, p.node) for p in bundle.profiles] == [
        ("collapsed", "search", "web-1"),
        ("pprof", None, None),
    ]
    assert [(s.source, s.line) for s in bundle.skipped] == [("bad.txt", 1)]
    with pytest.raises(EvidenceError, match=r"bad\.txt:1"):
        load_evidence(load_target(tmp_path / "target.yaml"), strict=True)


def test_profile_over_its_size_cap_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("main;work 1\n" * 200)
    (tmp_path / "target.yaml").write_text(
        "name: t\nlimits:\n  max_bytes:\n    profiles: 1KiB\nevidence:\n  profiles: [big.txt]\n"
    )
    bundle = load_evidence(load_target(tmp_path / "target.yaml"))
    assert bundle.profiles == []
    assert "over the 1 KiB limit" in bundle.skipped[0].reason


def test_bad_profile_under_strict_exits_2_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.pb.gz").write_bytes(b"\x1f\x8bnot gzip at all")
    (tmp_path / "target.yaml").write_text("name: t\nevidence:\n  profiles: [bad.pb.gz]\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfpilot.cli.app",
            "run",
            str(tmp_path / "target.yaml"),
            "--out",
            str(tmp_path / "out"),
            "--strict",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "bad.pb.gz: pprof: not valid gzip data" in result.stderr
    assert "Traceback" not in result.stderr
