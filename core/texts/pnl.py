"""The /pnl answer: per asset cost, price and P&L, then the portfolio's totals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from core.i18n import View
from core.pnl import PnlReport, PnlRow
from core.texts.table import pre_table

ESTIMATED_MARK = "*"


def history_month(moment: datetime) -> str:
    """Return the month the history reaches back to: 2024-03."""
    return moment.date().isoformat()[:7]


def pnl_loading_message(back_to: datetime | None, view: View) -> str:
    """Say the history is still being read, and how far back it goes so far."""
    if back_to is None:
        return view.t("pnl.loading_start")
    return view.t("pnl.loading", month=history_month(back_to))


def pnl_refused_message(view: View) -> str:
    """Say the key may not read the history."""
    return view.t("pnl.refused")


def pnl_message(report: PnlReport, view: View) -> str:
    """Render the P&L of every asset, most first, and the totals."""
    lines = [view.t(f"pnl.title.{report.method}", quote=report.quote)]
    if not report.rows:
        return "\n".join([*lines, view.t("pnl.empty")])
    complete = [r for r in report.rows if r.complete]
    if complete:
        lines.append(pre_table([_unrealized_cells(r, view) for r in complete], "<<><>>>"))
    incomplete = [(r.asset, view.t("pnl.incomplete")) for r in report.rows if not r.complete]
    if incomplete:
        lines.append(pre_table(incomplete, "<<"))
    realized = [r for r in report.rows if r.complete and (r.realized_all or r.fees_year)]
    if realized:
        lines.append(view.t("pnl.realized_title", year=report.year))
        lines.append(pre_table([_realized_cells(r, view) for r in realized], "<>>>"))
    total = view.t(
        "pnl.unrealized_total",
        amount=view.lang.signed(report.unrealized, 2),
        quote=report.quote,
        percent=_percent(report.unrealized_pct, view),
    )
    lines.append(total)
    lines.append(
        view.t(
            "pnl.realized_total",
            year=report.year,
            amount=view.lang.signed(report.realized_year, 2),
            fees=view.lang.money(report.fees_year),
            quote=report.quote,
        )
    )
    if any(r.estimated for r in report.rows):
        lines.append(view.t("pnl.estimated_note", mark=ESTIMATED_MARK))
    if any(not r.complete for r in report.rows):
        lines.append(view.t("pnl.incomplete_note"))
    return "\n".join(lines)


def asset_cost_line(row: PnlRow, quote: str, view: View) -> str:
    """Return one asset's average cost and unrealized P&L, for its /balance detail."""
    if not row.complete:
        return view.t("pnl.asset_incomplete")
    if row.average_cost is None:
        return ""
    key = "pnl.asset_line_estimated" if row.estimated else "pnl.asset_line"
    return view.t(
        key,
        cost=_price(row.average_cost, view),
        quote=quote,
        amount="" if row.unrealized is None else view.lang.signed(row.unrealized, 2),
        percent=_percent(row.unrealized_pct, view),
    )


def summary_pnl_line(report: PnlReport, yesterday: Decimal | None, view: View) -> str:
    """Return the summary's line: unrealized P&L now, and its change since `yesterday`."""
    missing = [r.asset for r in report.rows if not r.complete and r.units > 0]
    if missing and not any(r.complete for r in report.rows):
        return view.t("pnl.summary_incomplete", assets=", ".join(missing))
    line = _summary_figure(report, yesterday, view)
    if missing:  # the figure is that of the others, as /pnl shows it
        return view.t("pnl.summary_without", line=line, assets=", ".join(missing))
    return line


def _summary_figure(report: PnlReport, yesterday: Decimal | None, view: View) -> str:
    line = view.t(
        "pnl.summary_line",
        amount=view.lang.signed(report.unrealized, 2),
        quote=report.quote,
        percent=_percent(report.unrealized_pct, view),
    )
    if yesterday is None:
        return line
    change = report.unrealized - yesterday
    arrow = view.t("pnl.up") if change >= 0 else view.t("pnl.down")
    return view.t("pnl.summary_change", line=line, arrow=arrow, change=view.lang.signed(change, 2))


def _name(row: PnlRow) -> str:
    return row.asset + (ESTIMATED_MARK if row.estimated else "")


def _unrealized_cells(row: PnlRow, view: View) -> tuple[str, ...]:
    average = "" if row.average_cost is None else _price(row.average_cost, view)
    now = "" if row.price is None else _price(row.price, view)
    amount = "" if row.unrealized is None else view.lang.signed(row.unrealized, 2)
    percent = "" if row.unrealized_pct is None else f"({view.lang.percent(row.unrealized_pct)})"
    return (_name(row), view.t("pnl.avg"), average, view.t("pnl.now"), now, amount, percent)


def _realized_cells(row: PnlRow, view: View) -> tuple[str, str, str, str]:
    return (
        _name(row),
        view.lang.signed(row.realized_year or Decimal(0), 2),
        view.t("pnl.all_time", amount=view.lang.signed(row.realized_all or Decimal(0), 2)),
        view.t("pnl.fees", amount=view.lang.money(row.fees_year)),
    )


def _price(value: Decimal, view: View) -> str:
    return view.lang.price(value)


def _percent(value: Decimal | None, view: View) -> str:
    return "" if value is None else f" ({view.lang.percent(value)})"
