"""Fit a step's context into its token budget, keeping the highest-impact items and naming the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from perfpilot.agents.session import ContextItem
from perfpilot.agents.tokens import count_tokens, truncate_to_tokens

# A step needs room after its context for tool results and for the artifact it writes.
CONTEXT_SHARE = 0.45
SUBMIT_RESERVE = 400
MIN_USEFUL_ITEM = 40
CUT_MARK = "\n[... cut to fit the budget]"


@cache
def cut_mark_tokens() -> int:
    """Tokens of the cut mark, + slack for tokens merging across the join (counted on first use, so
    importing this module does not load the tokenizer)."""
    return count_tokens(CUT_MARK) + 2


def fit_context(items: Sequence[ContextItem], limit: int) -> tuple[list[ContextItem], list[str]]:
    """Keep items by descending impact while they fit in `limit` tokens; cut the first that does not
    fit if a useful part of it does. Returns the kept items (in their original order) and the keys
    of what was dropped or cut."""
    counted = [replace(item, tokens=count_tokens(item.text)) for item in items]
    ranked = sorted(range(len(counted)), key=lambda i: (-counted[i].impact, i))
    kept: dict[int, ContextItem] = {}
    dropped: list[str] = []
    remaining = limit
    for i in ranked:
        item = counted[i]
        if item.tokens <= remaining:
            kept[i] = item
            remaining -= item.tokens
        elif remaining >= MIN_USEFUL_ITEM:
            text = truncate_to_tokens(item.text, remaining - cut_mark_tokens()) + CUT_MARK
            kept[i] = replace(item, text=text, tokens=count_tokens(text))
            remaining -= kept[i].tokens
            dropped.append(f"{item.key} (cut)")
        else:
            dropped.append(item.key)
    return [kept[i] for i in sorted(kept)], dropped


def fit_text(text: str, limit: int) -> str:
    """Text cut to at most `limit` tokens, marked when cut."""
    if count_tokens(text) <= limit:
        return text
    if limit <= cut_mark_tokens():
        return ""
    return truncate_to_tokens(text, max(0, limit - cut_mark_tokens())) + CUT_MARK
