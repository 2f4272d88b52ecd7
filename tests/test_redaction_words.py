"""One list of secret words for keys, KEY=VALUE text, Dockerfile settings and SQL examples."""

from __future__ import annotations

import pytest

from perfpilot.redaction import MASK, is_sensitive_key, redact
from perfpilot.skills.container_image.build_settings import redact_instruction, secret_names


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("DB_PASSWORD", True), ("DJANGO_SECRET_KEY", True), ("GPG_PASSPHRASE", True), ("NPM_AUTH", True),
        ("AWS_SECRET_ACCESS_KEY", True), ("GITHUB_TOKEN", True), ("credentials", True),
        ("password_hash", False), ("PASSWORD_FILE", False), ("tokens_used", False), ("author", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_sensitive_key(name) is secret


def test_key_value_text_and_dockerfile_settings_use_the_same_words() -> None:
    assert redact("DJANGO_SECRET_KEY=abc123 GPG_PASSPHRASE='x y' PORT=8000") == (
        f"DJANGO_SECRET_KEY={MASK} GPG_PASSPHRASE='{MASK}' PORT=8000"
    )
    assert secret_names("ARG", "NPM_TOKEN PASSWORD_FILE=/run/secrets/pw") == ["NPM_TOKEN"]
    masked = redact_instruction("ENV", "DJANGO_SECRET_KEY=abc PORT=8000")
    assert masked == f"ENV DJANGO_SECRET_KEY={MASK} PORT=8000"


def test_sql_keeps_other_literals_and_gets_the_general_rules_too() -> None:
    sql = "SELECT * FROM t WHERE email = 'a@b.c' /* Authorization: Bearer abcdefghijkl */"
    assert redact(sql) == f"SELECT * FROM t WHERE email = 'a@b.c' /* Authorization: Bearer {MASK} */"
    assert redact("ALTER ROLE app PASSWORD 'pw'") == f"ALTER ROLE app PASSWORD '{MASK}'"
    assert redact(redact("ALTER ROLE app PASSWORD 'pw'")) == f"ALTER ROLE app PASSWORD '{MASK}'"
