"""Golden cases where perfpilot used to raise false alarms or claim sizes it had no facts for: cache
mounts, PIP_NO_CACHE_DIR set by a parent stage or by export, FROM ${VAR} with a pinned default, build
tools purged in their own layer, a gRPC service's healthcheck, and releases the catalog has no sizes for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfpilot.evidence.dockerfile import parse_dockerfile
from perfpilot.skills.container_image import skill as skill_module
from perfpilot.skills.container_image.facts import read_facts
from perfpilot.skills.container_image.hadolint import MISSING_NOTE, HadolintReport, run_hadolint
from perfpilot.skills.container_image.image_data import APT_PACKAGE_MB, BASE_IMAGES
from tests.skills.container_image.corpus_run import CORPUS, run_on


def _kinds(name: str, tmp_path: Path) -> list[str]:
    return [f.kind for f in run_on(CORPUS / name, tmp_path).findings]


def test_cache_mounts_are_no_size_problem(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.cache-mounts", tmp_path)
    assert [f.kind for f in out.findings] == ["hadolint:DL3008"]
    assert out.images[0].rewritten_dockerfile == ""
    libpq5 = APT_PACKAGE_MB["libpq5"][0]  # no recommends, no lists, no pip cache counted
    assert out.images[0].image_size_mb_before == BASE_IMAGES["python"].slim_mb + libpq5


def test_pip_cache_off_in_parent_stage_or_by_export(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.pip-env-parent", tmp_path)
    assert not [f for f in out.findings if f.kind == "hadolint:DL3042"]
    assert out.images[0].image_size_mb_before == BASE_IMAGES["python"].slim_mb
    assert "export PIP_NO_CACHE_DIR=1 \\\n    && pip install -r" in out.images[0].rewritten_dockerfile


def test_from_variable_with_pinned_default(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.arg-from", tmp_path)
    assert [f.kind for f in out.findings] == ["missing_healthcheck", "optimized_dockerfile"]
    rewritten = out.images[0].rewritten_dockerfile
    assert "FROM ${PYTHON_IMAGE}\n" in rewritten and "pin this base image" not in rewritten
    assert out.images[0].image_size_mb_before == BASE_IMAGES["python"].slim_mb


def test_from_variable_with_full_default_gets_a_lean_default(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.arg-from-full", tmp_path)
    rewritten = out.images[0].rewritten_dockerfile
    assert "ARG BASE=python:3.11-slim\nFROM $BASE\n" in rewritten
    full = next(f for f in out.findings if f.kind == "full_base_image")
    assert full.estimate is not None and full.estimate.current - full.estimate.expected == pytest.approx(
        BASE_IMAGES["python"].full_mb - BASE_IMAGES["python"].slim_mb
    )


def test_build_tools_purged_in_their_layer_claim_no_saving(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.purged-build-deps", tmp_path)
    assert "build_tools_in_final_image" not in [f.kind for f in out.findings]
    assert out.images[0].image_size_mb_before == out.images[0].image_size_mb_after
    text = (CORPUS / "Dockerfile.purged-build-deps").read_text()
    facts = read_facts(parse_dockerfile(text, "x"), HadolintReport(ran=True))
    assert facts.packages == frozenset()


def test_slim_image_with_build_tools_is_sized_from_the_catalog(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.flask-full", tmp_path)
    tools = next(f for f in out.findings if f.kind == "build_tools_in_final_image")
    assert tools.title == "Build tools (gcc) stay in the single-stage image"
    assert tools.estimate is not None
    assert "base_images.json entry python, 2024-10" in tools.estimate.method


def test_grpc_service_never_gets_an_http_probe(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.grpc", tmp_path)
    rewritten = out.images[0].rewritten_dockerfile
    assert "http://" not in rewritten and "curl" not in rewritten and "\nHEALTHCHECK" not in rewritten
    assert "# perfpilot: gRPC service: add grpc_health_probe" in rewritten
    health = next(f for f in out.findings if f.kind == "missing_healthcheck")
    assert health.remediation is not None and "grpc_health_probe" in health.remediation.content


def test_grpc_service_with_the_probe_gets_a_grpc_healthcheck(tmp_path: Path) -> None:
    rewritten = run_on(CORPUS / "Dockerfile.grpc-probe", tmp_path).images[0].rewritten_dockerfile
    assert 'CMD ["grpc_health_probe", "-addr=127.0.0.1:9090"]' in rewritten


def test_declared_http_protocol_wins(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.grpc", tmp_path, service_protocol="http")
    assert "urllib.request.urlopen('http://127.0.0.1:50051/healthz'" in out.images[0].rewritten_dockerfile


def test_legacy_pip2_and_aptitude(tmp_path: Path) -> None:
    out = run_on(CORPUS / "Dockerfile.legacy-tools", tmp_path)
    rewritten = out.images[0].rewritten_dockerfile
    assert "RUN pip2 install --no-cache-dir --upgrade virtualenv" in rewritten
    assert "hunter2-not-for-images" not in out.model_dump_json()
    assert "ENV DATABASE_PASSWORD=${DATABASE_PASSWORD}" in rewritten
    text = (CORPUS / "Dockerfile.legacy-tools").read_text()
    facts = read_facts(parse_dockerfile(text, "x"), HadolintReport(ran=True))
    assert facts.packages == {"python-dev", "gcc"}
    assert facts.base is None, "debian:buster is not the release the catalog's sizes are for"


def test_catalog_entries_carry_source_and_date() -> None:
    raw = json.loads((Path(skill_module.__file__).parent / "base_images.json").read_text())
    for repo, entry in raw["images"].items():
        assert entry["source"] and entry["date"] and entry["suite"], repo


def test_missing_hadolint_is_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_hadolint("FROM python:3.12\n", None) == HadolintReport(ran=False, note=MISSING_NOTE)
    monkeypatch.setattr(skill_module, "find_hadolint", lambda: None)
    out = run_on(CORPUS / "Dockerfile.flask-full", tmp_path)
    assert out.notes == [f"Dockerfile.flask-full: {MISSING_NOTE}"]
    assert not [f for f in out.findings if f.kind.startswith("hadolint:")]
    assert "build_tools_in_final_image" in [f.kind for f in out.findings]


def test_broken_hadolint_is_a_note(tmp_path: Path) -> None:
    report = run_hadolint("FROM python:3.12\n", str(tmp_path / "no-such-hadolint"))
    assert not report.ran and report.note.startswith("hadolint failed: FileNotFoundError")


def test_one_finding_per_hadolint_rule_with_every_line(tmp_path: Path) -> None:
    out = run_on(CORPUS.parent / "Dockerfile.shop", tmp_path)
    pip = next(f for f in out.findings if f.kind == "hadolint:DL3042")
    assert [e.line for e in pip.evidence] == [10, 11]
    assert pip.root_cause.startswith("hadolint DL3042 (warning) on lines 10, 11: Avoid use of cache")
    assert pip.estimate is not None and pip.estimate.current - pip.estimate.expected == pytest.approx(50.0)
    assert len([f for f in out.findings if f.kind == "hadolint:DL3059"]) == 1
