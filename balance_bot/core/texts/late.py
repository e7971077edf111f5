"""An alert rewritten once the history explains what it could not say when it went out."""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from balance_bot.core.explain import Explanation
from balance_bot.core.i18n import View
from balance_bot.core.texts.explain import item_lines, open_lines
from balance_bot.core.valuation import Portfolio

_CUT = "\n"  # no line holds one


def explained_later(
    text: str, explanation: Explanation, view: View, portfolio: Portfolio | None = None
) -> str:
    """Return the alert `text` with what the history explains now, each fact said once.

    The alert's "not in the history yet" lines give way to the items found and to what is
    still open; an alert sent without the history (it did not answer in time) gets them
    right under its title, and its difference lines ("+0.02000000 BTC ≈ …") of the assets
    they tell of go: the item or the open line says that amount now. Everything else (old
    → new, portfolio, time) stays as it was.
    """
    lines = text.split("\n")
    new = item_lines(explanation, view) + open_lines(explanation, portfolio, view)
    mark = view.t("explain.unexplained_mark")  # every "not in the history yet" line's start
    open_at = [i for i, line in enumerate(lines) if line.startswith(mark)]
    told = _differences(lines, {a.asset for a in explanation.assets}, view)
    gone = set(open_at) | told
    kept = [line for i, line in enumerate(lines) if i not in gone]
    where = open_at[0] - sum(1 for i in told if i < open_at[0]) if open_at else min(1, len(lines))
    return "\n".join(kept[:where] + new + kept[where:])


def _differences(lines: list[str], assets: Collection[str], view: View) -> set[int]:
    """Return the indexes of the difference lines under the old → new lines of `assets`."""
    heads = tuple(
        view.t("change.move", asset=escape(asset), old=_CUT, new=_CUT).split(_CUT)[0]
        for asset in assets
    )
    if not heads:
        return set()
    return {
        i + 1
        for i, line in enumerate(lines[:-1])
        if line.startswith(heads) and lines[i + 1][:1].isspace()
    }
