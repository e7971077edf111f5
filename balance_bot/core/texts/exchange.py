"""BTCTurk's own incidents, told to the owner: coins closed or open again, pairs stopped.

    ⛔ USDT withdrawals closed on TRC20 (deposits open)
    ✅ USDT withdrawals open again on TRC20 (closed 3 h 12 min)
    ✅ USDT deposits and withdrawals open again (closed 2 h), but withdrawals stay closed on TRC20
    ⏸ Trading stopped on BTCTRY

One line per coin and network or pair; the changes one read found share a message, which
ends with its time. /status lists what is closed now, one line each, with since when.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from html import escape

from balance_bot.core.exchange_status import (
    Change,
    Gate,
    GateChange,
    Operation,
    PairChange,
    PairState,
    network_name,
    other,
    which,
)
from balance_bot.core.i18n import View


def exchange_notice(changes: Sequence[Change], now: datetime, view: View) -> str:
    """Return the message of what one read of BTCTurk's status found changed."""
    lines = [_change_line(change, now, view) for change in changes]
    lines.append(view.when(now))
    return "\n".join(lines)


def exchange_status_lines(
    closed: Sequence[tuple[Gate, Mapping[Operation, datetime | None]]],
    stopped: Sequence[tuple[str, PairState]],
    view: View,
) -> list[str]:
    """Return /status's lines of what is closed or stopped now for the owner's coins."""
    lines = []
    for gate, operations in closed:
        line = view.t(f"exchange.closed.{which(operations)}", **_names(gate, view))
        lines.append(line + _since([m for m in operations.values() if m is not None], view))
    for pair, state in stopped:
        key = "exchange.status.halted" if state.listed else "exchange.status.removed"
        since = [] if state.since is None else [state.since]
        lines.append(view.t(key, pair=escape(pair)) + _since(since, view))
    return lines


def span(length: timedelta, view: View) -> str:
    """Return how long something lasted: 12 min, 3 h 12 min, 2 d 5 h."""
    minutes = max(0, int(length.total_seconds() // 60))
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    if days:
        return view.t("exchange.span.days", d=days, h=hour)
    if hours:
        key = "exchange.span.hours" if minute else "exchange.span.whole_hours"
        return view.t(key, h=hours, m=minute)
    if minute:
        return view.t("exchange.span.minutes", m=minute)
    return view.t("exchange.span.moment")


def _since(moments: list[datetime], view: View) -> str:
    return view.t("exchange.since", when=view.when(min(moments))) if moments else ""


def _change_line(change: Change, now: datetime, view: View) -> str:
    if isinstance(change, PairChange):
        stopped = change.stopped_since
        length = "" if stopped is None else span(now - stopped, view)
        return view.t(f"exchange.pair.{change.word}", pair=escape(change.pair), span=length)
    lines = []
    if change.closed:
        lines.append(_closed_line(change, view))
    if change.reopened:  # one closed as the other opened: a line each
        lines.append(_reopened_line(change, now, view))
    return "\n".join(lines)


def _closed_line(change: GateChange, view: View) -> str:
    """Return what closed on one gate, and whether the other operation is open."""
    line = view.t(f"exchange.closed.{which(change.closed)}", **_names(change.gate, view))
    if len(change.closed) == 1:
        (operation,) = change.closed
        if other(operation) in change.still_closed:
            line += view.t(f"exchange.other_closed.{other(operation)}")
        elif other(operation) in change.still_open:
            line += view.t(f"exchange.other_open.{other(operation)}")
    return line


def _reopened_line(change: GateChange, now: datetime, view: View) -> str:
    names = _names(change.gate, view)
    line = view.t(f"exchange.reopened.{which(change.reopened)}", **names)
    since = [moment for moment in change.reopened.values() if moment is not None]
    if since:
        line += view.t("exchange.closed_for", span=span(now - min(since), view))
    clauses = [
        view.t(f"exchange.network_stays_closed.{which(operations)}", **_names(Gate("", n), view))
        for n, operations in change.networks_closed  # a network's own row still closes them
    ]
    if clauses:
        line += view.t("exchange.but") + ", ".join(clauses)
    return line


def _names(gate: Gate, view: View) -> dict[str, str]:
    name = escape(network_name(gate.network))
    on = view.t("exchange.on_network", network=name) if gate.network else ""
    return dict(coin=escape(gate.coin), on=on)
