"""Tests for core/explain.py and core/texts/explain.py: balance changes reconciled with history.

The hand-worked buy of the message sketches: 0.5 BTC in three fills,
    0.2 x 3,510,000 + 0.2 x 3,513,000 + 0.1 x 3,514,000 = 1,756,000.00 TRY  (avg 3,512,000)
    fee 561.92 + 562.08 + 280.80 = 1,404.80, tax 101.14 + 101.15 + 50.57 = 252.86
    spent 1,756,000.00 + 1,404.80 + 252.86 = 1,757,657.66 TRY
"""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from balance_bot.btcturk.models import Fill, History, Transfer
from balance_bot.core.changes import BalanceChange
from balance_bot.core.explain import (
    Remainder,
    Trade,
    explain,
    explain_remainders,
    group_fills,
    transfer_effect,
)
from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.explain import explained_change_alert, follow_up_message
from balance_bot.core.valuation import Portfolio, value_portfolio
from tests.kit.account import AS_OF, balance, ticker

ISTANBUL = ZoneInfo("Europe/Istanbul")
EN = View(Lang("en"), ISTANBUL, AS_OF)
TR = View(Lang("tr"), ISTANBUL, AS_OF)
T0 = 1_795_000_000_000  # ms, some time before AS_OF
D = Decimal


def fill(
    fill_id: str,
    amount: str,
    price: str,
    *,
    order: str = "o1",
    side: str = "buy",
    fee: str = "0",
    tax: str = "0",
    at: int = 0,
    pair: tuple[str, str] = ("BTC", "TRY"),
    fee_currency: str | None = None,
) -> Fill:
    return Fill(
        id=fill_id,
        order_id=order,
        at_ms=T0 + at,
        numerator=pair[0],
        denominator=pair[1],
        side="buy" if side == "buy" else "sell",
        price=D(price),
        amount=D(amount),
        fee=D(fee),
        tax=D(tax),
        fee_currency=fee_currency or pair[1],
    )


def transfer(
    transfer_id: str,
    asset: str,
    amount: str,
    *,
    kind: str = "deposit",
    fee: str = "0",
    tax: str = "0",
    at: int = 0,
) -> Transfer:
    return Transfer(
        id=transfer_id,
        kind="deposit" if kind == "deposit" else "withdrawal",
        asset=asset,
        at_ms=T0 + at,
        amount=D(amount),
        fee=D(fee),
        tax=D(tax),
        fiat=asset == "TRY",
    )


def change(
    asset: str, old: str, new: str, precision: int = 8, old_locked: str = "0", new_locked: str = "0"
) -> BalanceChange:
    return BalanceChange(asset, precision, D(old), D(new), D(old_locked), D(new_locked))


BUY_FILLS = (
    fill("f1", "0.2", "3510000", fee="561.92", tax="101.14", at=1),
    fill("f2", "0.2", "3513000", fee="562.08", tax="101.15", at=2),
    fill("f3", "0.1", "3514000", fee="280.80", tax="50.57", at=3),
)
BUY_CHANGES = [
    change("BTC", "9.7502186644553258", "10.2502186644553258"),
    change("TRY", "2000000", "242342.34", precision=2),
]


def portfolio(*rows: tuple[str, str, int]) -> Portfolio:
    balances = [balance(asset, total, precision=p) for asset, total, p in rows]
    tickers = [ticker("BTC", "TRY", "3500000"), ticker("USDT", "TRY", "41.5")]
    return value_portfolio(balances, tickers, "TRY", AS_OF)


def test_fills_of_one_order_are_one_trade_that_explains_both_sides() -> None:
    result = explain(BUY_CHANGES, History(fills=BUY_FILLS))

    (trade,) = result.items
    assert isinstance(trade, Trade)
    assert (trade.amount, trade.cost, trade.fills) == (D("0.5"), D("1756000.0"), 3)
    assert trade.average == D(3512000)
    assert (trade.fee, trade.tax, trade.net) == (D("1404.80"), D("252.86"), D("1757657.66"))
    btc, try_ = result.account("BTC"), result.account("TRY")
    assert btc is not None
    assert try_ is not None
    assert (btc.explained, btc.unexplained) == (D("0.5"), D(0))
    assert (try_.explained, try_.unexplained) == (D("-1757657.66"), D(0))
    assert result.complete
    assert result.open == ()
    assert result.consumed == {("fill", "f1"), ("fill", "f2"), ("fill", "f3"), ("order", "o1")}


def test_a_sell_explains_base_out_and_proceeds_less_fee_and_tax_in() -> None:
    fills = (fill("s1", "0.25", "3600000", side="sell", order="o9", fee="900", tax="162"),)
    changes = [change("BTC", "1", "0.75"), change("TRY", "100", "899038", precision=2)]

    result = explain(changes, History(fills=fills))

    (trade,) = result.items
    assert isinstance(trade, Trade)
    assert trade.net == D("898938")  # 900,000 - 900 - 162
    assert trade.effects() == {"BTC": D("-0.25"), "TRY": D("898938")}
    assert result.complete


def test_fee_in_the_quote_currency_is_taken_from_the_quote_not_the_base() -> None:
    fills = (fill("f1", "1", "100", pair=("ETH", "USDT"), fee="0.2", tax="0.05"),)
    changes = [
        change("ETH", "0", "1"),
        change("USDT", "500", "399.75", precision=2),
    ]

    result = explain(changes, History(fills=fills))

    eth, usdt = result.account("ETH"), result.account("USDT")
    assert eth is not None
    assert usdt is not None
    assert eth.explained == D(1)  # the whole amount bought arrives
    assert usdt.explained == D("-100.25")
    assert result.complete


def test_a_fee_in_another_currency_is_taken_from_that_currency() -> None:
    fills = (fill("f1", "1", "100", pair=("ETH", "USDT"), fee="0.001", fee_currency="ETH"),)
    changes = [change("ETH", "0", "0.999"), change("USDT", "500", "400", precision=2)]

    result = explain(changes, History(fills=fills))

    (trade,) = result.items
    assert isinstance(trade, Trade)
    assert trade.effects() == {"ETH": D("0.999"), "USDT": D(-100)}
    assert trade.net == D(100)  # the quote spent; the fee is in ETH
    assert result.complete


def test_partial_fills_of_one_order_within_a_poll_are_summed() -> None:
    fills = (fill("f1", "0.1", "3500000", at=1), fill("f2", "0.05", "3520000", at=5))
    changes = [change("BTC", "0", "0.15"), change("TRY", "600000", "74000", precision=2)]

    result = explain(changes, History(fills=fills))

    (trade,) = result.items
    assert isinstance(trade, Trade)
    assert (trade.amount, trade.cost, trade.fills, trade.at_ms) == (
        D("0.15"),
        D("526000"),
        2,
        T0 + 5,
    )
    assert result.complete


def test_a_fill_split_across_two_polls_is_explained_once_each() -> None:
    first_fills = (fill("f1", "0.1", "3500000"),)
    first = explain(
        [change("BTC", "0", "0.1"), change("TRY", "1000000", "650000", precision=2)],
        History(fills=first_fills),
    )
    later_history = History(fills=(*first_fills, fill("f2", "0.2", "3500000", at=60_000)))

    second = explain(
        [change("BTC", "0.1", "0.3"), change("TRY", "650000", "-50000", precision=2)],
        later_history,
        first.consumed,
    )

    (trade,) = second.items
    assert isinstance(trade, Trade)
    assert (trade.amount, trade.fills, trade.continued) == (D("0.2"), 1, True)
    assert second.consumed == {("fill", "f2"), ("order", "o1")}
    assert second.complete
    lines = explained_change_alert([], second, portfolio(("BTC", "0.3", 8)), EN).splitlines()
    assert lines[1] == "🟢 Bought 0.20000000 BTC at avg 3,500,000.00 TRY (1 more fill)"


def test_every_kind_of_transfer_explains_its_asset() -> None:
    history = History(
        transfers=(
            transfer("c1", "BTC", "0.01", at=1),
            transfer("c2", "USDT", "100", kind="withdrawal", fee="1", at=2),
            transfer("t1", "TRY", "5000", at=3),
            transfer("t2", "TRY", "1000", kind="withdrawal", fee="5", tax="0.9", at=4),
        )
    )
    changes = [
        change("BTC", "1", "1.01"),
        change("TRY", "100", "4094.10", precision=2),  # +5,000 - 1,005.90
        change("USDT", "200", "99", precision=2),  # -(100 + 1)
    ]

    result = explain(changes, history)

    assert [transfer_effect(t) for t in history.transfers] == [
        D("0.01"),
        D(-101),
        D(5000),
        D("-1005.9"),
    ]
    assert result.complete
    assert result.consumed == {("crypto", "c1"), ("crypto", "c2"), ("fiat", "t1"), ("fiat", "t2")}


def test_lagging_history_leaves_a_remainder_that_a_later_read_explains() -> None:
    changes = [change("BTC", "1", "1.01")]
    first = explain(changes, History())

    assert not first.complete
    (remainder,) = first.remainders()
    assert remainder == Remainder("BTC", 8, D("0.01"), D("0.01"))

    late = History(transfers=(transfer("c7", "BTC", "0.01", at=90_000),))
    second = explain_remainders(first.remainders(), late, first.consumed)

    assert second.complete
    assert second.explains_anything
    assert second.consumed == {("crypto", "c7")}
    text = follow_up_message(second, AS_OF, EN)
    assert text.splitlines() == [
        "🔎 <b>Now explained</b> (the change of 14:32 (Istanbul))",
        "📥 Deposit 0.01000000 BTC",
    ]


def test_a_change_with_no_history_is_all_unexplained_and_said_plainly() -> None:
    changes = [change("BTC", "9.75021866", "9.76021866"), change("TRY", "10", "5", precision=2)]

    result = explain(changes, History())

    assert result.items == ()
    assert [(a.asset, a.explained, a.unexplained) for a in result.open] == [
        ("BTC", D(0), D("0.01")),
        ("TRY", D(0), D(-5)),
    ]
    lines = explained_change_alert(
        changes, result, portfolio(("BTC", "9.76021866", 8), ("TRY", "5", 2)), EN
    ).splitlines()
    assert lines[:4] == [
        "🔔 <b>Balance changed</b>",
        "❔ +0.01000000 BTC (≈ +35,000.00 TRY) not in the history yet",
        "❔ -5.00 TRY not in the history yet",
        "Now: 9.76021866 BTC, 5.00 TRY",
    ]


def test_history_that_explains_part_of_a_change_leaves_the_rest() -> None:
    changes = [change("BTC", "1", "1.03")]
    result = explain(changes, History(transfers=(transfer("c1", "BTC", "0.01"),)))

    btc = result.account("BTC")
    assert btc is not None
    assert (btc.change, btc.explained, btc.unexplained) == (D("0.03"), D("0.01"), D("0.02"))
    assert not result.complete


def test_ids_explained_before_are_not_used_again() -> None:
    history = History(fills=BUY_FILLS)
    first = explain(BUY_CHANGES, history)

    again = explain(BUY_CHANGES, history, first.consumed)

    assert again.items == ()
    assert again.consumed == frozenset()
    assert not again.complete


def test_history_of_assets_that_did_not_change_is_left_for_later() -> None:
    history = History(
        transfers=(transfer("c1", "BTC", "0.01"), transfer("c2", "ETH", "2")),
    )

    result = explain([change("BTC", "1", "1.01")], history)

    assert result.consumed == {("crypto", "c1")}
    assert [a.asset for a in result.assets] == ["BTC"]


def test_display_rounding_alone_is_not_a_mystery() -> None:
    # 0.000000005 shows as 0.00000000 and 0.000000015 as 0.00000002 (half even): the shown
    # difference is 0.00000002 while the deposit was 0.00000001.
    changes = [change("BTC", "0.000000005", "0.000000015")]
    result = explain(changes, History(transfers=(transfer("c1", "BTC", "0.00000001"),)))

    btc = result.account("BTC")
    assert btc is not None
    assert btc.change == btc.explained + btc.unexplained
    assert btc.unexplained == D("0.00000001")
    assert btc.settled
    assert result.complete


def test_order_placed_and_cancelled_are_told_apart() -> None:
    changes = [
        change("BTC", "2", "2", old_locked="0", new_locked="0.5"),
        change("TRY", "1000", "1000", precision=2, old_locked="300", new_locked="0"),
    ]

    result = explain(changes, History())

    assert [(m.asset, m.placed) for m in result.order_moves] == [("BTC", True), ("TRY", False)]
    assert result.complete
    lines = explained_change_alert(
        changes, result, portfolio(("BTC", "2", 8), ("TRY", "1000", 2)), EN
    ).splitlines()
    assert lines[:3] == [
        "🔔 <b>Orders changed</b>",
        "🔒 Order placed: 0.50000000 BTC more in orders",
        "🔓 Order cancelled: 300.00 TRY free again",
    ]
    assert lines[3] == "Portfolio: 7,001,000.00 TRY"


def test_a_pending_withdrawal_shows_through_request_fund_not_as_an_order() -> None:
    changes = [change("USDT", "1500", "1500", precision=2, old_locked="0", new_locked="100")]

    result = explain(changes, History(), requested={"USDT": D(100)})

    assert [(p.asset, p.amount) for p in result.pending] == [("USDT", D(100))]
    assert result.order_moves == ()
    text = explained_change_alert(changes, result, portfolio(("USDT", "1500", 2)), EN)
    assert text.splitlines()[0] == (
        "⏳ <b>Withdrawal requested</b>: 100.00 USDT set aside, fee included"
    )


def test_a_request_told_before_is_not_told_again() -> None:
    changes = [change("USDT", "1500", "1400", precision=2)]

    result = explain(
        changes, History(), requested={"USDT": D(100)}, requested_before={"USDT": D(100)}
    )

    assert result.pending == ()


def test_a_history_row_seen_twice_counts_once() -> None:
    history = History(
        fills=(BUY_FILLS[0], BUY_FILLS[0]),
        transfers=(transfer("c1", "BTC", "1"), transfer("c1", "BTC", "1")),
    )

    (trade,) = group_fills(history.fills)
    result = explain([change("BTC", "0", "1.2")], history)

    assert trade.fills == 1
    btc = result.account("BTC")
    assert btc is not None
    assert btc.explained == D("1.2")


def _sketch() -> tuple[list[BalanceChange], str, str]:
    """Return the sketch's buy, deposit and pending withdrawal, rendered in both languages."""
    changes = [
        *BUY_CHANGES,
        change("USDT", "1500.25", "2500.25", precision=2, old_locked="0", new_locked="100"),
    ]
    history = History(fills=BUY_FILLS, transfers=(transfer("c1", "USDT", "1000", at=10),))
    result = explain(changes, history, requested={"USDT": D(100)})
    now = portfolio(
        ("BTC", "10.2502186644553258", 8), ("TRY", "242342.34", 2), ("USDT", "2500.25", 2)
    )
    return (
        changes,
        explained_change_alert(changes, result, now, EN),
        explained_change_alert(changes, result, now, TR),
    )


def test_the_explained_alert_in_english() -> None:
    _, english, _ = _sketch()

    assert english.splitlines() == [
        "🔔 <b>Balance changed</b>",
        "🟢 Bought 0.50000000 BTC at avg 3,512,000.00 TRY (3 fills)",
        "    fee 1,404.80 + tax 252.86 TRY · 1,757,657.66 TRY spent",
        "📥 Deposit 1,000.00 USDT",
        "⏳ Withdrawal requested: 100.00 USDT set aside, fee included",
        "Now: 10.25021866 BTC, 242,342.34 TRY, 2,500.25 USDT",
        "Portfolio: 36,221,868.04 TRY",
        "14:32 (Istanbul)",
    ]


def test_the_explained_alert_in_turkish() -> None:
    _, _, turkish = _sketch()

    assert turkish.splitlines() == [
        "🔔 <b>Bakiye değişti</b>",
        "🟢 0,50000000 BTC alındı, ort. fiyat 3.512.000,00 TRY (3 eşleşme)",
        "    komisyon 1.404,80 + vergi 252,86 TRY · 1.757.657,66 TRY ödendi",
        "📥 Yatırma: 1.000,00 USDT",
        "⏳ Çekim talebi: 100,00 USDT ayrıldı, komisyon dahil",
        "Şimdi: 10,25021866 BTC, 242.342,34 TRY, 2.500,25 USDT",
        "Portföy: 36.221.868,04 TRY",
        "14:32 (İstanbul)",
    ]


def test_sell_withdrawal_and_remainder_lines_in_both_languages() -> None:
    changes = [
        change("BTC", "1", "0.74"),
        change("TRY", "100", "899038", precision=2),
        change("USDT", "200", "99", precision=2),
    ]
    history = History(
        fills=(fill("s1", "0.25", "3600000", side="sell", order="o9", fee="900", tax="162"),),
        transfers=(transfer("c2", "USDT", "100", kind="withdrawal", fee="1", at=5),),
    )
    result = explain(changes, history)
    now = portfolio(("BTC", "0.74", 8), ("TRY", "899038", 2), ("USDT", "99", 2))

    english = explained_change_alert(changes, result, now, EN).splitlines()
    turkish = explained_change_alert(changes, result, now, TR).splitlines()

    assert english[1:5] == [
        "🔴 Sold 0.25000000 BTC at avg 3,600,000.00 TRY (1 fill)",
        "    fee 900.00 + tax 162.00 TRY · 898,938.00 TRY received",
        "📤 Withdrawal 100.00 USDT · fee 1.00 USDT · 101.00 USDT in all",
        "❔ -0.01000000 BTC (≈ -35,000.00 TRY) not in the history yet",
    ]
    assert turkish[1:5] == [
        "🔴 0,25000000 BTC satıldı, ort. fiyat 3.600.000,00 TRY (1 eşleşme)",
        "    komisyon 900,00 + vergi 162,00 TRY · 898.938,00 TRY hesaba geçti",
        "📤 Çekme: 100,00 USDT · komisyon 1,00 USDT · toplam 101,00 USDT",
        "❔ -0,01000000 BTC (≈ -35.000,00 TRY) henüz işlem geçmişinde yok",
    ]


def test_follow_up_in_turkish_keeps_what_is_still_open() -> None:
    remainders = [Remainder("BTC", 8, D("0.03"), D("0.03"))]
    late = History(transfers=(transfer("c7", "BTC", "0.01"),))

    result = explain_remainders(remainders, late)

    assert follow_up_message(result, AS_OF, TR).splitlines() == [
        "🔎 <b>Artık açıklandı</b> (14:32 (İstanbul) değişimi)",
        "📥 Yatırma: 0,01000000 BTC",
        "❔ +0,02000000 BTC henüz işlem geçmişinde yok",
    ]


def test_names_from_the_exchange_are_escaped() -> None:
    changes = [change("A<B", "0", "1")]
    result = explain(changes, History(transfers=(transfer("c1", "A<B", "1"),)))

    text = explained_change_alert(changes, result, portfolio(("A<B", "1", 8)), EN)

    assert "📥 Deposit 1.00000000 A&lt;B" in text
    assert "A<B" not in text


CROWDED_FILLS = tuple(fill(f"c{i}", "0.001", "3500000", order="o9", at=500) for i in range(200))


def test_what_a_moment_of_two_hundred_fills_leaves_open_is_never_followed_up() -> None:
    changes = [change("BTC", "1", "1.25"), change("TRY", "1000000", "125000", precision=2)]
    result = explain(changes, History(fills=CROWDED_FILLS))  # 200 of the order's 250 fills

    assert [a.asset for a in result.beyond_reach] == ["BTC", "TRY"]
    assert result.remainders() == ()  # no read can return the rest: nothing to wait for
    text = follow_up_message(result, AS_OF, EN)
    assert "not in the history yet" not in text
    assert "BTCTurk returns at most 200 fills of one millisecond" in text


def test_a_moment_explained_before_leaves_a_later_lagging_deposit_to_the_follow_up() -> None:
    first = explain(
        [change("BTC", "1", "1.2"), change("TRY", "1000000", "300000", precision=2)],
        History(fills=CROWDED_FILLS),
    )
    lagging = History(fills=CROWDED_FILLS)  # the next window still holds that moment
    later = explain([change("BTC", "1.25", "1.26")], lagging, first.consumed)

    assert later.crowded == {}
    assert [r.asset for r in later.remainders()] == ["BTC"]  # the deposit is looked for


def test_a_follow_up_that_meets_a_full_moment_says_so_and_ends() -> None:
    open_ = (Remainder("BTC", 8, D("0.25"), D("0.25")),)
    result = explain_remainders(open_, History(fills=CROWDED_FILLS))

    assert result.explains_anything
    assert result.remainders() == ()
    assert [a.asset for a in result.beyond_reach] == ["BTC", "TRY"]
