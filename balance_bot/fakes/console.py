"""Lines that move the simulated account from the demo's terminal: `!deposit 0.5 BTC` …"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final

from balance_bot.btcturk.amounts import AmountError, parse_decimal
from balance_bot.fakes.exchange import ROW_SHAPES, Endpoint, FakeBtcTurk
from balance_bot.fakes.exchange_info import Operation
from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.orders import Frame, Side
from balance_bot.fakes.seed import DEMO_API_KEY

HELP_ROWS: Final[tuple[tuple[str, str], ...]] = (
    ("Money moves (the alert comes within a second: the live feed wakes the bot)", ""),
    ("!deposit 0.5 BTC [pending]", "a deposit; pending: listed a read late"),
    ("!withdraw 100 USDT [fee] [pending]", "a withdrawal; pending: until !release"),
    ("!release", "pending deposits, withdrawals complete"),
    ("!buy 0.5 BTC 3512000 [fills]", "a buy at that TRY price (or BTCUSDT)"),
    ("!sell 100 USDT 41.5 [fills]", "a sell at that price"),
    ("Prices", ""),
    ("!price BTC 3600000", "set a price (BTC: BTCTRY; or GLMRUSDT)"),
    ("!prices down, !prices up", "prices fail, balances answer; back"),
    ("!unlist GLMRUSDT", "a pair leaves the ticker list"),
    ("!nullprice ETH", "a ticker row without a price"),
    ("BTCTurk faults and the API key", ""),
    ("!down, !up", "BTCTurk down for maintenance; back"),
    ("!key off, !key on", "the API key refused; accepted again"),
    ("!history off, !history on", "no Account permission; back"),
    ("!history hang", "the history hangs (!history on ends it)"),
    ("!ws off, !ws on", "no WebSocket permission; back"),
    ("!candles hang, !candles up", "the chart server hangs; answers"),
    ("!shape 2019|2020|documented", "balance rows in an older shape"),
    ("BTCTurk's own status: coins and pairs (read every 5 s here)", ""),
    ("!suspend USDT withdrawals trc20", "close withdrawals|deposits|all [network]"),
    ("!resume USDT withdrawals trc20", "open them again"),
    ("!halt BTCTRY, !resume BTCTRY", "a pair stops trading; trades again"),
    ("!delist BTCTRY, !newpair GLMRTRY", "a pair leaves the list; a new one"),
    ("!ip off, !ip on", "the key bound to another IP; this one"),
    ("The account's value (/chart, /daily, /weekly, /monthly)", ""),
    ("!delisted GLMRUSDT", "delisted 30 days ago: no candle since"),
    ("Orders (the live feed tells each one)", ""),
    ("!order sell 0.1 BTC 3900000", "a limit order (buy or sell; BTC: BTCTRY)"),
    ("!order buy 0.05 BTC market [fills]", "a market order, filled at once"),
    ("!fill 0.06 [fills]", "fills part of the last order"),
    ("!edit 3950000", "edits its price (452 then 451)"),
    ("!cancel, !cancel stale", "cancels it (stale: numLeft before a fill)"),
    ("!cancel ID, !fill ID 0.06, …", "another order than the last"),
    ("!order 1 BTC, !cancel 1 BTC", "lock, unlock with no order event"),
    ("The chat", ""),
    ("!press Refresh, !press 2", "press a button of the latest messages"),
    ("!help", "this list"),
)
HELP: Final = "\n".join(
    ["Lines starting with ! change the simulated exchange, or press a button:"]
    + [f"  {line:<36} {words}" if words else f" {line}" for line, words in HELP_ROWS]
)
MOVES: Final = frozenset({"deposit", "withdraw", "buy", "sell", "order", "cancel", "release"})
ORDER_LINES: Final = frozenset({"order", "fill", "edit", "cancel"})
OUTAGE_REQUESTS: Final = 1_000_000
REFUSED_KEY: Final = "0b5e4c2d-revoked-public-key"
HISTORY_ENDPOINTS: Final[tuple[Endpoint, ...]] = ("trades", "crypto", "fiat")
UNKNOWN: Final = "no such line: !help lists them"


def run_console_command(exchange: FakeBtcTurk, line: str, feed: FakeFeed | None = None) -> str:
    """Apply one `!command` to the simulated exchange (and its live feed); say what changed."""
    words = line.lstrip("!").split()
    if not words:
        return HELP
    name, args = words[0].lower(), [word.lower() for word in words[1:]]
    try:
        if name in ("deposit", "withdraw") and len(args) >= 2:
            return _transfer(exchange, name, parse_decimal(args[0]), args[1].upper(), args[2:])
        if name in ("buy", "sell") and len(args) in (3, 4):
            return _trade(exchange, name, args)
        if name in ("order", "cancel") and len(args) == 2 and args[1].isalpha():
            return _move(exchange, name, parse_decimal(args[0]), args[1].upper())
        if name in ORDER_LINES:
            return _orders(exchange, feed, name, args)
        if name == "price" and len(args) == 2:
            pair = _pair(args[0])
            exchange.set_price(pair, parse_decimal(args[1]))
            return f"{pair} is now {args[1]}"
    except (AmountError, ValueError) as error:
        return f"{error}: !help shows the form"
    if name in ("suspend", "resume") and len(args) in (2, 3):
        return _operations(exchange, name == "suspend", args)
    if len(args) == 1 and name in _PAIR_SWITCHES:
        return _PAIR_SWITCHES[name](exchange, _pair(args[0]))
    if len(args) == 1 and name in _SWITCHES:
        return _SWITCHES[name](exchange, feed, args[0])
    if name == "release" and not args:
        released = exchange.ledger.release_pending()
        return f"{released} pending deposit(s) and withdrawal(s) are now in the history"
    if name in ("down", "up") and not args:
        return _outage(exchange, name == "down")
    if name == "help":
        return HELP
    return UNKNOWN


def _pair(word: str) -> str:
    """Return a pair from `BTC` (BTCTRY) or a whole pair (`GLMRUSDT`)."""
    pair = word.upper()
    return pair if len(pair) > 5 else f"{pair}TRY"


def _outage(exchange: FakeBtcTurk, down: bool) -> str:
    if down:
        exchange.inject("maintenance", times=OUTAGE_REQUESTS)
        return "BTCTurk is now down for maintenance (!up to end it)"
    exchange.clear_faults()
    return "BTCTurk answers again"


def _prices(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    if arg not in ("down", "up"):
        return UNKNOWN
    exchange.ticker_failing = "500" if arg == "down" else None
    if arg == "down":
        return "BTCTurk's prices fail, its balances still answer (!prices up to end it)"
    return "BTCTurk's prices answer again"


def _unlist(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    pair = _pair(arg)
    if not exchange.unlist_pair(pair):
        return f"no pair {pair} in the ticker list"
    return f"{pair} left the ticker list"


def _nullprice(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    pair = _pair(arg)
    if not exchange.blank_price(pair):
        return f"no pair {pair} in the ticker list"
    return f"{pair} now has last: null"


def _shape(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    if arg not in ROW_SHAPES:
        return f"the shapes are {', '.join(sorted(ROW_SHAPES))}"
    exchange.row_shape = arg  # type: ignore[assignment]
    return f"balance rows now come in the {arg} shape"


def _history(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    if arg == "hang":
        for endpoint in HISTORY_ENDPOINTS:
            exchange.inject("timeout", times=OUTAGE_REQUESTS, endpoint=endpoint)
        return "BTCTurk's history requests now get no answer (!history on ends it)"
    if arg not in ("off", "on"):
        return UNKNOWN
    exchange.account_permission = arg == "on"
    if arg == "off":
        return "the API key lost the Account permission: history requests get HTTP 401"
    exchange.clear_faults(*HISTORY_ENDPOINTS)
    return "the API key has the Account permission again, and the history answers"


def _key(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    """Refuse the API key on every endpoint and the live feed, or accept it again."""
    if arg not in ("off", "on"):
        return UNKNOWN
    key = REFUSED_KEY if arg == "off" else DEMO_API_KEY
    exchange.api_key = key
    if feed is not None:
        feed.api_key = key
        if arg == "off":
            feed.drop_now()  # the live feed's session ends with the key
    if arg == "off":
        return "BTCTurk now refuses the API key: HTTP 401 (!key on to accept it again)"
    return "BTCTurk accepts the API key again"


def _ws(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    """Take the WebSocket permission away from the key (dropping the feed), or give it back."""
    if arg not in ("off", "on") or feed is None:
        return UNKNOWN
    feed.websocket_permission = arg == "on"
    if arg == "off":
        feed.drop_now()
        return "the API key lost the WebSocket permission: the live feed refuses its login"
    return "the API key has the WebSocket permission again"


def _candles(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    if arg == "hang":
        exchange.candles.hang = True
        return "BTCTurk's chart server (daily prices) now gets no answer (!candles up)"
    if arg != "up":
        return UNKNOWN
    exchange.candles.release()
    return "BTCTurk's chart server answers again"


def _ip(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    """Refuse every signed request as from an IP the key is not bound to, or accept again."""
    if arg not in ("off", "on"):
        return UNKNOWN
    exchange.ip_allowed = arg == "on"
    if arg == "off":
        return "BTCTurk now refuses the key from this IP: HTTP 401 naming the address (!ip on)"
    return "BTCTurk accepts the key from this IP again"


_OPERATIONS: Final[dict[str, tuple[Operation, ...]]] = {
    "withdrawals": ("withdrawal",),
    "deposits": ("deposit",),
    "all": ("withdrawal", "deposit"),
}


_NETWORK_WORDS: Final = {"LIQUID": "L"}  # as BTCTurk's pages name the list's `L`


def _network_name(network: str) -> str:
    return "L (Liquid)" if network == "L" else network


def _operations(exchange: FakeBtcTurk, close: bool, args: list[str]) -> str:
    """Close or open a coin's withdrawals, deposits or both, on its own row or a network the
    list names for it (a network it does not name is refused, with the ones it does)."""
    coin, what = args[0].upper(), args[1]
    network = args[2].upper() if len(args) == 3 else ""
    network = _NETWORK_WORDS.get(network, network)
    if what not in _OPERATIONS:
        return "say withdrawals, deposits or all: !help shows the form"
    known = exchange.info.networks(coin)
    if network and network not in known:
        names = ", ".join(map(_network_name, known))
        listed = f": its networks are {names}" if known else ""
        return (
            f"BTCTurk's list names no {network} network for {coin}{listed};"
            " leave the network out for the coin's own row"
        )
    for operation in _OPERATIONS[what]:
        if close:
            exchange.info.close(coin, operation, network=network)
        else:
            exchange.info.reopen(coin, operation, network=network)
    where = f" on {_network_name(network)}" if network else ""
    state = "closed" if close else "open again"
    named = "deposits and withdrawals" if what == "all" else what
    return f"{coin} {named}{where} now {state} in BTCTurk's status list"


def _halt(exchange: FakeBtcTurk, pair: str) -> str:
    if not exchange.info.halt(pair):
        return f"no pair {pair} in BTCTurk's list"
    return f"{pair} is listed as not trading (!resume {pair} ends it)"


def _trade_again(exchange: FakeBtcTurk, pair: str) -> str:
    if not exchange.info.trade(pair):
        return f"no pair {pair} in BTCTurk's list"
    return f"{pair} trades again"


def _delist(exchange: FakeBtcTurk, pair: str) -> str:
    if not exchange.info.remove(pair):
        return f"no pair {pair} in BTCTurk's list"
    return f"{pair} left BTCTurk's list of pairs (!resume {pair} lists it again)"


def _new_pair(exchange: FakeBtcTurk, pair: str) -> str:
    try:
        added = exchange.info.add_pair(pair)
    except ValueError as error:
        return str(error)
    return f"{pair} is a new pair on BTCTurk" if added else f"{pair} is listed already"


_PAIR_SWITCHES: Final[dict[str, Callable[[FakeBtcTurk, str], str]]] = {
    "halt": _halt,
    "resume": _trade_again,
    "delist": _delist,
    "newpair": _new_pair,
}


def _delisted_long_ago(exchange: FakeBtcTurk, feed: FakeFeed | None, arg: str) -> str:
    """Stop a pair's daily candles 30 days ago and drop it from the ticker list."""
    pair = _pair(arg)
    last = datetime.fromtimestamp(exchange.now_ms() / 1000, UTC).date() - timedelta(days=30)
    if not exchange.candles.delist(pair, last):
        return f"no candles of {pair}"
    exchange.unlist_pair(pair)
    return (
        f"{pair} was delisted after {last}: no candle since, and no ticker "
        "(before the first /chart, /daily or /pnl: the candles read are kept for good)"
    )


Switch = Callable[[FakeBtcTurk, FakeFeed | None, str], str]
_SWITCHES: Final[dict[str, Switch]] = {
    "prices": _prices,
    "unlist": _unlist,
    "nullprice": _nullprice,
    "shape": _shape,
    "history": _history,
    "key": _key,
    "ws": _ws,
    "candles": _candles,
    "ip": _ip,
    # The account's value
    "delisted": _delisted_long_ago,
}


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
    pair = _pair(args[1])
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


def _orders(exchange: FakeBtcTurk, feed: FakeFeed | None, name: str, args: list[str]) -> str:
    """Place, fill, edit or cancel an order on the desk, and send the feed's frames of it."""
    desk = exchange.desk
    if name == "order":
        frames = _place(exchange, args)
    else:
        # an id: an open order's, or where the line has room for one (!fill ID 0.06,
        # !edit ID 3950000, !cancel ID); !fill 1 3 is 1 in 3 fills of the last order
        room = {"fill": len(args) >= 2 and len(args[0]) > 5, "edit": len(args) == 2}
        named = bool(args) and args[0].isdigit()
        named = named and (int(args[0]) in desk.orders or room.get(name, name == "cancel"))
        order_id = int(args.pop(0)) if named else max(desk.orders, default=None)  # the last
        if order_id not in desk.orders:
            return "no such open order: !order places one"
        if name == "fill" and len(args) in (1, 2):
            fills = int(args[1]) if len(args) == 2 and args[1].isdigit() else 1
            frames = desk.fill(order_id, parse_decimal(args[0]), fills=fills)
        elif name == "edit" and len(args) == 1:
            frames = desk.edit(order_id, price=parse_decimal(args[0]))
        elif name == "cancel" and args in ([], ["stale"]):
            frames = desk.cancel(order_id, stale=bool(args))
        else:
            raise ValueError("not a form of this line")
    if feed is not None:
        feed.publish_frames(frames)
    kinds = " ".join(str(kind) for kind, _ in frames)
    opened = [body["id"] for kind, body in frames if kind == 451]
    said = f"order {opened[-1]} placed; " if name in ("order", "edit") and opened else ""
    return f"{said}the live feed sent {kinds}"


def _place(exchange: FakeBtcTurk, args: list[str]) -> list[Frame]:
    """Place `buy|sell AMOUNT ASSET PRICE` (a limit order) or `… market [fills]`."""
    if len(args) not in (4, 5) or args[0] not in ("buy", "sell"):
        raise ValueError("say buy or sell, an amount, an asset and a price (or market)")
    side: Side = "buy" if args[0] == "buy" else "sell"
    amount, pair = parse_decimal(args[1]), _pair(args[2])
    if amount <= 0:
        raise ValueError("an order's amount is above 0")
    row = next((r for r in exchange.tickers if r.get("pair") == pair), None)
    if row is None:
        raise ValueError(f"no pair {pair} on the simulated exchange (a USDT pair: GLMRUSDT)")
    if args[3] == "market":
        if row.get("last") is None:
            raise ValueError(f"no price of {pair} to fill a market order at")
        price = parse_decimal(str(row["last"]))
        fills = int(args[4]) if len(args) == 5 and args[4].isdigit() else 1
        return exchange.desk.market(side, pair, amount, price, fills=fills)
    return exchange.desk.place(side, pair, amount, parse_decimal(args[3]))
