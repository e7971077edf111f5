"""Texts of the checks before an alert is set, and of /unalert.

Before an alert is stored the bot asks about a number that reads two ways, asks for a
confirmation of a line far from the value now, and refuses a second alert on the same line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from html import escape

from balance_bot.core.i18n import View
from balance_bot.core.texts.alerts import NO_ROUTES, current_text, describe, route_note
from balance_bot.core.texts.durations import duration_words
from balance_bot.core.texts.routes import via_lines
from balance_bot.core.thresholds import TOTAL, AlertSpec, Direction, Kind
from balance_bot.core.valuation import Route


def ambiguous_question(
    typed: str,
    readings: Sequence[str],
    commands: Sequence[Sequence[str]],
    view: View,
    *,
    spans: Sequence[timedelta] = (),
) -> str:
    """Ask which of two readings of `typed` was meant, each as a command ready to send; a
    duration's readings (`spans`) are said in words."""
    first, second = [duration_words(span, view) for span in spans] or readings
    lines = [
        view.t("alert.ambiguous", text=escape(typed), first=escape(first), second=escape(second))
    ]
    lines += [view.t("alert.command", args=escape(" ".join(args))) for args in commands]
    if not commands:
        lines.append(view.t("alert.usage"))
    return "\n".join(lines)


def one_reading_question(
    typed: str,
    readings: Sequence[str],
    kept: int,
    command: Sequence[str],
    view: View,
    *,
    spans: Sequence[timedelta] = (),
) -> str:
    """Offer the one reading of `typed` (`readings[kept]`) that makes a valid alert, as the
    nearest valid form: the other would make none, so there is nothing to ask. A duration's
    readings (`spans`) are said in words."""
    words = [duration_words(span, view) for span in spans] or list(readings)
    dropped = words[1 - kept] if len(words) == 2 else ""
    return "\n".join(
        [
            view.t(
                "alert.one_reading",
                text=escape(typed),
                kept=escape(words[kept]),
                dropped=escape(dropped),
            ),
            view.t("alert.command", args=escape(" ".join(command))),
        ]
    )


def far_question(
    spec: AlertSpec,
    side: Direction,
    value: Decimal,
    precision: int,
    quote: str,
    view: View,
    *,
    typed: Sequence[str],
    button: bool,
    routes: Mapping[str, Route] = NO_ROUTES,
) -> str:
    """Say a line is far from the value now, naming it, and how to set it all the same.

    `routes`: the prices not of their own pair the value now is built on, said as elsewhere.
    """
    held = spec.kind is Kind.AMOUNT and spec.target != TOTAL  # an amount: what is held
    if side is Direction.ABOVE:
        key = "alert.far_above_held" if held else "alert.far_above"
    else:
        key = "alert.far_below_held" if held else "alert.far_below"
    now = current_text(spec, value, precision, quote, view, routes=routes)
    confirm = "alert.far_confirm" if button else "alert.far_confirm_typed"
    return "\n".join(
        [
            view.t(key, alert=describe(spec, quote, view), now=now),
            view.t(confirm, args=escape(" ".join(typed))),
            *via_lines(route_note(spec, value, routes), quote, view),
        ]
    )


def alert_exists(alert_id: int, spec: AlertSpec, quote: str, view: View) -> str:
    """Refuse a second alert on the same line, naming the first."""
    return view.t("alert.exists", id=alert_id, alert=describe(spec, quote, view))


def _ids(alert_ids: Sequence[int]) -> str:
    return ", ".join(f"#{alert_id}" for alert_id in alert_ids)


def unalert_reply(removed: Sequence[int], missing: Sequence[int], view: View) -> str:
    """Say which of the alerts named were removed and which the chat does not have."""
    if len(removed) + len(missing) == 1:
        if removed:
            return view.t("alert.removed", id=removed[0])
        return view.t("alert.not_found", id=missing[0])
    lines = []
    if removed:
        lines.append(view.t("alerts.removed_some", ids=_ids(removed)))
    if missing:
        lines.append(view.t("alerts.not_found_some", ids=_ids(missing)))
    return "\n".join(lines)


def unalert_all_reply(removed: Sequence[int], view: View) -> str:
    """Say that every alert of the chat was removed, naming them, or that it had none."""
    if not removed:
        return view.t("alerts.none_to_remove")
    return view.t("alerts.removed_all", ids=_ids(removed))


def unalert_usage(view: View) -> str:
    """Show /unalert's syntax."""
    return view.t("unalert.usage")
