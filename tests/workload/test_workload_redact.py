"""Password-like literals are redacted from example statements; other literals stay intact."""

from __future__ import annotations

import pytest

from perfpilot.redaction import redact


@pytest.mark.parametrize(
    ("statement", "secret"),
    [
        ("CREATE ROLE app LOGIN PASSWORD 'p@ss'", "p@ss"),
        ("ALTER USER app WITH PASSWORD 'it''s-secret'", "it''s-secret"),
        ("ALTER USER 'app'@'%' IDENTIFIED BY 'hunter2'", "hunter2"),
        ("CREATE USER u IDENTIFIED WITH mysql_native_password BY 'pw1'", "pw1"),
        ("SET PASSWORD FOR u = PASSWORD('old')", "old"),
        ("SELECT pgp_sym_decrypt(data, 'sym-key') FROM vault", "sym-key"),
        ("SELECT dblink('host=db password=topsecret dbname=x', 'select 1')", "topsecret"),
        ("SELECT * FROM dblink('postgresql://u:urlsecret@h/db', 'select 1')", "urlsecret"),
    ],
)
def test_secrets_are_redacted(statement: str, secret: str) -> None:
    redacted = redact(statement)
    assert secret not in redacted
    assert "***" in redacted


def test_other_literals_are_kept() -> None:
    statement = "SELECT * FROM users WHERE email = 'a@b.c' AND password_hash IS NOT NULL"
    assert redact(statement) == statement
