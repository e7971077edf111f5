"""A command as the user types it (its usage and description), and the arguments of
/balance and /export."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from balance_bot.core.i18n import Lang
from balance_bot.core.keywords import asset_code
from balance_bot.core.quiet import DEFAULT_MUTE
from balance_bot.core.texts.durations import duration_words

HISTORY_DAYS = 30  # what /history lists: the exchange's window without dates
FIRST_YEAR = 2013  # BTCTurk opened in 2013: no year before it has a record
_YEAR = re.compile(r"[0-9]{4}")

_ASSET = re.compile(r"[A-Za-z0-9]{1,15}")


@dataclass(frozen=True, slots=True)
class Command:
    """One command as the user types it; its description is looked up per language.

    The bot's commands, each with its handler, are one table: handlers/command_table.py.
    """

    name: str
    arguments: bool = False  # its syntax is the text "args.<name>" of each language
    changes: bool = False  # changes what the bot does for the chat: not for read-only members
    shows_alone: bool = False  # typed without arguments it only shows: read-only members may
    listed: bool = True  # in the command menu and /help (/start is not)

    def usage(self, lang: Lang) -> str:
        """Return the command with its argument syntax in `lang`: /balance [ASSET]."""
        arguments = lang.t(f"args.{self.name}") if self.arguments else ""
        return f"/{self.name} {arguments}".rstrip()

    def description(self, lang: Lang) -> str:
        """Return what the command does, in `lang`, with the defaults it runs with."""
        return lang.t(
            f"command.{self.name}", mute=duration_words(DEFAULT_MUTE, lang), days=HISTORY_DAYS
        )


BALANCE = Command("balance", arguments=True)  # its usage is the answer to a malformed /balance


def closest_asset(typed: str, listed: Collection[str]) -> str | None:
    """Return the listed asset `typed` most likely misspells (BTCC: BTC), or None."""
    found = difflib.get_close_matches(typed.upper(), sorted(listed), n=1, cutoff=0.6)
    return found[0] if found else None


def parse_balance_args(args: Sequence[str]) -> str | None:
    """Return the asset asked for (upper-case), None for all; ValueError when malformed."""
    if not args:
        return None
    asset = asset_code(args[0])
    if len(args) > 1 or not _ASSET.fullmatch(asset):
        raise ValueError("malformed /balance arguments")
    return asset


class YearRefused(ValueError):
    """/export's year refused, and why: `problem` is "form" (not four digits), "before"
    (before BTCTurk opened), "after" (a year not started yet) or "several"."""

    def __init__(self, problem: str, text: str = "") -> None:
        super().__init__(f"{text[:20]}: {problem}")
        self.problem = problem
        self.text = text[:20]


def parse_export_year(args: Sequence[str], this_year: int) -> int:
    """Return the year `/export [YEAR]` names (this year without one), else YearRefused."""
    if not args:
        return this_year
    if len(args) > 1:
        raise YearRefused("several", " ".join(args))
    typed = args[0].strip()
    if not _YEAR.fullmatch(typed):
        raise YearRefused("form", typed)
    year = int(typed)
    if year < FIRST_YEAR:
        raise YearRefused("before", typed)
    if year > this_year:
        raise YearRefused("after", typed)
    return year
