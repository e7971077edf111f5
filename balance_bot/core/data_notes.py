"""Which surprises in BTCTurk's answers matter to the account owner, and as what.

A data note (btcturk.notes) names an endpoint, a kind of surprise and an API field. Most change
nothing the owner sees (a field the bot does not use, a number sent as text, a side read from
the amount's sign, an amount derived from the others): they are logged, and /status says
nothing of them. The others are told by what they mean, never by the field's name.
"""

from __future__ import annotations

from typing import Literal

Meaning = Literal[
    "balance_unread",
    "locked_unknown",
    "withdrawals_unknown",
    "precision",
    "price_unread",
    "trade_unread",
    "transfer_unread",
    "fee_unknown",
    "status_row_unread",
]
ANY = "*"  # any field
_MEANINGS: dict[tuple[str, str, str], Meaning] = {
    ("balances", "skipped", ANY): "balance_unread",
    ("balances", "defaulted", "locked"): "locked_unknown",
    ("balances", "missing", "requestFund"): "withdrawals_unknown",
    ("balances", "defaulted", "precision"): "precision",
    ("tickers", "skipped", ANY): "price_unread",
    ("trades", "skipped", ANY): "trade_unread",
    ("crypto", "skipped", ANY): "transfer_unread",
    ("fiat", "skipped", ANY): "transfer_unread",
    ("exchangeinfo", "skipped", ANY): "status_row_unread",
    **{
        (endpoint, "defaulted", cost): "fee_unknown"
        for endpoint in ("trades", "crypto", "fiat")
        for cost in ("fee", "tax")
    },
}


def meaning(endpoint: str, kind: str, field: str) -> Meaning | None:
    """Return what a note means for the owner, None when it changes nothing they see."""
    return _MEANINGS.get((endpoint, kind, field)) or _MEANINGS.get((endpoint, kind, ANY))
