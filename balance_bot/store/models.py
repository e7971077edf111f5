"""What the store hands out and takes in: frozen dataclasses, Decimal money, aware UTC times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Literal

from balance_bot.core.explain import Remainder
from balance_bot.core.notify import Level, NotificationKind, Setting
from balance_bot.core.quiet import QuietHours
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.thresholds import DEFAULT_COOLDOWN, AlertSpec, Direction, Kind

__all__ = [
    "AlertMessage",
    "AlertRule",
    "ChatSettings",
    "DailyPortfolio",
    "FollowUp",
    "MoneyFlow",
    "NewFollowUp",
    "NewNotification",
    "OutboxItem",
    "OutboxState",
    "TransactionKey",
]


@dataclass(frozen=True, slots=True)
class AlertRule:
    """A stored threshold alert of one chat."""

    id: int
    chat_id: int
    target: str
    direction: Direction
    amount: Decimal
    triggered: bool
    urgent: bool
    created_at: datetime
    kind: Kind = Kind.AMOUNT
    window: timedelta | None = None
    cooldown: timedelta = DEFAULT_COOLDOWN
    last_fired_at: datetime | None = None

    @property
    def spec(self) -> AlertSpec:
        """Return what the alert watches."""
        return AlertSpec(
            self.target, self.direction, self.amount, self.kind, self.window, self.cooldown
        )


@dataclass(frozen=True, slots=True)
class NewNotification:
    """A message owed to a chat, not yet in the outbox."""

    chat_id: int
    kind: NotificationKind
    text: str
    photo: bytes | None = None
    edit_of: int | None = None  # an edit of the outbox item with this id (`text`: its fallback)
    edit_text: str | None = None  # that item's whole new text; None: `text` replies to it


class OutboxState(Enum):
    """Where an outbox row stands; the first three are still owed, the others finished."""

    OWED = "owed"  # goes out at its due time (new, or after a failure)
    HELD = "held"  # postponed by quiet hours or a mute, not by a failure: goes out in the digest
    UNCONFIRMED = "unconfirmed"  # the last send got no answer: Telegram may have it already
    SENT = "sent"  # Telegram accepted it
    DROPPED = "dropped"  # never delivered: last_error says why
    ASSUMED_SENT = "assumed_sent"  # sent twice without an answer: probably arrived, not retried


OWED_STATES = frozenset({OutboxState.OWED, OutboxState.HELD, OutboxState.UNCONFIRMED})
"""The states of a row still to be delivered (the store's queries list the same)."""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A message in the outbox, waiting to be delivered."""

    id: int
    chat_id: int
    kind: NotificationKind
    text: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    photo: bytes | None = None
    state: OutboxState = OutboxState.OWED
    edit_of: int | None = None  # edits (or else replies to) the message of this outbox item
    edit_text: str | None = None  # the edited message's whole text; None: reply with `text`

    @property
    def held(self) -> bool:
        """Tell whether quiet hours or a mute postponed it (not a failure)."""
        return self.state is OutboxState.HELD

    @property
    def unconfirmed(self) -> bool:
        """Tell whether its last send timed out: Telegram may have it already."""
        return self.state is OutboxState.UNCONFIRMED


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """One chat's preferences; None means the default."""

    chat_id: int
    language: str | None = None
    muted_until: datetime | None = None
    last_summary_day: date | None = None

    notify: Mapping[Setting, Level] = field(default_factory=dict)  # the settings it chose itself
    quiet_hours: QuietHours | None = None  # its own quiet hours, unless `quiet_off`
    quiet_off: bool = False  # the chat turned quiet hours off (the default has some)
    summary_chart: bool | None = None
    last_weekly_report: date | None = None  # the Monday that began the week last reported
    last_monthly_report: date | None = None  # the 1st of the month last reported

    def quiet_hours_or(self, default: QuietHours | None) -> QuietHours | None:
        """Return the chat's quiet hours: its own, none if it turned them off, else `default`."""
        if self.quiet_off:
            return None
        return self.quiet_hours if self.quiet_hours is not None else default

    def summary_chart_or(self, default: bool) -> bool:
        """Tell whether the chat's summary comes with a chart (its choice, else `default`)."""
        return default if self.summary_chart is None else self.summary_chart


TransactionKey = tuple[str, str]
"""A history row's identity: its kind ("fill", "order", "crypto", "fiat") and the exchange's id."""


@dataclass(frozen=True, slots=True)
class MoneyFlow:
    """Money that entered or left the account, valued when the poll saw it.

    `amount` is a magnitude in `asset`; `value` is in the quote currency, None when the asset
    had no price then.
    """

    at: datetime
    kind: Literal["deposit", "withdrawal"]
    asset: str
    amount: Decimal
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class NewFollowUp:
    """What an alert left unexplained, to look for in the history later; `alerts` are the
    messages of that alert (enqueued in the same transaction), to edit once it is explained."""

    since: datetime  # the start of the window the change happened in
    sent_at: datetime  # the alert's time
    remainders: tuple[Remainder, ...]
    next_at: datetime
    until: datetime
    alerts: tuple[NewNotification, ...]


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A stored follow-up: an alert's open remainder and the outbox items that carried it."""

    id: int
    since: datetime
    sent_at: datetime
    remainders: tuple[Remainder, ...]
    outbox_ids: tuple[int, ...]
    looks: int
    next_at: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """One chat's message of an alert as it reads now (after the edits queued so far)."""

    outbox_id: int
    chat_id: int
    text: str
    parts: int  # how many messages the alert took in this chat (only one can be edited)
