"""The likely cause of a refused API key, and its fix, in the owner's words.

Told from BTCTurk's own words (btcturk/refusal.py): by the key check, by the notice the chats
get when the key starts failing while the bot runs, and by a command's answer meanwhile.
"""

from __future__ import annotations

from html import escape

from balance_bot.btcturk.refusal import named_address
from balance_bot.core.i18n import View
from balance_bot.core.key_check import SYNC_CLOCK, WHAT_IS_MY_IP, cause_text


def key_cause(refusal: str, view: View) -> str:
    """Return the likely cause of a refused key, and its fix, from the exchange's words."""
    address = named_address(refusal)
    return view.t(
        f"key.cause.{cause_text(refusal, address)}",
        address=escape(address or ""),
        message=escape(refusal),
        command=WHAT_IS_MY_IP,
        clock=SYNC_CLOCK,
    )
