"""One asset's incomplete history never changes another asset's figures, nor the totals of the
others: each figure still known is the figure of the whole history, and every total adds up
exactly the assets it does not name as left out."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from balance_bot.btcturk.models import Balance, Fill, Side, Ticker, Transfer
from balance_bot.core.cost_basis import Method, build_cost_basis
from balance_bot.core.pnl import PnlReport, pnl_report
from balance_bot.core.valuation import Portfolio, value_portfolio

D = Decimal
DAY = 86_400_000
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
YEAR = (0, 10**14)
ASSETS = ("BTC", "ETH", "GLMR")  # GLMR trades against USDT, which is bought with TRY
FIGURES = ("unrealized", "realized_year", "realized_all", "fees_year")

amounts = st.decimals(min_value=D("0.001"), max_value=D(100), places=3)
prices = st.decimals(min_value=D("0.5"), max_value=D(5000), places=2)
fees = st.decimals(min_value=D(0), max_value=D(2), places=2)
steps = st.lists(
    st.tuples(
        st.sampled_from(ASSETS),
        st.sampled_from(["buy", "sell", "deposit"]),
        amounts,
        prices,
        fees,
    ),
    min_size=1,
    max_size=25,
)
ways = st.sampled_from(["extra units", "no past price", "no price now", "a record missing"])


def _fill(
    at: int, asset: str, quote: str, side: Side, amount: Decimal, price: Decimal, fee: Decimal
) -> Fill:
    return Fill(f"f{at}", f"o{at}", at, asset, quote, side, price, amount, fee, D(0), quote)


def history(
    plan: list[tuple[str, str, Decimal, Decimal, Decimal]],
) -> tuple[list[Fill | Transfer], dict[tuple[str, int], Decimal]]:
    """Return records that never sell more than held, and each asset's price on each day."""
    records: list[Fill | Transfer] = []
    table: dict[tuple[str, int], Decimal] = {}
    held = dict.fromkeys(ASSETS, D(0))
    for index, (asset, kind, amount, price, fee) in enumerate(plan):
        at = (index + 1) * DAY
        fee = min(fee, amount * price / 10)  # a fee smaller than what it is paid on
        table[(asset, at)] = price
        table[("USDT", at)] = D(40)
        quote = "USDT" if asset == "GLMR" else "TRY"
        if kind == "buy":
            if quote == "USDT":  # the USDT it spends, bought a moment before
                records.append(
                    _fill(at - 1, "USDT", "TRY", "buy", amount * price + fee, D(40), fee)
                )
            records.append(_fill(at, asset, quote, "buy", amount, price, fee))
            held[asset] += amount
        elif kind == "deposit":
            records.append(Transfer(f"t{at}", "deposit", asset, at, amount, D(0), D(0), False))
            held[asset] += amount
        elif amount <= held[asset]:
            records.append(_fill(at, asset, quote, "sell", amount, price, fee))
            held[asset] -= amount
    return records, table


def report(
    records: list[Fill | Transfer],
    price_at: dict[tuple[str, int], Decimal],
    held: dict[str, Decimal],
    now: dict[str, Decimal],
    method: Method,
) -> PnlReport:
    fills = [r for r in records if isinstance(r, Fill)]
    transfers = [r for r in records if isinstance(r, Transfer)]
    basis = build_cost_basis(
        fills, transfers, "TRY", lambda asset, at: price_at.get((asset, at)), method=method
    )
    return pnl_report(basis, holding(held, now), 2026, *YEAR)


def holding(held: dict[str, Decimal], now: dict[str, Decimal]) -> Portfolio:
    balances = [Balance(a, a, v, D(0), v, None, 8) for a, v in held.items() if v]
    tickers = [Ticker(a + "TRY", a, "TRY", p) for a, p in now.items()]
    return value_portfolio(balances, tickers, "TRY", NOW)


@settings(max_examples=200, deadline=None)
@given(steps, st.sampled_from((*ASSETS, "USDT")), ways, st.sampled_from(["average", "fifo"]))
def test_complete_assets_keep_their_figures_when_another_becomes_incomplete(
    plan: list[tuple[str, str, Decimal, Decimal, Decimal]], broken: str, way: str, method: Method
) -> None:
    records, table = history(plan)
    now = {asset: D(100) for asset in (*ASSETS, "USDT")}
    whole_basis = build_cost_basis(
        [r for r in records if isinstance(r, Fill)],
        [r for r in records if isinstance(r, Transfer)],
        "TRY",
        lambda asset, at: table.get((asset, at)),
        method=method,
    )
    held = {a: p.units for a, p in whole_basis.assets.items()}
    whole = report(records, table, held, now, method)
    assert all(r.complete for r in whole.rows)

    if way == "extra units":
        held = held | {broken: held.get(broken, D(0)) + D("0.5")}
    elif way == "no past price":
        table = {key: price for key, price in table.items() if key[0] != broken}
    elif way == "no price now":
        now = {asset: price for asset, price in now.items() if asset != broken}
    else:
        touching = [r for r in records if broken in _assets(r)]
        if touching:
            records = [r for r in records if r is not touching[0]]
    part = report(records, table, held, now, method)

    before = {r.asset: r for r in whole.rows}
    for row in part.rows:
        if row.asset == broken:
            continue
        for name in FIGURES:
            figure = getattr(row, name)
            if figure is not None:  # a figure still told is the whole history's figure
                assert figure == getattr(before[row.asset], name), (row.asset, name)
    # Each total adds up exactly the assets it does not leave out.
    unrealized = [r.unrealized for r in part.rows if r.unrealized is not None]
    assert part.unrealized == sum(unrealized, D(0))
    realized = [r.realized_year for r in part.rows if r.realized_year is not None]
    assert part.realized_year == sum(realized, D(0))
    fees = [r.fees_year for r in part.rows if r.fees_year is not None]
    assert part.fees_year == part.own_fees + sum(fees, D(0))
    assert {a for a, _ in part.realized_without} == {
        r.asset for r in part.rows if r.realized_year is None
    }
    assert {a for a, _ in part.fees_without} == {r.asset for r in part.rows if r.fees_year is None}
    # The figures of the assets complete in both add up to the same realized + unrealized + fees.
    complete = [r for r in part.rows if all(getattr(r, n) is not None for n in FIGURES)]
    assert sum(_sum(r) for r in complete) == sum(_sum(before[r.asset]) for r in complete)


def _assets(record: Fill | Transfer) -> tuple[str, ...]:
    return (record.numerator, record.denominator) if isinstance(record, Fill) else (record.asset,)


def _sum(row: object) -> Decimal:
    return sum(
        (getattr(row, n) or D(0) for n in ("unrealized", "realized_year", "fees_year")), D(0)
    )
