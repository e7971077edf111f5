"""Prices per poll: CPU to read BTCTurk's whole ticker list (365 pairs) and value the account.

Pure work, no network: the body the fake exchange sends for `GET /api/v2/ticker` is decoded
(JSON numbers into `Decimal`), parsed row by row and used to value the demo account, as every
poll does. The median of several rounds is the figure.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from balance_bot.btcturk.parsing import parse_balances, parse_envelope, parse_tickers
from balance_bot.core.valuation import value_portfolio
from balance_bot.fakes.seed import demo_balances, demo_tickers
from bench.table import Row, percentile, us

ROUNDS = 30
PER_ROUND = 20
TARGET_S = 0.010  # under 1 % of a core even at 1 s polls; 0.02 % at the default 60 s


def ticker_body() -> bytes:
    """Return the fake exchange's ticker answer, as sent on the wire."""
    envelope = {"data": demo_tickers(), "success": True, "message": None, "code": 0}
    return json.dumps(envelope).encode()


def per_poll_s(body: bytes) -> float:
    """Return the median CPU seconds to parse `body` and value the demo account."""
    balances = parse_balances(
        [{**row, "balance": str(row["balance"]).replace(",", ".")} for row in demo_balances()]
    )
    now = datetime.now(UTC)
    samples = []
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(PER_ROUND):
            tickers = parse_tickers(parse_envelope(200, body, "application/json"))
            value_portfolio(balances, tickers, "TRY", now)
        samples.append((time.process_time() - started) / PER_ROUND)
    return percentile(samples, 50)


async def run() -> list[Row]:
    """Return the row: the 365-pair ticker list's cost per poll."""
    body = ticker_body()
    pairs = len(parse_tickers(parse_envelope(200, body, "application/json")))
    cost = per_poll_s(body)
    return [
        Row(
            f"prices per poll: parse {pairs} pairs and value the account",
            us(cost),
            f"≤ {us(TARGET_S)}",
            cost <= TARGET_S,
        )
    ]
