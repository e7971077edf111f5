"""Decide what /balance answers, from its arguments and the portfolio."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.format import asset_message, balance_message, not_held_message, unknown_asset_message
from core.i18n import View
from core.messages import usage_message
from core.valuation import Portfolio

_ASSET = re.compile(r"[A-Za-z0-9]{1,15}")


def parse_balance_args(args: Sequence[str]) -> str | None:
    """Return the asset asked for (upper-case), None for all; ValueError when malformed."""
    if not args:
        return None
    if len(args) > 1 or not _ASSET.fullmatch(args[0]):
        raise ValueError("malformed /balance arguments")
    return args[0].upper()


def balance_reply(args: Sequence[str], portfolio: Portfolio, view: View) -> str:
    """Return the /balance answer for `args`."""
    try:
        asset = parse_balance_args(args)
    except ValueError:
        return usage_message("balance", view)
    if asset is None:
        return balance_message(portfolio, view)
    position = portfolio.position(asset)
    held = [p.asset for p in portfolio.positions]
    if position is not None:
        return asset_message(position, portfolio, view)
    if asset in portfolio.known_assets:
        return not_held_message(asset, held, view)
    return unknown_asset_message(asset, held, view)
