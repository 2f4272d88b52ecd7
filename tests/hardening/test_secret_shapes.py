"""Secrets found by shape through detect-secrets' plugins: token formats our own rules never listed, quoted
high-entropy strings, a plugin's fixed-length prefix never leaving a tail; ids, digests and prose kept."""

from __future__ import annotations

import pytest

from perfpilot.redaction import redact
from perfpilot.secret_shapes import entropy_limit, mask_shapes, shape_patterns

# Shapes only detect-secrets' plugins know (none of perfpilot.redaction's own rules matches them).
PLUGIN_ONLY = {
    "twilio": "twilio SKabcdef0123456789abcdef0123456789 in use",
    "telegram": "bot 1234567890:AAE-Zq8Kv2LmN4pR7sT1vW3yB6cD9fGhJk0 ok",
    "discord": "token MTA4OTk5ODc2NTQzMjEwOTg3.GhAbCd.Zq8Kv2LmN4pR7sT1vW3yB6cD9fGhJk0 here",
    "pypi": "upload with pypi-AgEIcHlwaS5vcmc" + "Ab1-" * 20 + " now",
    "azure": "DefaultEndpointsProtocol=https;AccountKey=" + "Ab9+" * 22 + ";EndpointSuffix=core",
    "aws secret key": "aws_secret_access_key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'",
    "mailchimp": "mc 0123456789abcdef0123456789abcdef-us14 list",
    "quoted high entropy": 'release = "Zq8Kv2LmN4pR7sT1vW3yB6cD9fGhJk0Xy"',
}


@pytest.mark.parametrize("text", PLUGIN_ONLY.values(), ids=PLUGIN_ONLY.keys())
def test_plugin_shapes_are_masked(text: str) -> None:
    masked = redact(text)
    assert "***" in masked
    longest = max(text.replace("'", " ").replace('"', " ").replace(";", " ").split(), key=len)
    assert longest.split("=", 1)[-1][-10:] not in masked


def test_the_plugins_come_from_detect_secrets_without_the_non_secret_ones() -> None:
    patterns = {p.pattern for p in shape_patterns()}
    assert len(patterns) > 30
    assert not any("PRIVATE KEY" in p for p in patterns)  # our PEM rule masks the whole block
    assert entropy_limit() == 4.5


def test_a_fixed_length_match_masks_the_whole_token() -> None:
    # StripeDetector matches sk_live_ + exactly 24 characters: the rest of the token goes too.
    assert mask_shapes("key sk_live_" + "a1B2c3D4" * 4 + " end") == "key *** end"


def test_delimiters_around_a_token_are_kept() -> None:
    assert mask_shapes('x="AKCp5bAbcdefghijkl" y') == 'x="***" y'


@pytest.mark.parametrize(
    "text",
    [
        "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
        "id 123e4567-e89b-12d3-a456-426614174000",
        '{"image": "python:3.12-slim", '
        '"digest": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}',
        "SELECT o.id FROM orders o WHERE o.customer_id = $1 ORDER BY o.created_at DESC LIMIT 20",
        '"GET /customers/{id}/orders" p95 412 ms over the 400 ms SLO',
        "checkout-api runs on m5.xlarge with a pool of 10 connections per VM",
    ],
)
def test_ids_digests_sql_and_prose_are_kept(text: str) -> None:
    assert redact(text) == text


def test_redaction_stays_idempotent_with_the_plugins() -> None:
    for text in PLUGIN_ONLY.values():
        once = redact(text)
        assert redact(once) == once
