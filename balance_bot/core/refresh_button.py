"""The Refresh button's data: which asset to show and which messages the reply took.

A reply too long for one message is sent in parts, the button under the last one. Its data
names the asset ("refresh:BTC", or "refresh:" for the whole portfolio) and, after "@", the
earlier parts' message ids: the first in full, each next one as the step from the one before
("refresh:@1041.1.1"). So a press, even after a restart, knows every part to rewrite.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from balance_bot.core.commands import parse_balance_args

REFRESH_PREFIX = "refresh:"
MAX_DATA_BYTES = 64  # Telegram's limit for callback_data
MAX_PARTS = 32  # a forged button cannot make the bot rewrite more messages than this


@dataclass(frozen=True, slots=True)
class RefreshTarget:
    """What a press on Refresh asks for."""

    asset: str | None
    earlier_parts: tuple[int, ...]


def button_data(asset: str | None, earlier_parts: Sequence[int] = ()) -> str:
    """Return the button's data; the oldest parts are left out if all would not fit."""
    head = REFRESH_PREFIX + (asset or "")
    ids = list(earlier_parts)
    while ids:
        steps = [ids[0], *(later - earlier for earlier, later in itertools.pairwise(ids))]
        data = head + "@" + ".".join(map(str, steps))
        if len(data.encode()) <= MAX_DATA_BYTES:
            return data
        ids = ids[1:]
    return head


def parse_button_data(data: str) -> RefreshTarget:
    """Read a button's data; anything this bot did not write means the whole portfolio."""
    body = data.removeprefix(REFRESH_PREFIX)
    asset_text, _, parts_text = body.partition("@")
    try:
        asset = parse_balance_args([asset_text] if asset_text else [])
    except ValueError:
        return RefreshTarget(None, ())
    return RefreshTarget(asset, _parts(parts_text))


def _parts(text: str) -> tuple[int, ...]:
    """Return the message ids written by button_data, or none when `text` is not that."""
    steps = text.split(".") if text else []
    if len(steps) > MAX_PARTS or not all(step.isascii() and step.isdigit() for step in steps):
        return ()
    numbers = [int(step) for step in steps]
    if 0 in numbers:
        return ()
    return tuple(itertools.accumulate(numbers))
