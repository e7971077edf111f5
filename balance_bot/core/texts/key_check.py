"""The key check's lines: one per check, ✓ or ✗ (⚠ for what works but should not, – for what
was not checked), what a missing one costs and how to fix it; then the verdict.

Printed to the terminal by `make check`, in the bot's language (LANGUAGE); the same causes
fill the notice the chats get when the key starts failing while the bot runs.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from balance_bot.btcturk.feed_login import refusal_reason
from balance_bot.core.i18n import View
from balance_bot.core.key_check import (
    BOTFATHER,
    EXIT_READY,
    EXIT_UNSAFE,
    RUN,
    STAMP_TOLERANCE_MS,
    SYNC_CLOCK,
    WITH_THE_EXCHANGE,
    WITH_THE_KEY,
    ChatProbe,
    KeyReport,
    Probe,
    exit_code,
    has_failures,
)
from balance_bot.core.texts.key_refusal import key_cause
from balance_bot.core.texts.status import interval, refusal_why


def key_check_report(report: KeyReport, poll_interval_s: int, view: View) -> str:
    """Return the whole check: a title, a line per check and the verdict."""
    lines = [view.t("check.title")]
    lines += _telegram_lines(report, view)
    lines += _exchange_lines(report, poll_interval_s, view)
    lines.append(view.t("check.withdraw"))
    code = exit_code(report)
    if code == EXIT_READY:
        key = "check.ready_without" if has_failures(report) else "check.ready"
        lines.append(view.t(key, command=RUN))
    elif code == EXIT_UNSAFE:
        lines.append(view.t("check.warnings"))
    else:
        lines.append(view.t("check.not_ready"))
    return "\n".join(lines)


def _telegram_lines(report: KeyReport, view: View) -> list[str]:
    telegram = report.telegram
    if telegram.refused:
        return [view.t("check.token_refused", botfather=BOTFATHER), view.t("check.chats_skipped")]
    if not telegram.granted:
        cause = _cause(telegram, view)
        return [view.t("check.token_unreachable", cause=cause), view.t("check.chats_unreachable")]
    lines = [view.t("check.token_ok", name=escape(report.bot_name))]
    return lines + [_chat_line(chat, view) for chat in report.chats]


def _chat_line(chat: ChatProbe, view: View) -> str:
    if chat.problem is None:
        return view.t("check.chat_ok", chat=chat.chat_id, name=escape(chat.name))
    return view.t(f"check.chat.{chat.problem}", chat=chat.chat_id, error=escape(chat.error))


def _exchange_lines(report: KeyReport, poll_interval_s: int, view: View) -> list[str]:
    if not report.exchange.granted:
        lines = [view.t("check.exchange_unreachable", cause=_cause(report.exchange, view))]
        names = [view.t(f"check.name.{name}") for name in WITH_THE_EXCHANGE]
        names += [view.t(f"permission.{name}") for name in WITH_THE_KEY]
        lines += [view.t("check.skipped_exchange", check=name) for name in names]
        if report.feed_off:
            lines[-2] = view.t("check.feed_off")
        return lines
    lines = [_clock_line(report.clock_offset_ms or 0, view)]
    lines.append(_balances_line(report, view))
    if report.key_refused:
        for permission in WITH_THE_KEY:
            lines.append(view.t("check.skipped_key", permission=view.t(f"permission.{permission}")))
        return lines
    lines.append(_history_line(report.history, view))
    lines.append(_feed_line(report, poll_interval_s, view))
    lines.append(_trade_line(report.trade, view))
    return lines


def _clock_line(offset_ms: int, view: View) -> str:
    seconds = view.lang.amount(Decimal(abs(offset_ms)) / 1000, 1)
    if abs(offset_ms) <= STAMP_TOLERANCE_MS:
        return view.t("check.clock_ok", seconds=seconds)
    key = "check.clock_behind" if offset_ms > 0 else "check.clock_ahead"
    return view.t(key, seconds=seconds, command=SYNC_CLOCK)


def _balances_line(report: KeyReport, view: View) -> str:
    balances = report.balances
    if balances.granted:
        return view.t("check.balances_ok")
    if report.lacks_total_funds:
        return view.t("check.balances_lacking")
    if balances.refused:
        return view.t("check.balances_refused", cause=key_cause(balances.refusal, view))
    return view.t("check.balances_unreachable", cause=_cause(balances, view))


def _history_line(history: Probe, view: View) -> str:
    if history.granted:
        return view.t("check.history_ok")
    if history.refused:
        return view.t("check.history_refused")
    return view.t("check.history_unreachable", cause=_cause(history, view))


def _feed_line(report: KeyReport, poll_interval_s: int, view: View) -> str:
    feed = report.feed
    if report.feed_off:
        return view.t("check.feed_off")
    if feed.granted:
        return view.t("check.feed_ok")
    if feed.refused:
        why = refusal_why(refusal_reason(feed.refusal), feed.refusal, view)
        every = interval(poll_interval_s, view)
        return view.t("check.feed_refused", why=why, interval=every)
    return view.t("check.feed_unreachable", cause=_cause(feed, view))


def _trade_line(trade: Probe, view: View) -> str:
    if trade.granted:
        return view.t("check.trade_on")
    if trade.refused:
        return view.t("check.trade_off")
    return view.t("check.trade_unknown", cause=_cause(trade, view))


def _cause(probe: Probe, view: View) -> str:
    """Say why a server was not reached in the reader's words; a server's own words quoted."""
    return view.t(f"check.cause.{probe.failure}", status=probe.status, error=escape(probe.error))
