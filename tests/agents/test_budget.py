"""Token counting and fitting a step's context into its budget."""

from __future__ import annotations

from perfpilot.agents.budget import fit_context, fit_text
from perfpilot.agents.session import ContextItem
from perfpilot.agents.tokens import count_tokens, truncate_to_tokens


def test_counts_with_the_bundled_cl100k_encoding() -> None:
    assert count_tokens("") == 0
    assert count_tokens("hello world") == 2
    assert count_tokens("SELECT * FROM orders WHERE customer_id = 42") > 5


def test_truncation_fits_the_limit() -> None:
    text = "word " * 500
    cut = truncate_to_tokens(text, 50)
    assert count_tokens(cut) <= 50 and text.startswith(cut)


def test_keeps_highest_impact_items_and_names_what_it_dropped() -> None:
    items = [ContextItem(f"item{i}", "x " * 200, impact=i / 10) for i in range(10)]
    kept, dropped = fit_context(items, limit=650)
    kept_keys = [i.key for i in kept]
    assert kept_keys == sorted(kept_keys)  # original order preserved
    assert "item9" in kept_keys and "item8" in kept_keys and "item0" not in kept_keys
    assert sum(count_tokens(i.text) for i in kept) <= 650
    assert {k.split(" ")[0] for k in dropped} | set(kept_keys) == {f"item{i}" for i in range(10)}


def test_a_partly_fitting_item_is_cut_and_marked() -> None:
    kept, dropped = fit_context([ContextItem("big", "token " * 1000, impact=1.0)], limit=100)
    assert dropped == ["big (cut)"]
    assert kept[0].text.endswith("[... cut to fit the budget]")
    assert count_tokens(kept[0].text) <= 100


def test_fit_text_leaves_short_text_alone() -> None:
    assert fit_text("short", 10) == "short"
    assert count_tokens(fit_text("long " * 100, 20)) <= 20
