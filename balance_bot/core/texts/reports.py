"""The weekly and monthly reports' texts."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from html import escape

from babel.dates import format_date

from balance_bot.core.i18n import View
from balance_bot.core.numbers import quantize
from balance_bot.core.reports import WEEKLY, AssetChange, PeriodFigures


def report_message(
    kind: str, start: date, end: date, figures: PeriodFigures, quote: str, view: View
) -> str:
    """Render the `kind` report of the period from `start` to `end`."""
    if kind == WEEKLY:
        title = view.t("report.weekly", start=_day(start, view), end=_day(end, view))
    else:
        month = format_date(start, view.t("report.month_format"), locale=view.lang.code)
        title = view.t("report.monthly", month=month)
    quote = escape(quote)
    lines = [
        title,
        view.t("report.total", total=view.lang.money(figures.last.total), quote=quote),
        view.t("report.change", change=_change(figures.change, figures.percent, quote, view)),
    ]
    for key, move in (("report.best", figures.best), ("report.worst", figures.worst)):
        if move is not None:
            lines.append(view.t(key, asset=escape(move.asset), change=_asset(move, quote, view)))
    lines.append(
        view.t(
            "report.based_on",
            first=_day(figures.first.day, view),
            last=_day(figures.last.day, view),
        )
    )
    return "\n".join(lines)


def _day(day: date, view: View) -> str:
    return view.short_date(datetime.combine(day, time(12), view.tz))


def _asset(move: AssetChange, quote: str, view: View) -> str:
    return _change(move.change, move.percent, quote, view)


def _change(change: Decimal, percent: Decimal | None, quote: str, view: View) -> str:
    amount = view.lang.signed(change, 2)
    if quantize(change, 2) == 0:
        arrow = view.t("summary.same")
    else:
        arrow = view.t("summary.up" if change > 0 else "summary.down")
    if percent is None:
        return view.t("summary.change", arrow=arrow, amount=amount, quote=quote)
    return view.t(
        "summary.change_percent",
        arrow=arrow,
        amount=amount,
        quote=quote,
        percent=view.lang.percent(percent),
    )
