"""A regex pass is skipped only when it could find nothing: the literal read from a pattern is in every
match, case-insensitive patterns compare folded text (checked against all of Unicode), and redaction
with the skipping gives exactly what running every pass gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from perfpilot import redaction, regex_literal, secret_shapes
from perfpilot.redaction import _RULES, _redact
from perfpilot.regex_literal import Literal, fold, may_match, required_literal
from perfpilot.secret_shapes import shape_patterns
from tests.hardening.test_secret_canaries import CANARIES
from tests.hardening.test_secret_shapes import PLUGIN_ONLY

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = json.loads((FIXTURES / "planners" / "redaction_golden.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"\bsk-ant-[A-Za-z0-9_-]{8,}", Literal("sk-ant-", folded=False)),
        (r"\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}", Literal(".eyJ", folded=False)),  # the longest run
        (r"(?i)(?P<head>\bbearer\s+)(?P<value>\S{8,})", Literal("bearer", folded=True)),  # through a group
        (r"(?i)^(?:set-)?COOKIE:", Literal("cookie:", folded=True)),  # lower-cased: compared folded
        (r"(?:cloudant|cl|clou)_key", Literal("_key", folded=False)),  # the parser keeps "cl" in common
        (r"(?i:xyz)ab", Literal("ab", folded=False)),  # a group with flags of its own is not a run
        (r"(?:ab)+cd", Literal("cd", folded=False)),  # a repeated group is not a run
        (r"token|secret", None),  # alternatives: no single literal
        (r"a.b", None),  # nothing two characters long
        (r"(?i)straße", None),  # a case-insensitive literal must be ASCII
    ],
)
def test_the_literal_every_match_needs(pattern: str, literal: Literal | None) -> None:
    assert required_literal(re.compile(pattern)) == literal


def test_fold_maps_every_character_ignorecase_matches_to_an_ascii_letter() -> None:
    ascii_chars = re.compile(r"(?i)[\x00-\x7f]")  # letters, digits, punctuation: only letters have twins
    twins = {chr(cp) for cp in range(128, 0x110000) if ascii_chars.match(chr(cp))}
    assert twins == {"\u0130", "\u0131", "\u017f", "\u212a"}
    for twin in twins:  # each folds to the one letter it matches
        (letter,) = [c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(f"(?i){c}", twin)]
        assert fold(twin) == letter


def _corpus() -> list[str]:
    texts = [case["input"] for case in GOLDEN] + list(PLUGIN_ONLY.values()) + list(CANARIES.values())
    texts += [f"password: {c}, Authorization: Bearer {c}\nCookie: {c}" for c in CANARIES.values()]
    variants = [t.upper() for t in texts] + [t.lower() for t in texts]
    variants += [t.replace("s", "\u017f").replace("k", "\u212a").replace("i", "\u0131") for t in texts]
    variants += [t.replace("I", "\u0130").replace("S", "\u017f") for t in texts]
    joined = "\n".join(texts)
    return [*texts, *variants, joined, joined.upper()]


def test_every_match_contains_its_patterns_literal() -> None:
    patterns = [p for p, _ in _RULES] + list(shape_patterns())
    with_literal = [(p, lit) for p in patterns if (lit := required_literal(p)) is not None]
    assert len(with_literal) >= 40  # most of redaction's passes can be skipped
    matched = 0
    for text in _corpus():
        for pattern, literal in with_literal:
            for match in pattern.finditer(text):
                matched += 1
                assert literal.text in (fold(match.group()) if literal.folded else match.group())
    assert matched > 100


def test_redaction_with_skipping_equals_every_pass_run(monkeypatch: pytest.MonkeyPatch) -> None:
    skipped = [_redact(text) for text in _corpus()]
    monkeypatch.setattr(redaction, "may_match", lambda *_: True)
    monkeypatch.setattr(secret_shapes, "may_match", lambda *_: True)
    assert [_redact(text) for text in _corpus()] == skipped


def test_a_text_lacking_the_literal_is_not_matched_and_folds_are_reused() -> None:
    folds: dict[str, str] = {}
    bearer = re.compile(r"(?i)\bbearer\s+\S+")
    assert may_match(bearer, "Authorization: BEARER abc", folds)
    assert may_match(bearer, "Authorization: BEARER abc", folds) and len(folds) == 1
    assert not may_match(bearer, "no credentials here", folds) and list(folds) == ["no credentials here"]
    assert not may_match(re.compile(r"\bsk-ant-\w+"), "SK-ANT-abc", folds)  # case-sensitive: not folded
    assert regex_literal.required_literal(re.compile(r"[ab]")) is None
