"""Run the fake exchange in its own process: `python -m bench.serve_exchange [options]`.

Prints the base URL on the first line of stdout, then serves until SIGTERM, SIGINT, the end
of stdin, or `--max-seconds`. Besides the fake's routes it answers
`GET /api/v2/server/exchangeinfo` (built from the fake's tickers), which ccxt reads once to
load its markets.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from typing import Any

from aiohttp import web

from balance_bot.fakes._server import json_response
from balance_bot.fakes.exchange import FakeBtcTurk
from bench.accounts import account


class BenchExchange(FakeBtcTurk):
    """The fake exchange plus the exchange-info route ccxt needs."""

    def build_app(self) -> web.Application:
        """Return the fake's application with one more route."""
        app = super().build_app()
        app.router.add_get("/api/v2/server/exchangeinfo", self._exchange_info)
        return app

    async def _exchange_info(self, request: web.Request) -> web.StreamResponse:
        return json_response(
            {
                "data": {"timeZone": "UTC", "symbols": exchange_symbols(self.tickers)},
                "success": True,
            }
        )


def exchange_symbols(tickers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return exchange-info symbols, one per ticker pair."""
    return [
        {
            "id": str(index),
            "name": row["pair"],
            "nameNormalized": row["pairNormalized"],
            "status": "TRADING",
            "numerator": row["numeratorSymbol"],
            "denominator": row["denominatorSymbol"],
            "numeratorScale": "8",
            "denominatorScale": "2",
            "hasFraction": False,
            "filters": [
                {
                    "filterType": "PRICE_FILTER",
                    "minPrice": "0.0000000000001",
                    "maxPrice": "10000000",
                    "tickSize": "1",
                    "minExchangeValue": "99.92",
                    "minAmount": None,
                    "maxAmount": None,
                }
            ],
            "orderMethods": ["MARKET", "LIMIT"],
            "displayFormat": "#,###",
            "commissionFromNumerator": False,
            "order": str(row.get("order", 1000)),
            "priceRounding": False,
        }
        for index, row in enumerate(tickers, start=1)
    ]


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=0, help="grow the account to N assets")
    parser.add_argument("--decimal-separator", choices=(",", "."), default=",")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Serve until a stop signal, the end of stdin, or the time limit."""
    balances, tickers = account(args.assets) if args.assets else (None, None)
    exchange = BenchExchange(
        balances=balances,
        tickers=tickers,
        decimal_separator=args.decimal_separator,
        latency_s=args.latency,
        rate_limit=False,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    stdin = sys.stdin.fileno()

    def on_stdin() -> None:
        if not os.read(stdin, 4096):
            stop.set()

    loop.add_reader(stdin, on_stdin)
    async with exchange:
        print(exchange.base_url, flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), args.max_seconds)


def main(argv: list[str] | None = None) -> int:
    """Run the server; return the exit code."""
    asyncio.run(serve(parse_args(sys.argv[1:] if argv is None else argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
