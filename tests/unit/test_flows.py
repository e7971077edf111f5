"""Tests for core/flows.py: the summary's change split into money moved and market, by hand.

previous total                                34,215,249.43 TRY
current total                                 35,627,579.53 TRY   change +1,412,330.10
TRY deposit 1,000,000 (its own value)       +1,000,000.00
BTC deposit 0.1 at 3,400,000 then             +340,000.00
USDT withdrawal 100 + fee 1, at 41 then         -4,141.00
net flows                                   +1,335,859.00
market = 1,412,330.10 - 1,335,859.00           +76,471.10
fees: fill 1,404.80 + 252.86 TRY, USDT 1 x 41    1,698.66
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from balance_bot.btcturk.models import History
from balance_bot.core.explain import EXACT
from balance_bot.core.flows import FlowSplit, SplitUnavailable, split_flows
from tests.unit.test_explain import T0, fill, transfer

D = Decimal
PREVIOUS, CURRENT = D("34215249.43"), D("35627579.53")
THEN = {("BTC", T0 + 2): D(3400000), ("USDT", T0 + 3): D(41)}
NOW = {"BTC": D(3500000), "USDT": D("41.5")}
HISTORY = History(
    fills=(fill("f1", "0.5", "3512000", fee="1404.80", tax="252.86", at=1),),
    transfers=(
        transfer("t1", "TRY", "1000000", at=1),
        transfer("c1", "BTC", "0.1", at=2),
        transfer("c2", "USDT", "100", kind="withdrawal", fee="1", at=3),
    ),
)


def price_then(asset: str, at_ms: int) -> Decimal | None:
    return THEN.get((asset, at_ms))


def test_the_hand_worked_split() -> None:
    split = split_flows(PREVIOUS, CURRENT, HISTORY, "TRY", NOW, price_then)

    assert isinstance(split, FlowSplit)
    assert split.change == D("1412330.10")
    assert (split.deposits, split.withdrawals) == (D("1340000.0"), D(4141))
    assert split.net_flows == D("1335859.0")
    assert split.market == D("76471.10")
    assert split.fees == D("1698.66")
    assert split.market + split.net_flows == split.change
    assert split.estimated == ()
    percent = split.market_percent
    assert percent is not None
    assert round(percent, 4) == D("0.2235")


def test_without_a_price_at_the_time_the_current_one_is_used_and_said() -> None:
    split = split_flows(PREVIOUS, CURRENT, HISTORY, "TRY", NOW)

    assert isinstance(split, FlowSplit)
    # BTC 0.1 x 3,500,000 = 350,000; USDT 101 x 41.5 = 4,191.50
    assert split.net_flows == D("1000000") + D("350000.0") - D("4191.50")
    assert split.fees == D("1404.80") + D("252.86") + D("41.5")
    assert split.estimated == ("BTC", "USDT")


def test_a_transfer_without_any_price_makes_the_split_unavailable() -> None:
    history = History(transfers=(transfer("c9", "XYZ", "5"),))

    split = split_flows(PREVIOUS, CURRENT, history, "TRY", NOW)

    assert split == SplitUnavailable("unpriced", ("XYZ",))


def test_no_money_moved_means_it_was_all_market() -> None:
    split = split_flows(D(100), D("90.5"), History(), "TRY", NOW)

    assert isinstance(split, FlowSplit)
    assert (split.market, split.net_flows, split.fees) == (D("-9.5"), D(0), D(0))


def test_a_split_from_zero_has_no_percentage() -> None:
    history = History(transfers=(transfer("t1", "TRY", "500"),))

    split = split_flows(D(0), D(500), history, "TRY", NOW)

    assert isinstance(split, FlowSplit)
    assert split.market == D(0)
    assert split.market_percent is None


def test_the_split_is_exact_at_any_number_of_decimals() -> None:
    history = History(transfers=(transfer("c1", "BTC", "0.1234567890123456"),))
    prices = {"BTC": D("3512345.6789012345678901")}

    split = split_flows(
        D("0.0000000000000001"), D("10000000000.0000000000000003"), history, "TRY", prices
    )

    assert isinstance(split, FlowSplit)
    with localcontext(EXACT):
        assert split.market + split.net_flows == split.change
    # 38 significant digits, more than Decimal's default 28
    assert split.deposits == D("433622.91941853348270095733237024401856")
    assert split.market == D("9999566377.08058146651729924266762975598144")
