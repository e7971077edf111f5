"""Commands that move the simulated account from the demo's terminal: `!deposit 0.5 BTC` …"""

from __future__ import annotations

from decimal import Decimal

from btcturk.amounts import AmountError, parse_decimal
from fakes.exchange import ROW_SHAPES, FakeBtcTurk

HELP = (
    "Simulate the exchange: !deposit 0.5 BTC · !withdraw 100 USDT · !order 1 BTC (lock) · "
    "!cancel 1 BTC (unlock) · !price BTC 3600000 · !down · !up · "
    "!prices down|up (prices fail, balances answer) · !unlist AVAX (its pair leaves the list) · "
    "!nullprice BTC (a ticker row without a price) · !shape 2019|2020|documented (balance rows)"
)
OUTAGE_REQUESTS = 1_000_000


def run_console_command(exchange: FakeBtcTurk, line: str) -> str:
    """Apply one `!command` to the simulated exchange and say what changed."""
    words = line.lstrip("!").split()
    if not words:
        return HELP
    name, args = words[0].lower(), words[1:]
    try:
        if name in ("deposit", "withdraw", "order", "cancel") and len(args) == 2:
            return _move(exchange, name, parse_decimal(args[0]), args[1].upper())
        if name == "price" and len(args) == 2:
            pair = args[0].upper()
            pair = pair if len(pair) > 5 else f"{pair}TRY"
            exchange.set_price(pair, parse_decimal(args[1]))
            return f"{pair} is now {args[1]}"
    except (AmountError, ValueError) as error:
        return f"{error}. {HELP}"
    if name == "prices" and args in (["down"], ["up"]):
        exchange.ticker_failing = "500" if args == ["down"] else None
        if args == ["down"]:
            return "BTCTurk's prices fail, its balances still answer (!prices up to end it)"
        return "BTCTurk's prices answer again"
    if name in ("unlist", "nullprice") and len(args) == 1:
        pair = args[0].upper()
        pair = pair if len(pair) > 5 else f"{pair}TRY"
        done = exchange.unlist_pair(pair) if name == "unlist" else exchange.blank_price(pair)
        if not done:
            return f"no pair {pair} in the ticker list"
        return f"{pair} left the ticker list" if name == "unlist" else f"{pair} now has last: null"
    if name == "shape" and len(args) == 1 and args[0] in ROW_SHAPES:
        exchange.row_shape = args[0]  # type: ignore[assignment]
        return f"balance rows now come in the {args[0]} shape"
    if name == "down":
        exchange.inject("maintenance", times=OUTAGE_REQUESTS)
        return "BTCTurk is now down for maintenance (!up to end it)"
    if name == "up":
        exchange.clear_faults()
        return "BTCTurk answers again"
    return HELP


def _move(exchange: FakeBtcTurk, name: str, amount: Decimal, asset: str) -> str:
    row = next((r for r in exchange.balances if r.get("asset") == asset), None)
    total = parse_decimal(str(row["balance"])) if row else Decimal(0)
    locked = parse_decimal(str(row["locked"])) if row else Decimal(0)
    if amount <= 0:
        raise ValueError("the amount must be positive")
    if name == "deposit":
        total += amount
    elif name == "withdraw":
        total -= min(amount, total - locked)
    elif name == "order":
        locked += min(amount, total - locked)
    else:
        locked -= min(amount, locked)
    exchange.set_balance(asset, total, locked=locked)
    return f"{asset}: balance {total}, in orders {locked}"
