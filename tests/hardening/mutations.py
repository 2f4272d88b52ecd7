"""Strategies that damage a valid file: truncations, junk, huge lines, deep nesting, bad encodings."""

from __future__ import annotations

from hypothesis import strategies as st

_TYPE_SWAPS = [(b'"', b""), (b": ", b": [[["), (b"1", b'"x"'), (b"0", b"-1e999"), (b"\n", b"\n  ")]


def _insert(seed: bytes, at: int, junk: bytes) -> bytes:
    return seed[:at] + junk + seed[at:]


def damaged(seed: bytes) -> st.SearchStrategy[bytes]:
    """One damaged copy of `seed` per draw."""
    cut = st.integers(0, len(seed))
    return st.one_of(
        cut.map(lambda n: seed[:n]),
        st.binary(max_size=600),
        st.tuples(cut, st.binary(min_size=1, max_size=80)).map(lambda t: _insert(seed, *t)),
        st.tuples(cut, st.integers(1, 300_000)).map(lambda t: _insert(seed, t[0], b"x" * t[1])),
        st.tuples(cut, st.integers(60, 5_000), st.sampled_from([b"[", b"{", b'{"a":', b"- "])).map(
            lambda t: _insert(seed, t[0], t[2] * t[1])
        ),
        st.sampled_from(_TYPE_SWAPS).map(lambda swap: seed.replace(*swap)),
        st.sampled_from(["utf-16-le", "utf-16-be", "latin-1", "cp1252"]).map(
            lambda enc: (seed.decode("utf-8", "replace") + " é").encode(enc, "replace")
        ),
        st.sampled_from([b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x80\x81"]).map(lambda junk: junk + seed),
    )
