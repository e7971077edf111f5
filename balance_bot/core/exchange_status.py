"""What changed in BTCTurk's own status between two reads: coins closed, pairs halted. Pure.

The block list names a coin and maybe a network (`Trc20Usdt`: USDT on TRC20, `LBtc`: BTC on
Liquid, `Btc`: BTC itself): a `Gate`, matched to the coins case-insensitively, the longest coin
a symbol ends with. A gate's operation is closed when any of its rows says so (the list repeats
some). A state keeps what is closed and since when, and every pair with whether it trades:

    compare(None, info, now)      the baseline: nothing told, what is closed already kept
    compare(state, info, now)     the next state, and what changed since `state`

An answer without a block list, or without a coin's own row, keeps what was known of it: a
missing row is no news that a coin opened. A closed network's row that leaves a list still
naming the coin is open again (BTCTurk drops the row when it lifts the block). A network's
line counts the coin's own row: that row closes every network, so a network row's change of
an operation the coin's row closes at that moment is not told (it is kept: the coin's
reopening names the networks still closed). A pair list less than half as
long as the last is taken for a partial answer and not compared (no pair "left the list" on
a bad read).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from balance_bot.btcturk.exchange_info import ExchangeInfo, OperationRow

Operation = Literal["withdrawal", "deposit"]
OPERATIONS: tuple[Operation, ...] = ("withdrawal", "deposit")
PairWord = Literal["halted", "removed", "resumed", "resumed_after", "listed", "listed_idle"]
Which = Literal["withdrawal", "deposit", "both"]
STATE_VERSION = 1
NETWORK_NAMES = {"L": "Liquid"}  # the block list's prefix, as BTCTurk's pages name the network


@dataclass(frozen=True, slots=True, order=True)
class Gate:
    """One coin on one network: `network` "" is the coin's own row."""

    coin: str  # USDT
    network: str = ""  # TRC20, L (Liquid)


@dataclass(frozen=True, slots=True)
class PairState:
    """A pair as last read: whether it trades and is listed, and since when it does not."""

    numerator: str
    denominator: str
    trading: bool = True
    listed: bool = True
    since: datetime | None = (
        None  # when it stopped (None: trading, or stopped before the first read)
    )


@dataclass(frozen=True, slots=True)
class ExchangeState:
    """What is closed (and since when: None when it was closed at the first read) and every pair."""

    closed: Mapping[tuple[Gate, Operation], datetime | None] = field(default_factory=dict)
    pairs: Mapping[str, PairState] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GateChange:
    """What changed on one gate in one read."""

    gate: Gate
    closed: frozenset[Operation]  # closed now, open before
    reopened: Mapping[Operation, datetime | None]  # open now, and since when they were closed
    still_closed: frozenset[Operation]  # the gate's other operations closed now
    still_open: frozenset[Operation] = frozenset()  # those the list says are open now
    # of a coin's own row: the networks whose own rows still close some of what reopened
    networks_closed: tuple[tuple[str, frozenset[Operation]], ...] = ()


@dataclass(frozen=True, slots=True)
class PairChange:
    """A pair that stopped, left the list, trades again (after how long, when known) or is
    new (trading, or not yet: `listed_idle`)."""

    pair: str
    numerator: str
    word: PairWord
    stopped_since: datetime | None = None  # of a pair that trades again


def which(operations: Collection[Operation]) -> Which:
    """Return what a line names: one operation, or both."""
    return "both" if set(operations) >= set(OPERATIONS) else next(iter(operations))


def other(operation: Operation) -> Operation:
    """Return a gate's other operation."""
    return "deposit" if operation == "withdrawal" else "withdrawal"


def network_name(network: str) -> str:
    """Return a network as the owner knows it: Liquid for BTCTurk's `L`, else its prefix."""
    return NETWORK_NAMES.get(network, network)


def _resumed(pair: str, numerator: str, since: datetime | None) -> PairChange:
    word: PairWord = "resumed" if since is None else "resumed_after"
    return PairChange(pair, numerator, word, since)


Change = GateChange | PairChange


def gate_of(symbol: str, coins: Collection[str]) -> Gate:
    """Return the coin and network of a block row's symbol: the coin it names whole, else the
    longest coin it ends with, its start the network (upper case)."""
    lowered = symbol.lower()
    by_name = {coin.lower(): coin.upper() for coin in coins}
    if lowered in by_name:
        return Gate(by_name[lowered])
    ends = [c for c in by_name if lowered.endswith(c) and len(lowered) > len(c)]
    if not ends:
        return Gate(symbol.upper())
    coin = max(ends, key=len)
    return Gate(by_name[coin], symbol[: -len(coin)].upper())


def gates_of(
    rows: Iterable[OperationRow], coins: Collection[str]
) -> dict[Gate, dict[Operation, bool]]:
    """Return what each gate's rows say: an operation closed when any row closes it; one no
    row says anything of is left out."""
    gates: dict[Gate, dict[Operation, bool]] = {}
    for row in rows:
        said = gates.setdefault(gate_of(row.symbol, coins), {})
        said_by_row: tuple[tuple[Operation, bool | None], ...] = (
            ("withdrawal", row.withdrawal_closed),
            ("deposit", row.deposit_closed),
        )
        for operation, closed in said_by_row:
            if closed is not None:
                said[operation] = said.get(operation, False) or closed
    return gates


def compare(
    previous: ExchangeState | None, info: ExchangeInfo, now: datetime
) -> tuple[ExchangeState, list[Change]]:
    """Return the state after `info`, and what changed since `previous` (nothing the first
    time: the baseline)."""
    before = previous or ExchangeState()
    coins = (
        info.currencies | {p.numerator for p in info.pairs} | {p.denominator for p in info.pairs}
    )
    closed, gate_changes = _gates(before, info, coins, now, baseline=previous is None)
    pairs, pair_changes = _pairs(before, info, now, baseline=previous is None)
    return ExchangeState(closed, pairs), [*gate_changes, *pair_changes]


def concerning(changes: Iterable[Change], coins: Collection[str]) -> list[Change]:
    """Return the changes of the coins the owner holds or watches (a pair by its first coin)."""
    wanted = {c.upper() for c in coins}
    return [
        change
        for change in changes
        if (change.gate.coin if isinstance(change, GateChange) else change.numerator) in wanted
    ]


def closed_now(
    state: ExchangeState, coins: Collection[str]
) -> list[tuple[Gate, dict[Operation, datetime | None]]]:
    """Return the watched coins' gates with something closed, each with its closed operations."""
    wanted = {c.upper() for c in coins}
    found: dict[Gate, dict[Operation, datetime | None]] = {}
    for (gate, operation), since in sorted(state.closed.items()):
        if gate.coin in wanted:
            found.setdefault(gate, {})[operation] = since
    return sorted(found.items())


def stopped_pairs(state: ExchangeState, coins: Collection[str]) -> list[tuple[str, PairState]]:
    """Return the watched coins' pairs that do not trade now, or left the list."""
    wanted = {c.upper() for c in coins}
    return sorted(
        (name, pair)
        for name, pair in state.pairs.items()
        if pair.numerator in wanted and not (pair.trading and pair.listed)
    )


def _gates(
    before: ExchangeState,
    info: ExchangeInfo,
    coins: Collection[str],
    now: datetime,
    *,
    baseline: bool,
) -> tuple[dict[tuple[Gate, Operation], datetime | None], list[GateChange]]:
    closed = dict(before.closed)
    if info.blocks is None:
        return closed, []
    said_of = gates_of(info.blocks, coins)
    _network_rows_gone(before, said_of)
    moved: dict[Gate, tuple[set[Operation], dict[Operation, datetime | None]]] = {}
    for gate, said in sorted(said_of.items()):
        newly: set[Operation] = set()
        reopened: dict[Operation, datetime | None] = {}
        for operation, is_closed in said.items():
            key = (gate, operation)
            if is_closed and key not in closed:
                closed[key] = None if baseline else now
                newly.add(operation)
            elif not is_closed and key in closed:
                reopened[operation] = closed.pop(key)
        if newly or reopened:
            moved[gate] = (newly, reopened)
    if baseline:
        return closed, []
    changes = []
    for gate, (newly, reopened) in sorted(moved.items()):
        # the coin's own row closes every network: what it closes now is no news of a network
        wide = {op for op in OPERATIONS if gate.network and (Gate(gate.coin), op) in closed}
        newly -= wide
        reopened = {op: since for op, since in reopened.items() if op not in wide}
        if not (newly or reopened):
            continue
        still = {op for op in OPERATIONS if (gate, op) in closed} | wide
        still_open = {op for op, is_closed in said_of[gate].items() if not is_closed}
        changes.append(
            GateChange(
                gate,
                frozenset(newly),
                reopened,
                frozenset(still - newly),
                frozenset(still_open - set(reopened) - wide),
                () if gate.network else _networks_closed(gate.coin, set(reopened), closed),
            )
        )
    return closed, changes


def _networks_closed(
    coin: str,
    reopened: set[Operation],
    closed: Mapping[tuple[Gate, Operation], datetime | None],
) -> tuple[tuple[str, frozenset[Operation]], ...]:
    """Return the coin's networks whose own rows still close some of what its row reopened."""
    found: dict[str, set[Operation]] = {}
    for gate, operation in sorted(closed):
        if gate.coin == coin and gate.network and operation in reopened:
            found.setdefault(gate.network, set()).add(operation)
    return tuple((network, frozenset(ops)) for network, ops in sorted(found.items()))


def _network_rows_gone(before: ExchangeState, said_of: dict[Gate, dict[Operation, bool]]) -> None:
    """Count a closed network's row that left the list as open again (BTCTurk drops a
    network's row when it lifts the block), when the list still names the coin: a list
    without the coin at all may be a partial answer, and a coin's own row is never dropped."""
    named = {gate.coin for gate in said_of}
    gone = {
        gate
        for gate, _ in before.closed
        if gate.network and gate.coin in named and gate not in said_of
    }
    for gate, operation in before.closed:
        if gate in gone:
            said_of.setdefault(gate, {})[operation] = False


def _pairs(
    before: ExchangeState, info: ExchangeInfo, now: datetime, *, baseline: bool
) -> tuple[dict[str, PairState], list[PairChange]]:
    pairs = dict(before.pairs)
    listed_before = sum(1 for p in pairs.values() if p.listed)
    if 2 * len(info.pairs) < listed_before:  # a partial answer: nothing left the list
        return pairs, []
    changes: list[PairChange] = []
    seen = set()
    for pair in info.pairs:
        seen.add(pair.name)
        old = pairs.get(pair.name)
        if old is None:
            since = None if baseline or pair.trading else now
            pairs[pair.name] = PairState(
                pair.numerator, pair.denominator, pair.trading, True, since
            )
            if not baseline:
                word: PairWord = "listed" if pair.trading else "listed_idle"
                changes.append(PairChange(pair.name, pair.numerator, word))
        elif not old.listed:  # back on the list: told when it trades again
            since = None if pair.trading else old.since
            pairs[pair.name] = PairState(
                pair.numerator, pair.denominator, pair.trading, True, since
            )
            if pair.trading:
                changes.append(_resumed(pair.name, pair.numerator, old.since))
        elif old.trading and not pair.trading:
            pairs[pair.name] = PairState(pair.numerator, pair.denominator, False, True, now)
            changes.append(PairChange(pair.name, pair.numerator, "halted"))
        elif not old.trading and pair.trading:
            pairs[pair.name] = PairState(pair.numerator, pair.denominator)
            changes.append(_resumed(pair.name, pair.numerator, old.since))
    for name, old in before.pairs.items():
        if name not in seen and old.listed:
            since = old.since if not old.trading else now
            pairs[name] = PairState(old.numerator, old.denominator, False, False, since)
            changes.append(PairChange(name, old.numerator, "removed"))
    return pairs, changes


def state_to_json(state: ExchangeState) -> str:
    """Return the stored form of a state."""
    return json.dumps(
        {
            "version": STATE_VERSION,
            "closed": [
                [gate.coin, gate.network, operation, _time(since)]
                for (gate, operation), since in sorted(state.closed.items())
            ],
            "pairs": {
                name: [p.numerator, p.denominator, p.trading, p.listed, _time(p.since)]
                for name, p in sorted(state.pairs.items())
            },
        },
        separators=(",", ":"),
    )


def state_from_json(text: str | None) -> ExchangeState | None:
    """Read a stored state; None when there is none, or it cannot be read (a new baseline)."""
    if not text:
        return None
    try:
        raw = json.loads(text)
        closed: dict[tuple[Gate, Operation], datetime | None] = {}
        for coin, network, operation, since in raw["closed"]:
            if operation in OPERATIONS:
                closed[(Gate(str(coin), str(network)), operation)] = _moment(since)
        pairs = {
            str(name): PairState(str(n), str(d), bool(t), bool(listed), _moment(since))
            for name, (n, d, t, listed, since) in raw["pairs"].items()
        }
    except (ValueError, KeyError, TypeError):
        return None
    return ExchangeState(closed, pairs)


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None
