"""The /status text: is BTCTurk answering, how fresh the data is, what is scheduled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Protocol

from balance_bot.btcturk.feed_login import RefusalReason
from balance_bot.core.data_notes import Meaning, meaning
from balance_bot.core.i18n import View
from balance_bot.core.texts.history import history_status_line
from balance_bot.core.texts.orders import orders_missing_line

SHOWN_SUBJECTS = 3
_INTERVAL_UNITS = (  # the text of one unit, of several, and its length in seconds
    ("interval.hour", "interval.hours", 3600),
    ("interval.minute", "interval.minutes", 60),
    ("interval.second", "interval.seconds", 1),
)


class DataNoteKind(Protocol):
    """One kind of surprise in the exchange's answers (btcturk.notes.NoteSummary)."""

    @property
    def endpoint(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def subjects(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class FeedFacts:
    """What /status shows of the private WebSocket feed."""

    connected_since: datetime | None  # None: not connected now
    last_event_at: datetime | None
    reconnects_today: int
    refused: bool
    safety_poll_s: int | None  # None: alerts keep the regular poll while the feed is up
    refusal_reason: RefusalReason | None = None
    refusal: str | None = None  # the exchange's words
    key_refused: bool = False  # BTCTurk refuses the key itself, the balances' requests too


@dataclass(frozen=True, slots=True)
class HistoryFacts:
    """How far back the history cache goes (for P&L), and whether it reaches the first record."""

    read_back_to: datetime | None  # None: not read yet
    first_record: datetime | None
    complete: bool
    read_until: datetime | None = None  # the end of the last window read


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """Everything /status reports, gathered by the caller."""

    reachable: bool
    last_success_at: datetime | None
    last_latency_s: float | None
    last_error: str | None  # an explanation from core.texts.errors.exchange_error_message
    clock_offset_ms: int
    poll_interval_s: int
    chat_alerts: int
    all_alerts: int
    next_summary_at: datetime
    pending_notifications: int
    prices_available: bool = True
    key_retry_at: datetime | None = None  # signed requests paused after a key refusal
    data_notes: Sequence[DataNoteKind] = field(default_factory=tuple)
    clock_stepped_s: float | None = None  # our clock stepped since the offset was measured
    history_refused: bool = False  # the key lacks the Account permission: changes unexplained
    feed: FeedFacts | None = None  # None: WEBSOCKET=off
    history: HistoryFacts | None = None  # None: no history cache
    exchange_lines: Sequence[str] = ()  # closed coins, stopped pairs (core.texts.exchange)
    exchange_unread_since: datetime | None = None  # BTCTurk's status not read since then
    key_lacks: Sequence[str] = ()  # permissions the key lacks: account, websocket
    key_can_trade: bool = False  # the key check found the Trade permission
    unreachable_chats: Sequence[int] = ()  # allowed chats Telegram does not reach
    orders_missing_since: datetime | None = None  # the live feed's order events stopped
    orders_relogin_at: datetime | None = None  # and the feed logged in again for them


def can_check_again(facts: StatusFacts) -> bool:
    """Tell whether something BTCTurk refused waits to be asked again (the key, a permission)."""
    feed_refused = facts.feed is not None and facts.feed.refused
    return facts.key_retry_at is not None or facts.history_refused or feed_refused


def status_message(facts: StatusFacts, view: View) -> str:
    """Render /status for the account owner."""
    down = facts.last_error or view.t("status.down")
    lines = [view.t("status.title"), view.t("status.ok") if facts.reachable else down]
    if facts.key_retry_at is not None:
        lines.append(view.t("status.key_paused", when=view.when(facts.key_retry_at)))
    lines += facts.exchange_lines
    lines += _key_lines(facts, view)
    if not facts.prices_available:
        lines.append(view.t("status.prices_down"))
    if facts.history_refused:
        lines.append(history_status_line(view))
    if facts.last_success_at is not None:
        when = view.when(facts.last_success_at)
        if facts.last_latency_s is None:
            lines.append(view.t("status.last_read", when=when))
        else:
            duration = _duration(facts.last_latency_s, view)
            lines.append(view.t("status.last_read_took", when=when, duration=duration))
    else:
        lines.append(view.t("status.never_read"))
    if facts.clock_stepped_s is not None:
        seconds = view.lang.amount(Decimal(repr(abs(facts.clock_stepped_s))), 1)
        lines.append(view.t("status.clock_stepped", seconds=seconds))
    elif abs(facts.clock_offset_ms) >= 1000:
        seconds = view.lang.amount(Decimal(abs(facts.clock_offset_ms)) / 1000, 1)
        key = "status.clock_behind" if facts.clock_offset_ms > 0 else "status.clock_ahead"
        lines.append(view.t(key, seconds=seconds))
    lines += _feed_lines(facts, view)
    if facts.orders_missing_since is not None:
        lines.append(orders_missing_line(facts.orders_missing_since, facts.orders_relogin_at, view))
    if facts.history is not None:
        lines.append(_history_line(facts.history, facts.history_refused, view))
    lines.append(view.t("status.alerts", chat=facts.chat_alerts, all=facts.all_alerts))
    lines.append(view.t("status.next_summary", when=view.when(facts.next_summary_at)))
    if facts.pending_notifications:
        lines.append(view.t("status.pending", count=facts.pending_notifications))
    notes = _data_notes(facts.data_notes, view)
    if facts.exchange_unread_since is not None:
        notes.append(view.t("note.exchange_unread", when=view.when(facts.exchange_unread_since)))
    if notes:
        lines.append(view.t("status.data_notes", notes="; ".join(notes)))
    if can_check_again(facts):
        lines.append(view.t("status.check_again_hint"))
    return "\n".join(lines)


def _key_lines(facts: StatusFacts, view: View) -> list[str]:
    """Return what the key lacks or should not have, and the chats Telegram does not reach."""
    lines = []
    if facts.key_lacks:
        lacking = "; ".join(view.t(f"status.lacks.{name}") for name in facts.key_lacks)
        lines.append(view.t("status.key_lacks", permissions=lacking))
    if facts.key_can_trade:
        lines.append(view.t("status.key_can_trade"))
    if facts.unreachable_chats:
        chats = ", ".join(str(chat) for chat in facts.unreachable_chats)
        lines.append(view.t("status.chats_unreachable", chats=chats))
    return lines


def _history_line(history: HistoryFacts, refused: bool, view: View) -> str:
    """Return how far back the history cache goes: complete, loading, or not read yet; while
    the key may not read it, how far it was read and that it is not read any more."""
    back_to = history.first_record if history.complete else history.read_back_to
    if refused and back_to is not None and history.read_until is not None:
        key = "status.history_refused" if history.complete else "status.history_refused_loading"
        month = back_to.date().isoformat()[:7]
        return view.t(key, month=month, when=view.when(history.read_until))
    if history.complete:
        if history.first_record is None:
            return view.t("status.history_empty")
        return view.t("status.history_complete", month=history.first_record.date().isoformat()[:7])
    if history.read_back_to is None:
        return view.t("status.history_not_read")
    return view.t("status.history_loading", month=history.read_back_to.date().isoformat()[:7])


def _data_notes(notes: Sequence[DataNoteKind], view: View) -> list[str]:
    """Return one phrase per meaning, in the owner's words, naming what it concerns:
    "no usable price from BTCTurk (BTCTRY, ETHTRY)"; nothing for what changes nothing."""
    grouped: dict[Meaning, tuple[str, set[str]]] = {}
    for note in notes:
        found = meaning(note.endpoint, note.kind, note.field)
        if found is not None:
            _, subjects = grouped.setdefault(found, (note.endpoint, set()))
            subjects.update(note.subjects)
    phrases = []
    for found, (endpoint, subjects) in grouped.items():
        names = sorted(escape(s) for s in subjects if s)
        listed = (
            ", ".join(names)
            if len(names) <= SHOWN_SUBJECTS
            else view.t(f"note.count.{endpoint}", count=len(names))
        )
        phrases.append(view.t(f"note.{found}", subjects=listed))
    return phrases


def interval(seconds: int, view: View) -> str:
    """Return a poll interval in words: minute, 5 minutes, 30 s."""
    one, many, size = next(unit for unit in _INTERVAL_UNITS if seconds % unit[2] == 0)
    count = seconds // size
    return view.t(one) if count == 1 else view.t(many, n=count)


def _duration(seconds: float, view: View) -> str:
    """Return a short duration: 12 ms, 1.25 s."""
    if seconds < 1:
        return view.t("duration.ms", n=round(seconds * 1000))
    return view.t("duration.seconds", n=view.lang.amount(Decimal(repr(seconds)), 2))


def checking_line(poll_interval_s: int, feed: FeedFacts | None, view: View) -> str:
    """Return how often the balances are checked now, the one sentence /status and /settings
    share: the safety interval while the live feed is up and no alert is set, else the poll's."""
    live = feed is not None and not feed.refused and feed.connected_since is not None
    if live and feed is not None and feed.safety_poll_s is not None:
        return view.t("status.feed_safety", interval=interval(feed.safety_poll_s, view))
    return view.t("status.interval", interval=interval(poll_interval_s, view))


def _feed_lines(facts: StatusFacts, view: View) -> list[str]:
    """Return how balances are watched: the live feed's state and the poll's interval."""
    every = interval(facts.poll_interval_s, view)
    feed = facts.feed
    checking = checking_line(facts.poll_interval_s, feed, view)
    if feed is None:
        return [view.t("status.feed_off"), checking]
    if feed.refused and feed.key_refused:  # the login's words would blame a permission
        return [view.t("status.feed_key_refused")]
    if feed.refused:
        why = refusal_why(feed.refusal_reason, feed.refusal, view)
        return [view.t("status.feed_refused", why=why, interval=every)]
    if feed.connected_since is None:
        lines = [view.t("status.feed_down", interval=every)]
    else:
        lines = [view.t("status.feed_live", since=view.when(feed.connected_since)), checking]
    if feed.last_event_at is not None:
        lines.append(view.t("status.feed_last_event", when=view.when(feed.last_event_at)))
    if feed.reconnects_today:
        lines.append(view.t("status.feed_reconnects", count=feed.reconnects_today))
    return lines


def feed_refused_notice(
    poll_interval_s: int, reason: RefusalReason | None, view: View, refusal: str | None = None
) -> str:
    """Say once that BTCTurk refused the live feed and why, and that the regular check goes on."""
    why = refusal_why(reason, refusal, view)
    return view.t("feed.refused", why=why, interval=interval(poll_interval_s, view))


def refusal_why(reason: RefusalReason | None, refusal: str | None, view: View) -> str:
    """Return why BTCTurk refused the live feed's login, as the exchange's answer tells."""
    words = escape(refusal or "?")  # the exchange's own, shown when it gave no known reason
    if reason is None:
        return view.t("feed.why.other", message=words)
    return view.t(f"feed.why.{reason}", message=words)
