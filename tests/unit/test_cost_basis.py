"""The cost-basis engine against hand-worked examples, and its invariants as properties."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balance_bot.btcturk.models import Fill, Side, Transfer
from balance_bot.core.cost_basis import (
    AssetBasis,
    Method,
    TransferPrice,
    accounts_for,
    build_cost_basis,
    transfer_key,
)

D = Decimal
DAY = 86_400_000


def fill(
    at: int,
    side: Side,
    amount: str,
    price: str,
    fee: str = "0",
    tax: str = "0",
    pair: str = "BTCTRY",
) -> Fill:
    numerator, denominator = (pair[:-4], "USDT") if pair.endswith("USDT") else (pair[:-3], "TRY")
    return Fill(
        id=f"f{at}",
        order_id=f"o{at}",
        at_ms=at,
        numerator=numerator,
        denominator=denominator,
        side=side,
        price=D(price),
        amount=D(amount),
        fee=D(fee),
        tax=D(tax),
        fee_currency=denominator,
    )


def transfer(at: int, kind: str, asset: str, amount: str, fee: str = "0") -> Transfer:
    return Transfer(
        id=f"t{at}",
        kind="deposit" if kind == "deposit" else "withdrawal",
        asset=asset,
        at_ms=at,
        amount=D(amount),
        fee=D(fee),
        tax=D(0),
        fiat=asset == "TRY",
    )


def no_price(asset: str, at_ms: int) -> Decimal | None:
    return None


TWO_BUYS_AND_A_PARTIAL_SELL = [
    fill(1, "buy", "1", "100", fee="1", tax="0.18"),
    fill(2, "buy", "1", "200", fee="2", tax="0.36"),
    fill(3, "sell", "0.5", "300", fee="1.5", tax="0.27"),
]


def test_average_cost_adds_buy_fees_and_takes_sell_fees_off_the_proceeds() -> None:
    result = build_cost_basis(TWO_BUYS_AND_A_PARTIAL_SELL, [], "TRY", no_price)
    btc = result.assets["BTC"]
    assert btc.units == D("1.5")
    [sale] = btc.sales
    assert sale.proceeds == D("148.23")  # 150 - 1.5 - 0.27
    assert sale.cost == D("75.885")  # half of (101.18 + 202.36) / 2 ... per unit 151.77
    assert sale.pnl == D("72.345")
    assert btc.cost == D("227.655")
    assert btc.average_cost == D("151.77")
    assert btc.unrealized(D("300")) == D("222.345")
    assert result.fees() == D("5.31")
    assert result.fees(2, 3) == D("2.36")
    assert not btc.estimated


def test_fifo_sells_the_oldest_lot_first() -> None:
    result = build_cost_basis(TWO_BUYS_AND_A_PARTIAL_SELL, [], "TRY", no_price, method="fifo")
    btc = result.assets["BTC"]
    [sale] = btc.sales
    assert sale.cost == D("50.59")  # half of the first lot (101.18)
    assert sale.pnl == D("97.64")
    assert btc.cost == D("252.95")
    assert btc.realized() == D("97.64")


def test_fifo_sale_across_lots() -> None:
    history = [*TWO_BUYS_AND_A_PARTIAL_SELL, fill(4, "sell", "1", "300")]
    btc = build_cost_basis(history, [], "TRY", no_price, method="fifo").assets["BTC"]
    assert btc.sales[1].cost == D("50.59") + D("101.18")  # the rest of lot 1, half of lot 2
    assert btc.cost == D("101.18")
    assert btc.units == D("0.5")


def test_a_usdt_quoted_buy_is_valued_at_the_rate_and_spends_usdt_at_its_basis() -> None:
    def rate(asset: str, at_ms: int) -> Decimal | None:
        return {"USDT": D(40)}.get(asset)

    history = [
        fill(1, "buy", "10000", "38", pair="USDTTRY"),
        fill(2, "buy", "0.1", "50000", fee="5", tax="0.9", pair="BTCUSDT"),
    ]
    result = build_cost_basis(history, [], "TRY", rate)
    btc, usdt = result.assets["BTC"], result.assets["USDT"]
    assert btc.cost == D("200236.0")  # (5000 + 5.9) USDT x 40
    assert usdt.units == D("4994.1")
    [spent] = usdt.sales
    assert spent.cost == D("190224.2")  # 380000 x 5005.9 / 10000
    assert spent.pnl == D("10011.8")
    assert result.fees() == D("236")  # 5.9 USDT x 40


def test_a_fill_without_a_rate_moves_both_legs_and_leaves_only_its_values_unknown() -> None:
    history = [
        fill(1, "buy", "10000", "38", pair="USDTTRY"),
        fill(2, "buy", "0.1", "50000", fee="5", tax="0.9", pair="BTCUSDT"),  # no rate that day
    ]
    result = build_cost_basis(history, [], "TRY", no_price)
    btc, usdt = result.assets["BTC"], result.assets["USDT"]
    assert btc.units == D("0.1")
    assert btc.cost_unknown == "past_price" and btc.average_cost is None
    assert usdt.units == D("4994.1")  # the USDT spent left all the same
    assert usdt.cost_unknown is None
    assert usdt.cost == D("189775.8")  # what is left keeps its basis: 38 TRY a unit
    assert usdt.sales == []
    assert [(u.record_id, u.why) for u in usdt.unvalued] == [("f2", "past_price")]
    assert usdt.realized_unknown() == "past_price"
    assert not btc.broken and not usdt.broken
    assert accounts_for(usdt, D("4994.1"), 8) and accounts_for(btc, D("0.1"), 8)
    assert result.fees() == D(0)  # the fill's fee is not known in TRY...
    assert [(u.record_id, u.asset) for u in result.unvalued_charges] == [("f2", "BTC")]


def test_an_unknown_cost_lasts_until_the_units_it_was_in_are_gone() -> None:
    history = [
        fill(2, "sell", "2", "100", pair="ETHTRY"),
        fill(3, "buy", "1", "120", pair="ETHTRY"),
    ]
    deposit = [transfer(1, "deposit", "ETH", "2")]  # no price for its day
    for method in ("average", "fifo"):
        result = build_cost_basis(
            history, deposit, "TRY", no_price, method=method, missing=lambda a, t: "loading"
        )
        eth = result.assets["ETH"]
        assert [(u.record_id, u.why) for u in eth.unvalued] == [("f2", "loading")]
        assert eth.cost_unknown is None and eth.average_cost == D(120)
        assert eth.realized() == D(0) and eth.realized_unknown() == "loading"
        assert eth.realized_unknown(3, 4) is None


def test_fifo_knows_the_lots_after_an_unknown_one_is_sold() -> None:
    deposit = [transfer(1, "deposit", "ETH", "1")]
    history = [
        fill(2, "buy", "1", "100", pair="ETHTRY"),
        fill(3, "sell", "1", "150", pair="ETHTRY"),
    ]
    average = build_cost_basis(history, deposit, "TRY", no_price).assets["ETH"]
    assert average.cost_unknown == "past_price"  # one pool: part of it has no known cost
    fifo = build_cost_basis(history, deposit, "TRY", no_price, method="fifo").assets["ETH"]
    assert fifo.cost_unknown is None and fifo.cost == D(100)  # the unknown lot went first
    assert [u.record_id for u in fifo.unvalued] == ["f3"]


def test_a_deposit_costs_its_value_then_and_a_withdrawal_leaves_at_the_basis() -> None:
    prices = {1: D(1000), 2: D(1200)}

    def price(asset: str, at_ms: int) -> Decimal | None:
        return prices[at_ms] if asset == "ETH" else None

    transfers = [
        transfer(1, "deposit", "ETH", "2"),
        transfer(2, "withdrawal", "ETH", "0.5", fee="0.01"),
    ]
    result = build_cost_basis([], transfers, "TRY", price)
    eth = result.assets["ETH"]
    assert eth.estimated
    assert eth.units == D("1.49")
    assert eth.cost == D("1490")
    assert eth.sales == []  # a withdrawal realizes nothing
    assert result.fees() == D("12")  # 0.01 ETH at 1200
    assert accounts_for(eth, D("1.49000000"), 8)
    assert not accounts_for(eth, D("1.5"), 8)


def test_a_deposit_without_a_price_has_an_unknown_cost_but_known_units() -> None:
    eth = build_cost_basis([], [transfer(1, "deposit", "ETH", "2")], "TRY", no_price).assets["ETH"]
    assert eth.cost_unknown == "past_price"
    assert not eth.broken
    assert accounts_for(eth, D(2), 8)


def test_a_recorded_transfer_price_comes_before_the_days_close() -> None:
    transfers = [
        transfer(1, "deposit", "ETH", "2"),
        transfer(2, "deposit", "ETH", "1"),
        transfer(3, "withdrawal", "ETH", "1", fee="0.01"),
    ]
    recorded = {
        transfer_key(transfers[0]): TransferPrice(D(1000), "seen"),
        transfer_key(transfers[2]): TransferPrice(D(1300), "seen"),
    }
    result = build_cost_basis([], transfers, "TRY", lambda a, t: D(1200), transfer_prices=recorded)
    eth = result.assets["ETH"]
    assert eth.invested == D(2000) + D(1200)  # the first as seen, the second at its close
    assert eth.estimated and eth.from_close
    assert result.fees() == D(13)  # 0.01 ETH at the price seen then
    seen_only = build_cost_basis(
        [], transfers[:1], "TRY", lambda a, t: D(1200), transfer_prices=recorded
    ).assets["ETH"]
    assert seen_only.estimated and not seen_only.from_close


def test_try_transfers_count_only_their_fees() -> None:
    result = build_cost_basis(
        [], [transfer(1, "withdrawal", "TRY", "1000", fee="3.5")], "TRY", no_price
    )
    assert "TRY" not in result.assets
    assert result.fees() == D("3.5")


def test_selling_more_than_the_history_bought_is_incomplete_history() -> None:
    btc = build_cost_basis([fill(1, "sell", "1", "100")], [], "TRY", no_price).assets["BTC"]
    assert btc.broken
    assert not accounts_for(btc, D(0), 8)


def test_units_are_compared_at_display_precision() -> None:
    btc = build_cost_basis([fill(1, "buy", "0.123456789", "100")], [], "TRY", no_price).assets[
        "BTC"
    ]
    assert accounts_for(btc, D("0.12345679"), 8)
    assert not accounts_for(btc, D("0.12345678"), 8)


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        build_cost_basis([], [], "TRY", no_price, method="lifo")  # type: ignore[arg-type]


# Properties

amounts = st.decimals(min_value=D("0.00000001"), max_value=D(1000), places=8)
prices = st.decimals(min_value=D("0.01"), max_value=D(10_000_000), places=2)
fees = st.decimals(min_value=D(0), max_value=D(100), places=8)
steps = st.lists(
    st.tuples(st.sampled_from(["buy", "sell", "deposit", "withdrawal"]), amounts, prices, fees),
    max_size=40,
)


def _history(
    plan: list[tuple[str, Decimal, Decimal, Decimal]], *, withdrawals: bool
) -> tuple[list[Fill], list[Transfer], Decimal, Decimal, Decimal]:
    """Return fills and transfers never selling more than held, and units, proceeds, cost."""
    fills, transfers = [], []
    held = proceeds = cost = D(0)
    for index, (kind, amount, price, fee) in enumerate(plan):
        at = (index + 1) * DAY
        if kind == "buy":
            fills.append(fill(at, "buy", str(amount), str(price), fee=str(fee)))
            held += amount
            cost += amount * price + fee
        elif kind == "deposit":
            transfers.append(transfer(at, "deposit", "BTC", str(amount)))
            held += amount
            cost += amount * price
        elif kind == "sell" and amount <= held:
            fills.append(fill(at, "sell", str(amount), str(price), fee=str(fee)))
            held -= amount
            proceeds += amount * price - fee
        elif kind == "withdrawal" and withdrawals and amount + fee <= held:
            transfers.append(transfer(at, "withdrawal", "BTC", str(amount), fee=str(fee)))
            held -= amount + fee
    return fills, transfers, held, proceeds, cost


def _price_of(plan: list[tuple[str, Decimal, Decimal, Decimal]]) -> dict[int, Decimal]:
    return {(index + 1) * DAY: price for index, (_, _, price, _) in enumerate(plan)}


@settings(max_examples=150, deadline=None)
@given(steps, st.sampled_from(["average", "fifo"]))
def test_units_held_are_buys_minus_sells_plus_deposits_minus_withdrawals(
    plan: list[tuple[str, Decimal, Decimal, Decimal]], method: Method
) -> None:
    fills, transfers, held, _, _ = _history(plan, withdrawals=True)
    table = _price_of(plan)
    result = build_cost_basis(fills, transfers, "TRY", lambda a, at: table[at], method=method)
    btc = result.assets.get("BTC")
    assert (btc.units if btc else D(0)) == held
    if btc is not None:
        assert not btc.broken
        assert btc.cost >= -D("1e-20")
        assert accounts_for(btc, held, 8)


@settings(max_examples=150, deadline=None)
@given(steps, st.sampled_from(["average", "fifo"]), prices)
def test_realized_plus_unrealized_is_proceeds_plus_value_minus_cost(
    plan: list[tuple[str, Decimal, Decimal, Decimal]], method: Method, now: Decimal
) -> None:
    fills, transfers, held, proceeds, cost = _history(plan, withdrawals=False)
    table = _price_of(plan)
    result = build_cost_basis(fills, transfers, "TRY", lambda a, at: table[at], method=method)
    btc = result.assets.get("BTC", AssetBasis("BTC", method))
    total = btc.realized() + btc.unrealized(now)
    assert abs(total - (proceeds + held * now - cost)) < D("1e-12")  # 28 digits out here


@settings(max_examples=50, deadline=None)
@given(steps, st.sampled_from(["average", "fifo"]))
def test_no_float_anywhere(
    plan: list[tuple[str, Decimal, Decimal, Decimal]], method: Method
) -> None:
    fills, transfers, _, _, _ = _history(plan, withdrawals=True)
    table = _price_of(plan)
    result = build_cost_basis(fills, transfers, "TRY", lambda a, at: table[at], method=method)
    for position in result.assets.values():
        for name in ("units", "cost", "bought", "sold", "invested"):
            assert isinstance(getattr(position, name), Decimal)
        for sale in position.sales:
            assert all(not isinstance(getattr(sale, f.name), float) for f in fields(sale))
        assert all(isinstance(lot.units, Decimal) for lot in position.lots)
        assert all(isinstance(lot.cost, Decimal) for lot in position.lots)
    assert all(isinstance(c.fee, Decimal) and isinstance(c.tax, Decimal) for c in result.charges)
