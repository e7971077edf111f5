"""Read the frames of BTCTurk's private WebSocket feed into events. Pure, no I/O.

Every frame is a two-element JSON array `[type, {"type": type, ...}]`. A frame that is not
one (garbage, a bare object, a binary frame) is skipped by the caller and counted; a type
this module does not know is ignored. JSON numbers become `Decimal`, so no float touches an
amount.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from balance_bot.btcturk.errors import BadResponse
from balance_bot.btcturk.fields import whole
from balance_bot.btcturk.history import parse_fills
from balance_bot.btcturk.models import Fill

VERSION = 991
LOGIN = 114
RESULT = 100
SUBSCRIBE = 151
TICKER = 402
BALANCE_UPDATED = 201
USER_TRADE = 423
ORDER_MATCH = 441
ORDER_INSERTED = 451
ORDER_DELETED = 452
ORDER_UPDATED = 453
OrderKind = Literal["match", "inserted", "deleted", "updated"]
ORDER_KINDS: dict[int, OrderKind] = {
    ORDER_MATCH: "match",
    ORDER_INSERTED: "inserted",
    ORDER_DELETED: "deleted",
    ORDER_UPDATED: "updated",
}
_MAX_FRAME = 1_000_000  # characters: a private event is a few hundred


@dataclass(frozen=True, slots=True)
class Frame:
    """One well-formed frame: its type and its body."""

    type: int
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Connected:
    """The feed logged in for the first time: poll once, events follow from now on."""


@dataclass(frozen=True, slots=True)
class Reconnected:
    """The feed logged in again after a gap: poll once to cover what it may have missed."""


@dataclass(frozen=True, slots=True)
class BalanceUpdated:
    """Something changed the balances (201); the event does not say what: read them over REST."""

    body: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UserTrade:
    """An order of the account filled (423): the raw row and, when it reads, the `Fill`."""

    row: dict[str, Any]
    fill: Fill | None


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """An order of the account matched (441), was inserted (451), deleted (452) or updated (453)."""

    kind: OrderKind
    body: dict[str, Any]


FeedEvent = Connected | Reconnected | BalanceUpdated | UserTrade | OrderEvent


def parse_frame(text: str) -> Frame | None:
    """Return the frame `text` holds, or None when it is not `[type, {...}]`."""
    if len(text) > _MAX_FRAME:
        return None
    try:
        payload = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, list) or len(payload) != 2 or not isinstance(payload[1], dict):
        return None
    kind = whole(payload[0])
    return None if kind is None else Frame(kind, payload[1])


def login_result(frame: Frame) -> tuple[bool, str] | None:
    """Return (ok, message) of a login answer, or None when `frame` is not one."""
    if frame.type != LOGIN or "ok" not in frame.body:
        return None
    message = frame.body.get("message")
    return frame.body["ok"] is True, message if isinstance(message, str) else ""


def event_of(frame: Frame) -> FeedEvent | None:
    """Return the private event `frame` carries, or None for any other frame."""
    if frame.type == BALANCE_UPDATED:
        return BalanceUpdated(frame.body)
    if frame.type == USER_TRADE:
        return UserTrade(frame.body, parse_fill(frame.body))
    kind = ORDER_KINDS.get(frame.type)
    return None if kind is None else OrderEvent(kind, frame.body)


def parse_fill(row: dict[str, Any]) -> Fill | None:
    """Return the `Fill` of a trade row (REST or 423 event), or None when it lacks a field.

    The same tolerant reader as the REST history's rows (`btcturk.history.parse_fills`).
    """
    try:
        fills = parse_fills([row])
    except BadResponse:
        return None
    return fills[0] if fills else None
