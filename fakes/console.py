"""Commands that move the simulated account from the demo's terminal: `!deposit 0.5 BTC` …"""

from __future__ import annotations

from decimal import Decimal

from btcturk.amounts import AmountError, parse_decimal
from fakes.exchange import ROW_SHAPES, FakeBtcTurk

HELP = (
    "Simulate the exchange: !deposit 0.5 BTC [pending] · !withdraw 100 USDT [fee] [pending] · "
    "!buy 0.5 BTC 3512000 [fills] · !sell 0.5 BTC 3512000 [fills] (price in TRY, or BTCUSDT) · "
    "!release (pending deposits and withdrawals complete) · "
    "!history off|on (the key loses or gets the Account permission) · !order 1 BTC (lock) · "
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
        if name in ("deposit", "withdraw") and len(args) >= 2:
            return _transfer(exchange, name, parse_decimal(args[0]), args[1].upper(), args[2:])
        if name in ("buy", "sell") and len(args) in (3, 4):
            return _trade(exchange, name, args)
        if name in ("order", "cancel") and len(args) == 2:
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
    if name == "history" and args in (["off"], ["on"]):
        exchange.account_permission = args == ["on"]
        if args == ["off"]:
            return "the API key lost the Account permission: history requests get HTTP 401"
        return "the API key has the Account permission again"
    if name == "release":
        released = exchange.ledger.release_pending()
        return f"{released} pending deposit(s) and withdrawal(s) are now in the history"
    if name == "down":
        exchange.inject("maintenance", times=OUTAGE_REQUESTS)
        return "BTCTurk is now down for maintenance (!up to end it)"
    if name == "up":
        exchange.clear_faults()
        return "BTCTurk answers again"
    return HELP


def _transfer(
    exchange: FakeBtcTurk, name: str, amount: Decimal, asset: str, extra: list[str]
) -> str:
    """Deposit or withdraw through the ledger, so that the history shows it too."""
    pending = "pending" in (word.lower() for word in extra)
    numbers = [parse_decimal(word) for word in extra if word.lower() != "pending"]
    if amount <= 0 or len(numbers) > 1 or (numbers and name == "deposit"):
        raise ValueError("say an amount, an asset, and for a withdrawal maybe a fee")
    if name == "deposit":
        exchange.ledger.deposit(asset, amount, lag=1 if pending else 0)
        late = " (the history lists it one read late)" if pending else ""
        return f"{asset}: deposited {amount}{late}; {_figures(exchange, asset)}"
    fee = numbers[0] if numbers else Decimal(0)
    exchange.ledger.withdraw(asset, amount, fee=fee, pending=pending)
    late = " requested (!release completes it)" if pending else ""
    return f"{asset}: withdrew {amount} + fee {fee}{late}; {_figures(exchange, asset)}"


def _trade(exchange: FakeBtcTurk, name: str, args: list[str]) -> str:
    """Buy or sell at a price, in one or more fills, moving both sides and writing fills."""
    amount, price = parse_decimal(args[0]), parse_decimal(args[2])
    pair = args[1].upper()
    pair = pair if len(pair) > 5 else f"{pair}TRY"
    fills = int(args[3]) if len(args) == 4 and args[3].isdigit() else 1
    trade = exchange.ledger.buy if name == "buy" else exchange.ledger.sell
    rows = trade(pair, amount, price, fills=fills)
    fee = sum((-parse_decimal(str(row["fee"])) for row in rows), Decimal(0))
    tax = sum((-parse_decimal(str(row["tax"])) for row in rows), Decimal(0))
    numerator, denominator = str(rows[0]["numeratorSymbol"]), str(rows[0]["denominatorSymbol"])
    return (
        f"{'bought' if name == 'buy' else 'sold'} {amount} {numerator} at {price} {denominator}"
        f" in {len(rows)} fill(s), fee {fee.normalize():f} + tax {tax.normalize():f}"
        f" {denominator}; "
        f"{_figures(exchange, numerator)} · {_figures(exchange, denominator)}"
    )


def _figures(exchange: FakeBtcTurk, asset: str) -> str:
    row = next((r for r in exchange.balances if r.get("asset") == asset), {})
    balance = parse_decimal(str(row.get("balance", "0")))
    locked = parse_decimal(str(row.get("locked", "0")))
    return f"{asset} balance {balance}, locked {locked}"


def _move(exchange: FakeBtcTurk, name: str, amount: Decimal, asset: str) -> str:
    row = next((r for r in exchange.balances if r.get("asset") == asset), None)
    total = parse_decimal(str(row["balance"])) if row else Decimal(0)
    locked = parse_decimal(str(row["locked"])) if row else Decimal(0)
    if amount <= 0:
        raise ValueError("the amount must be positive")
    if name == "order":
        locked += min(amount, total - locked)
    else:
        locked -= min(amount, locked)
    exchange.set_balance(asset, total, locked=locked)
    return f"{asset}: balance {total}, in orders {locked}"
