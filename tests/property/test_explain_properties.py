"""Properties of core.explain for arbitrary changes and history: nothing is lost or made up.

For every asset, what the history explains plus what it does not is exactly the change the
user sees; what it explains is exactly the sum of the rows it says it used; a row explained
before is never used again; and a run of polls uses each row at most once.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from balance_bot.btcturk.models import Fill, History, Transfer
from balance_bot.core.changes import BalanceChange
from balance_bot.core.explain import EXACT, TxId, explain, explain_remainders

PRECISIONS = {"BTC": 8, "ETH": 8, "XRP": 4, "TRY": 2, "USDT": 2}
PAIRS = [("BTC", "TRY"), ("ETH", "TRY"), ("BTC", "USDT"), ("XRP", "USDT"), ("USDT", "TRY")]
AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=16, allow_nan=False)
SMALL = st.decimals(min_value=0, max_value=10**4, places=16, allow_nan=False)
PRICES = st.decimals(min_value=0, max_value=10**7, places=8, allow_nan=False)


@st.composite
def fills(draw: st.DrawFn, fill_id: str) -> Fill:
    base, quote = draw(st.sampled_from(PAIRS))
    return Fill(
        id=fill_id,
        order_id=draw(st.sampled_from(["o1", "o2", "o3"])),
        at_ms=draw(st.integers(0, 10**6)),
        numerator=base,
        denominator=quote,
        side=draw(st.sampled_from(["buy", "sell"])),
        price=draw(PRICES),
        amount=draw(AMOUNTS),
        fee=draw(SMALL),
        tax=draw(SMALL),
        fee_currency=draw(st.sampled_from([quote, quote, base])),
    )


@st.composite
def transfers(draw: st.DrawFn, transfer_id: str) -> Transfer:
    asset = draw(st.sampled_from(sorted(PRECISIONS)))
    return Transfer(
        id=transfer_id,
        kind=draw(st.sampled_from(["deposit", "withdrawal"])),
        asset=asset,
        at_ms=draw(st.integers(0, 10**6)),
        amount=draw(AMOUNTS),
        fee=draw(SMALL),
        tax=draw(SMALL),
        fiat=asset == "TRY",
    )


@st.composite
def histories(draw: st.DrawFn) -> History:
    fill_ids = draw(st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=6))
    transfer_ids = draw(st.lists(st.sampled_from("pqrstu"), unique=True, max_size=4))
    return History(
        fills=tuple(draw(fills(i)) for i in fill_ids),
        transfers=tuple(draw(transfers(i)) for i in transfer_ids),
    )


@st.composite
def changes(draw: st.DrawFn) -> list[BalanceChange]:
    assets = draw(st.lists(st.sampled_from(sorted(PRECISIONS)), unique=True, max_size=5))
    result = []
    for asset in sorted(assets):
        old, new = draw(AMOUNTS), draw(AMOUNTS)
        result.append(BalanceChange(asset, PRECISIONS[asset], old, new, draw(SMALL), draw(SMALL)))
    return result


def all_ids(history: History) -> list[TxId]:
    ids: list[TxId] = [("fill", f.id) for f in history.fills]
    ids += [("fiat" if t.fiat else "crypto", t.id) for t in history.transfers]
    return ids


def effects_of(history: History, consumed: frozenset[TxId]) -> dict[str, Decimal]:
    """Recompute, row by row, what the rows the explanation used did to each asset."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    with localcontext(EXACT):
        for f in history.fills:
            if ("fill", f.id) in consumed:
                sign = 1 if f.side == "buy" else -1
                out[f.numerator] += sign * f.amount
                out[f.denominator] -= sign * f.price * f.amount
                out[f.fee_currency] -= f.fee + f.tax
        for t in history.transfers:
            if ("fiat" if t.fiat else "crypto", t.id) in consumed:
                costs = t.fee + t.tax
                out[t.asset] += t.amount - costs if t.kind == "deposit" else -(t.amount + costs)
    return out


@settings(max_examples=300, deadline=None)
@given(changes(), histories(), st.data())
def test_explained_and_unexplained_add_up_to_the_change(
    polled: list[BalanceChange], history: History, data: st.DataObject
) -> None:
    before = frozenset(data.draw(st.lists(st.sampled_from(all_ids(history) or [("fill", "z")]))))

    result = explain(polled, history, before)

    by_asset = {a.asset: a for a in result.assets}
    with localcontext(EXACT):
        for c in polled:  # every changed asset is accounted for, at the difference shown
            assert by_asset[c.asset].change == c.difference
        for account in result.assets:
            assert account.explained + account.unexplained == account.change
            if account.asset not in {c.asset for c in polled}:
                assert account.change == 0
    recomputed = effects_of(history, result.consumed)
    for asset, account in by_asset.items():
        assert account.explained == recomputed.get(asset, Decimal(0))
    for asset, amount in recomputed.items():
        assert asset in by_asset or amount == 0
    rows = {i for i in result.consumed if i[0] != "order"}
    assert rows.isdisjoint(before)
    assert rows <= set(all_ids(history))


@settings(max_examples=200, deadline=None)
@given(changes(), histories())
def test_a_row_is_explained_once_over_a_run_of_polls(
    polled: list[BalanceChange], history: History
) -> None:
    first = explain(polled, history)
    again = explain(polled, history, first.consumed)

    assert again.items == ()
    assert {i for i in again.consumed if i[0] != "order"} == set()
    for a, b in zip(first.assets, again.assets, strict=False):
        if a.asset == b.asset:
            assert b.explained == 0


@settings(max_examples=200, deadline=None)
@given(changes(), histories(), histories())
def test_remainders_explained_later_still_add_up(
    polled: list[BalanceChange], early: History, late: History
) -> None:
    first = explain(polled, early)
    later = explain_remainders(first.remainders(), late, first.consumed)

    with localcontext(EXACT):
        for account in later.assets:
            assert account.explained + account.unexplained == account.change
        for remainder in first.remainders():
            found = later.account(remainder.asset)
            assert found is not None
            assert found.change == remainder.amount
