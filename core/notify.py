"""Per-chat notification settings: which kinds a chat hears, with sound, silently or not at all.

A chat sets each kind (changes, orders, thresholds, summaries, outages) `on`, `silent`
(delivered without sound) or `off` (never sent to it). What a chat did not set follows the
environment: every kind `on`, orders as NOTIFY_ORDER_CHANGES says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import Enum

from core.changes import BalanceChange
from core.quiet import QuietHours


class Level(Enum):
    """How a chat hears one kind of notification."""

    ON = "on"
    SILENT = "silent"
    OFF = "off"


KINDS = ("changes", "orders", "thresholds", "summaries", "outages")
ALL = "all"

# The outbox kind of a queued message -> the setting that governs it.
OUTBOX_KINDS: Mapping[str, str] = {
    "change": "changes",
    "order": "orders",
    "threshold": "thresholds",
    "urgent": "thresholds",
    "summary": "summaries",
    "summary_chart": "summaries",
    "report": "summaries",
    "status": "outages",
}

_KIND_WORDS = {
    "changes": "changes",
    "change": "changes",
    "değişim": "changes",
    "orders": "orders",
    "order": "orders",
    "emir": "orders",
    "emirler": "orders",
    "thresholds": "thresholds",
    "threshold": "thresholds",
    "alerts": "thresholds",
    "alarm": "thresholds",
    "alarmlar": "thresholds",
    "summaries": "summaries",
    "summary": "summaries",
    "reports": "summaries",
    "özet": "summaries",
    "outages": "outages",
    "outage": "outages",
    "status": "outages",
    "kesinti": "outages",
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


def parse_notify(args: Sequence[str]) -> tuple[tuple[str, ...], Level]:
    """Read `/notify <kind|all> <on|silent|off>` into kinds and a level; ValueError if bad."""
    if len(args) != 2:
        raise ValueError("expected a kind and a level")
    kind = _KIND_WORDS.get(args[0].casefold())
    level = _LEVEL_WORDS.get(args[1].casefold())
    if kind is None or level is None:
        raise ValueError("unknown kind or level")
    return (KINDS if kind == ALL else (kind,)), level


def parse_switch(args: Sequence[str]) -> bool:
    """Read `on` or `off` (also açık, kapalı); ValueError otherwise."""
    if len(args) != 1:
        raise ValueError("expected on or off")
    level = _LEVEL_WORDS.get(args[0].casefold())
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
    choice = _QUIET_WORDS.get(text.casefold())
    return choice if choice is not None else QuietHours.parse(text)


def default_levels(*, order_changes: bool) -> dict[str, Level]:
    """Return the levels of a chat that set nothing, from the environment."""
    levels = dict.fromkeys(KINDS, Level.ON)
    levels["orders"] = Level.ON if order_changes else Level.OFF
    return levels


def effective_levels(
    chosen: Mapping[str, Level], defaults: Mapping[str, Level]
) -> dict[str, Level]:
    """Return every kind's level: the chat's choice, else the default."""
    return {kind: chosen.get(kind, defaults[kind]) for kind in KINDS}


def level_for(outbox_kind: str, levels: Mapping[str, Level]) -> Level:
    """Return how a message of `outbox_kind` reaches a chat with `levels` (unknown kinds: on)."""
    setting = OUTBOX_KINDS.get(outbox_kind)
    return Level.ON if setting is None else levels.get(setting, Level.ON)


def change_kind(changes: Sequence[BalanceChange]) -> str:
    """Return the outbox kind of a change alert: "order" when only orders moved, else "change"."""
    return "order" if changes and all(c.is_order_move for c in changes) else "change"


def levels_to_db(levels: Mapping[str, Level]) -> str | None:
    """Return the stored form of a chat's chosen levels (None when it chose none)."""
    if not levels:
        return None
    return json.dumps({kind: level.value for kind, level in sorted(levels.items())})


def levels_from_db(text: str | None) -> dict[str, Level]:
    """Read a chat's chosen levels, skipping anything this version does not know."""
    if not text:
        return {}
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    levels: dict[str, Level] = {}
    for kind, value in raw.items():
        if kind in KINDS and value in {level.value for level in Level}:
            levels[kind] = Level(value)
    return levels
