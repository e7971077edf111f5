"""Notification kinds, and per chat how each is heard: with sound, silently or not at all.

Every message the bot sends unasked has a NotificationKind, which says the /notify setting it
obeys, whether a mute or quiet hours hold it and whether it rings when its setting is silent.
A chat sets each setting (changes, orders, thresholds, summaries, outages) `on`, `silent`
(delivered without sound) or `off` (never sent to it). What a chat did not set follows the
environment: every setting `on`, orders as NOTIFY_ORDER_CHANGES says (`silent` by default).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum, unique
from typing import TypeVar

from balance_bot.core.changes import BalanceChange
from balance_bot.core.keywords import fold
from balance_bot.core.quiet import QuietHours


class Level(Enum):
    """How a chat hears one kind of notification."""

    ON = "on"
    SILENT = "silent"
    OFF = "off"


class Setting(StrEnum):
    """A /notify setting: what a chat turns on, silent or off (its value is the stored word)."""

    CHANGES = "changes"
    ORDERS = "orders"
    THRESHOLDS = "thresholds"
    SUMMARIES = "summaries"
    OUTAGES = "outages"


SETTINGS = tuple(Setting)
ALL = "all"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KindRule:
    """How messages of one kind reach a chat."""

    stored: str  # the kind's name in the outbox (never renamed: rows outlive a version)
    setting: Setting  # the /notify setting it obeys
    held: bool = False  # waits out a mute or quiet hours (and goes out in the digest)
    rings: bool = False  # rings even when its setting is silent


@unique
class NotificationKind(Enum):
    """Every kind of message the bot sends unasked; each table about kinds derives from here.

    A new kind is one line here and its texts in core/locales. `NotificationKind("change")`
    reads a stored name; an unknown one raises ValueError.
    """

    CHANGE = KindRule("change", Setting.CHANGES, held=True)
    ORDER = KindRule("order", Setting.ORDERS, held=True)
    THRESHOLD = KindRule("threshold", Setting.THRESHOLDS, held=True)
    URGENT = KindRule("urgent", Setting.THRESHOLDS, rings=True)
    SUMMARY = KindRule("summary", Setting.SUMMARIES)
    SUMMARY_CHART = KindRule("summary_chart", Setting.SUMMARIES)
    REPORT = KindRule("report", Setting.SUMMARIES)
    STATUS = KindRule("status", Setting.OUTAGES, held=True)
    EXCHANGE = KindRule("exchange", Setting.OUTAGES)  # coins closed, pairs halted: never held

    @classmethod
    def _missing_(cls, value: object) -> NotificationKind | None:
        return next((kind for kind in cls if kind.value.stored == value), None)

    @property
    def stored(self) -> str:
        """Return the kind's name in the outbox."""
        return self.value.stored

    @property
    def setting(self) -> Setting:
        """Return the /notify setting this kind obeys."""
        return self.value.setting

    @property
    def held(self) -> bool:
        """Tell whether a mute or quiet hours hold this kind back."""
        return self.value.held

    @property
    def rings(self) -> bool:
        """Tell whether this kind rings even when its setting is silent."""
        return self.value.rings

    def __str__(self) -> str:
        return self.value.stored


# The words a chat types, read as keywords are (core.keywords.fold): in any case and with or
# without the Turkish letters (KAPALI, kapali and kapalı are one word).
_KIND_WORDS: Mapping[str, Setting | str] = {
    "changes": Setting.CHANGES,
    "change": Setting.CHANGES,
    "değişim": Setting.CHANGES,
    "orders": Setting.ORDERS,
    "order": Setting.ORDERS,
    "emir": Setting.ORDERS,
    "emirler": Setting.ORDERS,
    "thresholds": Setting.THRESHOLDS,
    "threshold": Setting.THRESHOLDS,
    "alerts": Setting.THRESHOLDS,
    "alarm": Setting.THRESHOLDS,
    "alarmlar": Setting.THRESHOLDS,
    "summaries": Setting.SUMMARIES,
    "summary": Setting.SUMMARIES,
    "reports": Setting.SUMMARIES,
    "özet": Setting.SUMMARIES,
    "outages": Setting.OUTAGES,
    "outage": Setting.OUTAGES,
    "status": Setting.OUTAGES,
    "kesinti": Setting.OUTAGES,
    "exchange": Setting.OUTAGES,  # BTCTurk's closed coins and halted pairs follow outages
    "borsa": Setting.OUTAGES,
    "all": ALL,
    "hepsi": ALL,
}
_LEVEL_WORDS = {
    "on": Level.ON,
    "açık": Level.ON,
    "silent": Level.SILENT,
    "sessiz": Level.SILENT,
    "off": Level.OFF,
    "kapalı": Level.OFF,
}


def parse_notify(args: Sequence[str]) -> tuple[tuple[Setting, ...], Level]:
    """Read `/notify <kind|all> <on|silent|off>` into settings and a level; ValueError if bad."""
    if len(args) != 2:
        raise ValueError("expected a kind and a level")
    setting = _read(_KIND_WORDS, args[0])
    level = _read(_LEVEL_WORDS, args[1])
    if setting is None or level is None:
        raise ValueError("unknown kind or level")
    return (SETTINGS if setting == ALL else (Setting(setting),)), level


def parse_switch(args: Sequence[str]) -> bool:
    """Read `on` or `off` (also açık, kapalı); ValueError otherwise."""
    if len(args) != 1:
        raise ValueError("expected on or off")
    level = _read(_LEVEL_WORDS, args[0])
    if level is Level.ON:
        return True
    if level is Level.OFF:
        return False
    raise ValueError("expected on or off")


class QuietChoice(Enum):
    """A /quiet answer that is not a span: no quiet hours, or the bot's default ones."""

    OFF = "off"
    DEFAULT = "default"


_QUIET_WORDS = {
    "off": QuietChoice.OFF,
    "kapalı": QuietChoice.OFF,
    "default": QuietChoice.DEFAULT,
    "varsayılan": QuietChoice.DEFAULT,
}


def parse_quiet(args: Sequence[str]) -> QuietHours | QuietChoice:
    """Read `/quiet 23:00-07:00`, `/quiet off` or `/quiet default`; ValueError otherwise."""
    text = " ".join(args).strip()
    choice = _read(_QUIET_WORDS, text)
    return choice if choice is not None else QuietHours.parse(text)


def _read(words: Mapping[str, T], typed: str) -> T | None:
    """Return what `typed` means among `words`, compared as keywords are (core.keywords)."""
    folded = fold(typed)
    return next((meaning for word, meaning in words.items() if fold(word) == folded), None)


def default_levels(*, order_changes: Level | bool) -> dict[Setting, Level]:
    """Return the levels of a chat that set nothing, from the environment (orders: a level,
    or true for on and false for off)."""
    levels = dict.fromkeys(SETTINGS, Level.ON)
    if isinstance(order_changes, bool):
        order_changes = Level.ON if order_changes else Level.OFF
    levels[Setting.ORDERS] = order_changes
    return levels


def effective_levels(
    chosen: Mapping[Setting, Level], defaults: Mapping[Setting, Level]
) -> dict[Setting, Level]:
    """Return every setting's level: the chat's choice, else the default."""
    return {setting: chosen.get(setting, defaults[setting]) for setting in SETTINGS}


def level_for(kind: NotificationKind, levels: Mapping[Setting, Level]) -> Level:
    """Return how a message of `kind` reaches a chat with `levels` (every setting in them)."""
    return levels[kind.setting]


def change_kind(changes: Sequence[BalanceChange]) -> NotificationKind:
    """Return the kind of a change alert: ORDER when only orders moved, else CHANGE."""
    if changes and all(c.is_order_move for c in changes):
        return NotificationKind.ORDER
    return NotificationKind.CHANGE


def levels_to_db(levels: Mapping[Setting, Level]) -> str | None:
    """Return the stored form of a chat's chosen levels (None when it chose none)."""
    if not levels:
        return None
    return json.dumps({setting.value: level.value for setting, level in sorted(levels.items())})


def levels_from_db(text: str | None) -> dict[Setting, Level]:
    """Read a chat's chosen levels, skipping anything this version does not know."""
    if not text:
        return {}
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    settings = {setting.value for setting in Setting}
    levels = {level.value for level in Level}
    return {
        Setting(name): Level(value)
        for name, value in raw.items()
        if name in settings and isinstance(value, str) and value in levels
    }
