"""Special files and limits at the shared entry: FIFOs, devices, directories, symlink loops, NUL bytes,
caps (target > environment > default), BOMs, nesting, YAML alias bombs and --strict on empty sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from perfpilot.evidence import load_evidence
from perfpilot.evidence.errors import EvidenceError
from perfpilot.inputs.limits import InputLimits, parse_size
from perfpilot.target import TargetError, load_target
from perfpilot.target.spec import DatabaseSource
from tests.hardening.test_fuzz_loaders import FIXTURES, target_for

BILLION_LAUGHS = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def skipped_reason(kind: str, path: Path) -> str:
    bundle = load_evidence(target_for(kind, path), live=False)
    assert [r.items for r in bundle.read] == [0]
    (skip,) = bundle.skipped
    return skip.reason


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "traces.json"
    os.mkfifo(fifo)
    assert skipped_reason("traces", fifo) == "a FIFO (named pipe), not a regular file"


def test_devices_directories_and_symlink_loops(tmp_path: Path) -> None:
    assert skipped_reason("metrics", Path("/dev/zero")) == "a character device, not a regular file"
    assert skipped_reason("containers", tmp_path) == "a directory, not a regular file"
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop")
    assert skipped_reason("load_tests", loop) == "symlink loop"


def test_size_cap_per_kind_names_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "access.log"
    path.write_bytes((FIXTURES / "evidence" / "access.log").read_bytes() * 40)
    monkeypatch.setenv("PERFPILOT_MAX_BYTES_ACCESS_LOGS", "1KiB")
    assert skipped_reason("access_logs", path).startswith("")
    assert "over the 1 KiB limit" in skipped_reason("access_logs", path)
    target = target_for("access_logs", path)
    raised = target.model_copy(update={"limits": type(target.limits)(max_bytes={"access_logs": "1MiB"})})
    raised._root = tmp_path
    assert load_evidence(raised, live=False).skipped == []  # target.yaml wins over the environment


def test_explicit_beats_environment_beats_default() -> None:
    assert (
        InputLimits(explicit={"metrics": 5}, environ={"PERFPILOT_MAX_BYTES_METRICS": "7"}).max_bytes(
            "metrics"
        )
        == 5
    )
    assert InputLimits(environ={"PERFPILOT_MAX_BYTES_METRICS": "2MiB"}).max_bytes("metrics") == 2 << 20
    assert InputLimits(environ={}).max_bytes("metrics") == 16 << 20
    assert parse_size("1.5K") == 1536
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")


def test_utf16_and_utf8_bom_read_like_utf8(tmp_path: Path) -> None:
    text = (FIXTURES / "evidence" / "metrics.prom").read_text()
    plain = load_evidence(target_for("metrics", _write(tmp_path / "a.prom", text.encode())), live=False)
    for name, data in (("b.prom", "\ufeff".encode() + text.encode()), ("c.prom", text.encode("utf-16"))):
        bundle = load_evidence(target_for("metrics", _write(tmp_path / name, data)), live=False)
        assert bundle.skipped == [] and len(bundle.metrics) == len(plain.metrics) > 0


def test_deep_json_and_alias_bombs_fail_fast_naming_the_file(tmp_path: Path) -> None:
    deep = _write(tmp_path / "k6.json", b"[" * 50_000 + b"]" * 50_000)
    assert skipped_reason("load_tests", deep) == "nested 50000 levels deep (the limit is 64)"
    bomb = _write(tmp_path / "k8s.yaml", BILLION_LAUGHS.encode())
    assert len(BILLION_LAUGHS) < 400
    assert "refusing to expand" in skipped_reason("kubernetes", bomb)


def test_strict_rejects_a_source_with_nothing_usable(tmp_path: Path) -> None:
    junk = _write(tmp_path / "queries.jsonl", b"# nothing here \xc3\xa9\n" * 20)
    assert load_evidence(target_for("workload_jsonl", junk), live=False).read[0].items == 0
    with pytest.raises(EvidenceError, match=r"^queries.jsonl: nothing usable found in it \(0 items\)$"):
        load_evidence(target_for("workload_jsonl", junk), strict=True, live=False)


def test_strict_rejects_a_ddl_file_without_tables(tmp_path: Path) -> None:
    for ddl, reason in (
        (_write(tmp_path / "schema.sql", b"junk; SELECT 1;"), "no CREATE TABLE"),
        (tmp_path, "directory"),
    ):
        target = target_for("traces", _write(tmp_path / "t.json", b"{}"))
        target.evidence.database = DatabaseSource(ddl=ddl)
        load_evidence(target, live=False)  # the database skill reports it when not strict
        with pytest.raises(EvidenceError, match=reason):
            load_evidence(target, strict=True, live=False)


def test_target_loader_refuses_bombs_encodings_and_special_paths(tmp_path: Path) -> None:
    bomb = _write(tmp_path / "bomb.yaml", BILLION_LAUGHS.encode())
    with pytest.raises(TargetError, match="refusing to expand"):
        load_target(bomb)
    latin = _write(tmp_path / "latin.yaml", "name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(TargetError, match=r"not UTF-8 text \(byte offset 9\)"):
        load_target(latin)
    utf16 = _write(tmp_path / "utf16.yaml", "name: x\nevidence: {traces: [t.json]}\n".encode("utf-16"))
    _write(tmp_path / "t.json", b"{}")
    assert load_target(utf16).name == "x"
    with pytest.raises(TargetError, match="a directory, not a regular file"):
        load_target(tmp_path)
    nul = _write(tmp_path / "nul.yaml", b'name: x\nevidence: {traces: ["a\\0b"]}\n')
    with pytest.raises(TargetError, match="NUL byte"):
        load_target(nul)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    looped = _write(tmp_path / "loop.yaml", b"name: x\nevidence: {traces: [loop]}\n")
    with pytest.raises(TargetError, match="symlink loop"):
        load_target(looped)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_command_line_cap_beats_the_target_which_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from perfpilot.cli.app import app

    _write(tmp_path / "metrics.prom", (FIXTURES / "evidence" / "metrics.prom").read_bytes())
    target = _write(
        tmp_path / "target.yaml",
        b"name: caps\nlimits: {max_bytes: {metrics: 1MiB}}\nevidence: {metrics: [{path: metrics.prom}]}\n",
    )
    monkeypatch.setenv("PERFPILOT_MAX_BYTES_METRICS", "10")
    assert CliRunner().invoke(app, ["validate", str(target)]).exit_code == 0
    refused = CliRunner().invoke(app, ["validate", str(target), "--max-bytes", "metrics=100"])
    assert (
        refused.exit_code == 2
        and "metrics.prom" in refused.output
        and "over the 100 B limit" in refused.output
    )
    bad = CliRunner().invoke(app, ["validate", str(target), "--max-bytes", "metric=1"])
    assert bad.exit_code == 2 and "write KIND=SIZE" in bad.output
