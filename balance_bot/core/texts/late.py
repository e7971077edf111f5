"""An alert rewritten once the history explains what it could not say when it went out."""

from __future__ import annotations

from balance_bot.core.explain import Explanation
from balance_bot.core.i18n import View
from balance_bot.core.texts.explain import item_lines, open_lines
from balance_bot.core.valuation import Portfolio


def explained_later(
    text: str, explanation: Explanation, view: View, portfolio: Portfolio | None = None
) -> str:
    """Return the alert `text` with what the history explains now.

    The alert's "not in the history yet" lines give way to the items found and to what is
    still open; an alert sent without the history (it did not answer in time) gets them
    right under its title. Everything else (amounts, portfolio, time) stays as it was.
    """
    lines = text.split("\n")
    new = item_lines(explanation, view) + open_lines(explanation, portfolio, view)
    mark = view.t("explain.unexplained_mark")  # every "not in the history yet" line's start
    open_at = [i for i, line in enumerate(lines) if line.startswith(mark)]
    where = open_at[0] if open_at else min(1, len(lines))
    kept = [line for i, line in enumerate(lines) if i not in open_at]
    return "\n".join(kept[:where] + new + kept[where:])
