"""Reconcile a poll's balance changes with the exchange's history: what explains each change.

Per asset, the change the user sees (the difference at display precision) is split exactly into
the part the history explains and an unexplained remainder: `change == explained + unexplained`
in exact Decimal arithmetic. A history item (an order's new fills, a deposit, a withdrawal) is
used when it touches an asset that changed, and each one only once: the caller passes the ids
explained before and stores the ids `Explanation.consumed` lists.

An asset counts as explained when the unrounded balance difference minus what the history
explains rounds to zero at the asset's precision (two roundings must not read as a mystery).

BTCTurk returns at most PAGE_CAP rows of one millisecond: when an item used holds a row at a
moment that reached that cap, what is left open of the assets it touches may be rows no read
can return. Those assets are `Explanation.crowded`: said so, and never followed up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from balance_bot.btcturk.history import HistoryEndpoint, book_of, crowded_moments
from balance_bot.btcturk.models import Fill, History, Side, Transfer
from balance_bot.core.changes import BalanceChange
from balance_bot.core.numbers import quantize

TxId = tuple[str, str]
"""(kind, id): kind "fill", "order", "crypto" or "fiat"."""

FIAT_PRECISION = 2
CRYPTO_PRECISION = 8
FIAT = frozenset({"TRY", "USD", "EUR"})
_ZERO = Decimal(0)
# Exact for any sum of products of amounts `parse_decimal` accepts.
EXACT = Context(prec=400, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)


def default_precision(asset: str) -> int:
    """Return the precision of an asset no balance row named: 2 for fiat money, else 8."""
    return FIAT_PRECISION if asset in FIAT else CRYPTO_PRECISION


@dataclass(frozen=True, slots=True)
class Trade:
    """The fills of one order seen together (all of them, or the ones new since last time)."""

    order_id: str
    side: Side
    base: str
    quote: str
    amount: Decimal  # of `base`
    cost: Decimal  # sum of price x amount, in `quote`, before fee and tax
    fee: Decimal  # in `fee_currency`
    tax: Decimal  # in `fee_currency`
    fee_currency: str
    fills: int
    at_ms: int  # the last fill
    continued: bool = False  # earlier fills of the order were explained before
    fill_ids: tuple[str, ...] = ()

    @property
    def is_buy(self) -> bool:
        """Tell a buy from a sell."""
        return self.side == "buy"

    @property
    def average(self) -> Decimal | None:
        """Return the average price in `quote`, None for an empty amount."""
        return None if self.amount == 0 else self.cost / self.amount

    @property
    def net(self) -> Decimal:
        """Return the quote spent (buy) or received (sell), fee and tax included when in quote."""
        with localcontext(EXACT):
            costs = self.fee + self.tax if self.fee_currency == self.quote else _ZERO
            return self.cost + costs if self.side == "buy" else self.cost - costs

    def effects(self) -> dict[str, Decimal]:
        """Return what the trade did to each asset's balance."""
        with localcontext(EXACT):
            sign = 1 if self.side == "buy" else -1
            out: dict[str, Decimal] = defaultdict(Decimal)
            out[self.base] += sign * self.amount
            out[self.quote] -= sign * self.cost
            out[self.fee_currency] -= self.fee + self.tax
            return dict(out)


def is_deposit(transfer: Transfer) -> bool:
    """Tell a deposit from a withdrawal."""
    return transfer.kind == "deposit"


def transfer_effect(transfer: Transfer) -> Decimal:
    """Return what a transfer did to its asset's balance: its fee and tax are always a cost."""
    with localcontext(EXACT):
        costs = transfer.fee + transfer.tax
        if transfer.kind == "deposit":
            return transfer.amount - costs
        return -(transfer.amount + costs)


def transfer_id(transfer: Transfer) -> TxId:
    """Return the id under which a transfer is remembered (its endpoint and its id)."""
    return ("fiat" if transfer.fiat else "crypto", transfer.id)


def group_fills(fills: Iterable[Fill], explained: Iterable[TxId] = ()) -> list[Trade]:
    """Group fills by order, leaving out those explained before; oldest trade first."""
    done = set(explained)
    groups: dict[tuple[str, str, str, str, str], list[Fill]] = {}
    seen: set[str] = set()
    for fill in fills:
        if fill.id in seen or ("fill", fill.id) in done:
            continue
        seen.add(fill.id)
        key = (fill.order_id, fill.side, fill.numerator, fill.denominator, fill.fee_currency)
        groups.setdefault(key, []).append(fill)
    trades = []
    with localcontext(EXACT):
        for (order_id, side, base, quote, fee_currency), rows in groups.items():
            trades.append(
                Trade(
                    order_id=order_id,
                    side="buy" if side == "buy" else "sell",
                    base=base,
                    quote=quote,
                    amount=sum((f.amount for f in rows), _ZERO),
                    cost=sum((f.price * f.amount for f in rows), _ZERO),
                    fee=sum((f.fee for f in rows), _ZERO),
                    tax=sum((f.tax for f in rows), _ZERO),
                    fee_currency=fee_currency,
                    fills=len(rows),
                    at_ms=max(f.at_ms for f in rows),
                    continued=("order", order_id) in done,
                    fill_ids=tuple(f.id for f in rows),
                )
            )
    trades.sort(key=lambda t: (t.at_ms, t.order_id))
    return trades


@dataclass(frozen=True, slots=True)
class PendingWithdrawal:
    """A withdrawal requested and not done yet: locked by the exchange, still in the total."""

    asset: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class OrderMove:
    """Money moved between free and locked, the total unchanged: an order placed or cancelled."""

    asset: str
    precision: int
    old_locked: Decimal
    new_locked: Decimal

    @property
    def placed(self) -> bool:
        """Tell whether more is locked now (an order placed) rather than less (cancelled)."""
        return self.new_locked > self.old_locked


@dataclass(frozen=True, slots=True)
class Remainder:
    """What the history did not explain of one asset yet, kept for a later follow-up."""

    asset: str
    precision: int
    amount: Decimal  # at display precision, as the alert showed it
    raw: Decimal  # unrounded
    unit: Decimal | None = None  # its price in the quote when the alert went out (None: none)


@dataclass(frozen=True, slots=True)
class AssetAccount:
    """One asset's change, split: `change == explained + unexplained`, exactly."""

    asset: str
    precision: int
    change: Decimal  # as the user sees it: the difference at display precision
    explained: Decimal
    unexplained: Decimal
    raw_unexplained: Decimal  # the unrounded difference minus `explained`

    @property
    def settled(self) -> bool:
        """Tell whether the history accounts for the change (up to display rounding)."""
        return quantize(self.raw_unexplained, self.precision) == 0


Item = Trade | Transfer


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the history says about one poll's changes (or about earlier remainders)."""

    items: tuple[Item, ...]  # trades and transfers, oldest first
    pending: tuple[PendingWithdrawal, ...]
    order_moves: tuple[OrderMove, ...]
    assets: tuple[AssetAccount, ...]  # every changed asset and every asset an item touched
    consumed: frozenset[TxId]  # store these: they are explained now
    # Assets touched by a moment whose rows reached the answer's cap, and that moment's
    # endpoint: what is open of them may be rows BTCTurk cannot return.
    crowded: Mapping[str, HistoryEndpoint] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Tell whether every asset's change is accounted for."""
        return all(a.settled for a in self.assets)

    @property
    def open(self) -> tuple[AssetAccount, ...]:
        """Return the assets with something unexplained."""
        return tuple(a for a in self.assets if not a.settled)

    @property
    def explains_anything(self) -> bool:
        """Tell whether the history explained at least one item."""
        return bool(self.items)

    @property
    def awaited(self) -> tuple[AssetAccount, ...]:
        """Return the open assets a later read of the history may still explain."""
        return tuple(a for a in self.open if a.asset not in self.crowded)

    @property
    def beyond_reach(self) -> tuple[AssetAccount, ...]:
        """Return the open assets whose rest may be rows BTCTurk cannot return."""
        return tuple(a for a in self.open if a.asset in self.crowded)

    def remainders(self) -> tuple[Remainder, ...]:
        """Return what is still unexplained, for `explain_remainders` at a later poll (not
        what no read can return)."""
        return tuple(
            Remainder(a.asset, a.precision, a.unexplained, a.raw_unexplained) for a in self.awaited
        )

    def precision(self, asset: str) -> int:
        """Return the precision the asset is shown with."""
        found = next((a.precision for a in self.assets if a.asset == asset), None)
        return default_precision(asset) if found is None else found

    def account(self, asset: str) -> AssetAccount | None:
        """Return the split of one asset's change, None when it had none."""
        return next((a for a in self.assets if a.asset == asset), None)


@dataclass(frozen=True, slots=True)
class _Target:
    precision: int
    shown: Decimal
    raw: Decimal


def explain(
    changes: Sequence[BalanceChange],
    history: History,
    explained: Iterable[TxId] = (),
    *,
    requested: Mapping[str, Decimal] | None = None,
    requested_before: Mapping[str, Decimal] | None = None,
    precisions: Mapping[str, int] | None = None,
) -> Explanation:
    """Explain one poll's `changes` with `history`, leaving out the ids `explained` before.

    `requested`: each asset's `request_fund` now (locked by withdrawal requests);
    `requested_before`: the same at the previous poll, so a request is told once.
    `precisions`: the precision of assets a trade touches that did not change (else defaults).
    """
    with localcontext(EXACT):
        targets = {
            c.asset: _Target(c.precision, c.difference, c.new_total - c.old_total) for c in changes
        }
    items, accounts, consumed = _reconcile(targets, history, explained, precisions or {})
    now, before = requested or {}, requested_before or {}
    pending = []
    for change in changes:
        with localcontext(EXACT):
            amount = now.get(change.asset, _ZERO) - before.get(change.asset, _ZERO)
        if quantize(amount, change.precision) > 0:
            pending.append(PendingWithdrawal(change.asset, amount))
    pending_by_asset = {p.asset: p.amount for p in pending}
    order_moves = []
    for change in changes:
        if not change.is_order_move:
            continue
        p = change.precision
        locked = quantize(change.new_locked, p) - quantize(change.old_locked, p)
        requested_now = pending_by_asset.get(change.asset)
        if requested_now is not None and quantize(requested_now, p) == locked:
            continue  # the lock is the withdrawal request
        order_moves.append(OrderMove(change.asset, p, change.old_locked, change.new_locked))
    crowded = _crowded(items, history)
    return Explanation(items, tuple(pending), tuple(order_moves), accounts, consumed, crowded)


def explain_remainders(
    remainders: Sequence[Remainder],
    history: History,
    explained: Iterable[TxId] = (),
    *,
    precisions: Mapping[str, int] | None = None,
) -> Explanation:
    """Explain what an earlier alert left unexplained with history that arrived since."""
    targets = {r.asset: _Target(r.precision, r.amount, r.raw) for r in remainders}
    items, accounts, consumed = _reconcile(targets, history, explained, precisions or {})
    return Explanation(items, (), (), accounts, consumed, _crowded(items, history))


def _crowded(items: Sequence[Item], history: History) -> dict[str, HistoryEndpoint]:
    """Return the assets the `items` with a row at a crowded moment touch, and its endpoint."""
    moments = {(c.book, c.at_ms) for c in crowded_moments(history.fills, history.transfers)}
    if not moments:
        return {}
    at_ms = {f.id: f.at_ms for f in history.fills}
    crowded: dict[str, HistoryEndpoint] = {}
    for item in items:
        if isinstance(item, Trade):
            if any(("trades", at_ms.get(i)) in moments for i in item.fill_ids):
                for asset in (item.base, item.quote, item.fee_currency):
                    crowded.setdefault(asset, "trades")
        elif (book_of(item), item.at_ms) in moments:
            crowded.setdefault(item.asset, book_of(item))
    return crowded


def _reconcile(
    targets: Mapping[str, _Target],
    history: History,
    explained: Iterable[TxId],
    precisions: Mapping[str, int],
) -> tuple[tuple[Item, ...], tuple[AssetAccount, ...], frozenset[TxId]]:
    """Use the new history items that touch a target asset; split each asset's change."""
    done = set(explained)
    candidates: list[tuple[Item, dict[str, Decimal], list[TxId]]] = []
    for trade in group_fills(history.fills, done):
        ids = [("fill", i) for i in trade.fill_ids] + [("order", trade.order_id)]
        candidates.append((trade, trade.effects(), ids))
    seen: set[TxId] = set()
    for transfer in history.transfers:
        key = transfer_id(transfer)
        if key in done or key in seen:
            continue
        seen.add(key)
        candidates.append((transfer, {transfer.asset: transfer_effect(transfer)}, [key]))
    used = [c for c in candidates if not set(c[1]).isdisjoint(targets)]
    used.sort(key=lambda c: c[0].at_ms)
    by_asset: dict[str, Decimal] = defaultdict(Decimal)
    with localcontext(EXACT):
        for _, effects, _ in used:
            for asset, amount in effects.items():
                by_asset[asset] += amount
        accounts = []
        for asset in sorted(set(targets) | set(by_asset)):
            target = targets.get(asset)
            if target is None:
                precision = precisions.get(asset, default_precision(asset))
                target = _Target(precision, _ZERO, _ZERO)
            part = by_asset.get(asset, _ZERO)
            accounts.append(
                AssetAccount(
                    asset=asset,
                    precision=target.precision,
                    change=target.shown,
                    explained=part,
                    unexplained=target.shown - part,
                    raw_unexplained=target.raw - part,
                )
            )
    consumed = frozenset(i for _, _, ids in used for i in ids)
    return tuple(c[0] for c in used), tuple(accounts), consumed
