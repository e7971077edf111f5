"""Texts of /alert, /alerts and /unalert."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from core.i18n import View
from core.thresholds import TOTAL, AlertSpec, AlertUsageError, Direction, Problem, is_met

# The argument each refusal quotes back to the user: /alert <target> <direction> <amount>.
_QUOTED_ARGUMENT = {Problem.UNKNOWN_ASSET: 0, Problem.DIRECTION: 1, Problem.NOT_A_NUMBER: 2}


def describe(spec: AlertSpec, quote: str, view: View) -> str:
    """Return an alert as typed: BTC below 5, total above 40,000,000 TRY."""
    amount = view.lang.plain(spec.amount)
    if spec.target == TOTAL:
        amount = view.t("amount.with_unit", amount=amount, unit=escape(quote))
    return view.t(
        "alert.as_typed", target=escape(spec.target), direction=spec.direction.value, amount=amount
    )


def current_text(
    spec: AlertSpec, value: Decimal | None, precision: int, quote: str, view: View
) -> str:
    """Return the watched value now: 9.75021866 BTC, or 34,215,249.83 TRY for the total."""
    if value is None:
        return view.t("alert.unknown_value")
    if spec.target == TOTAL:
        return view.t("amount.with_unit", amount=view.lang.money(value), unit=escape(quote))
    return view.t(
        "amount.with_unit", amount=view.lang.amount(value, precision), unit=escape(spec.target)
    )


def alert_created(
    alert_id: int,
    spec: AlertSpec,
    value: Decimal | None,
    precision: int,
    quote: str,
    view: View,
    *,
    urgent: bool = False,
) -> str:
    """Confirm a new alert, echoing what was understood, and say if it is already met."""
    lines = [
        view.t("alert.created", id=alert_id, alert=describe(spec, quote, view)),
        view.t("alert.now", value=current_text(spec, value, precision, quote, view)),
    ]
    if value is not None and is_met(spec.direction, value, spec.amount):
        above = spec.direction is Direction.ABOVE
        lines.append(view.t("alert.already_above" if above else "alert.already_below"))
    if urgent:
        lines.append(view.t("alert.urgent"))
    return "\n".join(lines)


def alert_usage(error: AlertUsageError | None, args: Sequence[str], view: View) -> str:
    """Explain why /alert was refused (when there is more to say than the syntax)."""
    if error is None or error.problem is Problem.USAGE:
        return view.t("alert.usage")
    position = _QUOTED_ARGUMENT.get(error.problem)
    text = escape(args[position][:20]) if position is not None and position < len(args) else ""
    return "\n".join(
        [view.t(f"alert.problem.{error.problem.value}", text=text), view.t("alert.usage")]
    )


def alerts_list(rows: Sequence[tuple[int, AlertSpec, str, bool]], quote: str, view: View) -> str:
    """List a chat's alerts: (id, spec, current value text, urgent) each."""
    if not rows:
        return view.t("alerts.none")
    lines = [view.t("alerts.title")]
    for alert_id, spec, now, urgent in rows:
        key = "alerts.row_urgent" if urgent else "alerts.row"
        lines.append(view.t(key, id=alert_id, alert=describe(spec, quote, view), value=now))
    lines.append(view.t("alerts.remove_hint"))
    return "\n".join(lines)


def alert_removed(alert_id: int, view: View) -> str:
    """Confirm a removal."""
    return view.t("alert.removed", id=alert_id)


def alert_not_found(alert_id: int, view: View) -> str:
    """Say the chat has no such alert."""
    return view.t("alert.not_found", id=alert_id)


def unalert_usage(view: View) -> str:
    """Show /unalert's syntax."""
    return view.t("unalert.usage")
