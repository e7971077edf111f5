"""The order book: what the feed's order events mean once settled, what an alert tells of an
order's fills, and the reconciliation with the balances' orderFund."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from balance_bot.btcturk.models import Fill, Side
from balance_bot.btcturk.orders import OrderFrame, OrderMatch, OrderMethod
from balance_bot.core.explain import Trade
from balance_bot.core.order_book import OrderBook
from balance_bot.core.order_locks import order_funds
from balance_bot.core.orders import GRACE, Cancelled, Edited, Gone, Placed
from balance_bot.store.database import Database
from balance_bot.store.orders import OrderStore

D = Decimal
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
LATER = NOW + GRACE
PAIR = ("BTC", "TRY")
PRECISIONS = {"BTC": 8, "TRY": 2}


def frame(
    order_id: str,
    *,
    opened: bool = True,
    side: Side = "sell",
    amount: str = "0.1",
    price: str = "3900000",
    left: str | None = None,
    method: OrderMethod = "limit",
) -> OrderFrame:
    left_ = D(amount if left is None else left)
    return OrderFrame(
        opened, order_id, "BTCTRY", side, method, D(price), D(amount), left_, left_ * D(price)
    )


def match(order_id: str, amount: str, *, side: Side = "sell", price: str = "3900000") -> OrderMatch:
    return OrderMatch(order_id, "BTCTRY", side, "limit", D(amount), D(price), None)


def fill(fill_id: str, order_id: str, amount: str, *, side: Side = "sell") -> Fill:
    return Fill(fill_id, order_id, 0, "BTC", "TRY", side, D(3900000), D(amount), D(0), D(0), "TRY")


def trade(order_id: str, amount: str, fills: int = 1) -> Trade:
    cost = D(amount) * D(3900000)
    return Trade(order_id, "sell", "BTC", "TRY", D(amount), cost, D(0), D(0), "TRY", fills, 0)


def test_a_placed_order_is_told_once_settled_and_once_only() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)

    [news] = book.settle(book.seq, NOW)

    assert news == Placed(book.orders["1"].terms)
    assert book.settle(book.seq, NOW) == []


def test_a_cancel_with_a_stale_num_left_counts_the_fills_not_the_frame() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.settle(book.seq, NOW)
    book.match(match("1", "0.06"), PAIR, NOW)
    book.close(frame("1", opened=False, left="0.1"), PAIR, NOW)  # numLeft from before the fill

    [news] = book.settle(book.seq, NOW)

    assert isinstance(news, Cancelled)
    assert (news.filled, news.left) == (D("0.06"), D("0.04"))


def test_a_fill_that_arrives_just_after_the_cancel_is_counted_when_it_settles() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.settle(book.seq, NOW)
    book.close(frame("1", opened=False, left="0.1"), PAIR, NOW)
    book.trade(fill("f1", "1", "0.1"), NOW)  # it matched just before it was removed

    assert book.settle(book.seq, NOW) == []  # filled: its fill alert tells it, no cancel
    assert book.orders.get("1") is None or book.orders["1"].closed == "filled"


def test_a_delete_then_an_insert_on_the_same_pair_side_and_amount_is_an_edit() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.settle(book.seq, NOW)
    book.close(frame("1", opened=False), PAIR, NOW)
    book.open(frame("2", price="3950000"), PAIR, NOW + timedelta(minutes=1))

    [news] = book.settle(book.seq, NOW)

    assert isinstance(news, Edited)
    assert (news.before.price, news.after.price) == (D(3900000), D(3950000))
    assert [o.terms.order_id for o in book.open_orders] == ["2"]
    assert book.open_orders[0].placed_at == NOW  # since the owner placed it first


def test_an_edit_that_keeps_its_id_is_an_edit() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.settle(book.seq, NOW)
    book.close(frame("1", opened=False), PAIR, NOW)
    book.open(frame("1", price="3950000"), PAIR, NOW)

    [news] = book.settle(book.seq, NOW)

    assert isinstance(news, Edited)
    assert [o.terms.price for o in book.open_orders] == [D(3950000)]


def test_an_edit_after_a_partial_fill_re_inserts_what_was_left() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.match(match("1", "0.06"), PAIR, NOW)
    book.settle(book.seq, NOW)
    book.close(frame("1", opened=False, left="0.04"), PAIR, NOW)
    book.open(frame("2", amount="0.04", price="3950000"), PAIR, NOW)

    [news] = book.settle(book.seq, NOW)

    assert isinstance(news, Edited)


def test_an_order_edited_after_a_partial_fill_stays_the_owners_order_to_its_end() -> None:
    """Sell 0.1, 0.06 filled, edited (BTCTurk re-inserts the 0.04 left), then cancelled:
    the cancel said "Limit sell 0.04 BTC cancelled" with nothing left unfilled, and /orders
    showed the re-inserted 0.04 as never filled."""
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.match(match("1", "0.06"), PAIR, NOW)
    book.settle(book.seq, NOW)
    book.fill_stories([trade("1", "0.06")], {"BTC"}, NOW)  # its fill's alert
    book.close(frame("1", opened=False, left="0.04"), PAIR, NOW)
    book.open(frame("2", amount="0.04", price="3950000"), PAIR, NOW)
    [edited] = book.settle(book.seq, NOW)
    [open_order] = book.open_orders

    assert isinstance(edited, Edited)
    assert (edited.before.amount, edited.after.amount) == (D("0.1"), D("0.1"))
    assert open_order.whole_terms.amount == D("0.1") and open_order.whole_filled == D("0.06")
    assert open_order.left == D("0.04")

    book.match(match("2", "0.01", price="3950000"), PAIR, NOW)
    stories = book.fill_stories([], {"BTC"}, NOW)
    assert [(s.terms.amount, s.filled) for s in stories.values()] == [(D("0.1"), D("0.07"))]

    book.close(frame("2", opened=False, amount="0.04", price="3950000", left="0.03"), PAIR, NOW)
    [cancelled] = book.settle(book.seq, NOW)
    assert isinstance(cancelled, Cancelled)
    assert (cancelled.terms.amount, cancelled.filled, cancelled.left) == (
        D("0.1"),
        D("0.07"),
        D("0.03"),
    )


def test_a_delete_and_an_insert_in_separate_moments_are_a_cancel_and_a_new_order() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.settle(book.seq, NOW)
    book.close(frame("1", opened=False), PAIR, NOW)
    [cancelled] = book.settle(book.seq, NOW)
    book.open(frame("2", price="3950000"), PAIR, NOW)
    [placed] = book.settle(book.seq, NOW)

    assert isinstance(cancelled, Cancelled) and isinstance(placed, Placed)


def test_a_market_order_of_ten_fills_is_no_news_and_its_fills_count_once() -> None:
    book = OrderBook()
    book.open(frame("1", side="buy", amount="0.5", method="market"), PAIR, NOW)
    for index in range(10):
        book.match(match("1", "0.05", side="buy"), PAIR, NOW)  # 441 and 423: the same fills
        book.trade(fill(f"f{index}", "1", "0.05", side="buy"), NOW)
    book.close(frame("1", opened=False, side="buy", amount="0.5", left="0"), PAIR, NOW)

    assert book.settle(book.seq, NOW) == []  # never "placed", never "cancelled"
    order = next(iter(book.orders.values()), None)
    assert order is None or order.filled == D("0.5")


def test_a_limit_order_filled_within_its_moment_is_told_by_its_fills_alone() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.match(match("1", "0.1"), PAIR, NOW)

    assert book.settle(book.seq, NOW) == []


def test_a_fill_reported_beyond_the_order_is_not_believed_over_its_trade_rows() -> None:
    book = OrderBook()
    book.open(frame("1", amount="4800"), PAIR, NOW)
    book.match(match("1", "5700"), PAIR, NOW)  # as a 441 once said (broker-api-docs #341)
    book.trade(fill("f1", "1", "4000"), NOW)

    order = book.orders["1"]
    assert order.filled == D(4000)
    assert order.is_open


def test_an_alert_tells_how_far_its_fills_took_the_order() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.settle(book.seq, NOW)

    [first] = book.fill_stories([trade("1", "0.06")], {"BTC", "TRY"}, NOW).values()
    [second] = book.fill_stories([trade("1", "0.04")], {"BTC", "TRY"}, NOW).values()

    assert (first.filled, first.complete) == (D("0.06"), False)
    assert second.complete
    assert not book.open_orders


def test_an_alert_without_the_history_tells_the_fills_the_feed_told() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.match(match("1", "0.06"), PAIR, NOW)

    assert book.fill_stories([], {"ETH"}, NOW) == {}  # not this alert's assets
    [story] = book.fill_stories([], {"BTC"}, NOW).values()
    assert story.filled == D("0.06")
    assert book.fill_stories([], {"BTC"}, NOW) == {}  # told once


def test_nothing_in_an_assets_orders_closes_its_orders_and_names_them() -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.settle(book.seq, NOW)
    book.open(frame("2", price="4000000"), PAIR, LATER)  # placed a moment ago
    book.settle(book.seq, NOW)

    book.reconcile({"BTC": D(0)}, PRECISIONS, LATER)
    [news] = book.settle(book.seq, LATER)

    assert isinstance(news, Gone)
    assert (news.terms.order_id, news.asset) == ("1", "BTC")
    assert [o.terms.order_id for o in book.open_orders] == ["2"]  # too young to judge


def test_what_no_order_explains_is_shown_as_older_orders_never_guessed() -> None:
    book = OrderBook()
    book.logged_in()
    book.open(frame("1"), PAIR, NOW)
    buy = frame("2", side="buy", amount="0.1", price="3000000")
    book.open(buy, PAIR, NOW)

    found = book.reconcile({"BTC": D("0.22"), "TRY": D("300000")}, PRECISIONS, LATER)

    assert found.before == {"BTC": D("0.12")}
    assert found.unseen == {} and found.short == {}
    assert book.missing_since is None


def test_a_lock_that_grows_without_a_451_is_events_missing_after_a_grace() -> None:
    book = OrderBook()
    book.logged_in()
    book.reconcile({"BTC": D("0.12")}, PRECISIONS, NOW)  # orders from before the login
    book.reconcile({"BTC": D("0.22")}, PRECISIONS, NOW + timedelta(seconds=1))
    assert book.missing_since is None  # a 451 may still come

    found = book.reconcile({"BTC": D("0.22")}, PRECISIONS, NOW + GRACE * 2)

    assert found.before == {"BTC": D("0.12")} and found.unseen == {"BTC": D("0.1")}
    assert book.missing_since == NOW + timedelta(seconds=1)
    assert book.asked_relogin(LATER)
    assert not book.asked_relogin(LATER)  # once
    book.logged_in()
    book.open(frame("3"), PAIR, LATER)  # events flow again
    assert book.missing_since is None


def test_a_lock_the_451_explains_a_moment_later_is_no_events_missing() -> None:
    book = OrderBook()
    book.logged_in()
    book.reconcile({"BTC": D(0)}, PRECISIONS, NOW)
    book.reconcile({"BTC": D("0.1")}, PRECISIONS, NOW + timedelta(seconds=1))
    book.open(frame("1"), PAIR, NOW + timedelta(seconds=1))

    book.reconcile({"BTC": D("0.1")}, PRECISIONS, NOW + GRACE * 2)

    assert book.missing_since is None


def test_a_lock_that_grew_while_the_feed_was_down_is_no_events_missing() -> None:
    book = OrderBook()
    book.logged_in()
    book.reconcile({"BTC": D(0)}, PRECISIONS, NOW)
    book.reconcile({"BTC": D("0.1")}, PRECISIONS, NOW + GRACE, watching=False)
    book.reconcile({"BTC": D("0.1")}, PRECISIONS, NOW + GRACE * 3)

    assert book.missing_since is None
    assert book.attribution.before == {"BTC": D("0.1")}


def test_a_fill_of_an_order_never_told_is_events_missing_unless_an_older_order_can_be_it() -> None:
    older = OrderBook()
    older.logged_in()
    older.reconcile({"BTC": D("0.5")}, PRECISIONS, NOW)
    older.match(match("9", "0.1"), PAIR, NOW)
    assert older.missing_since is None

    book = OrderBook()
    book.logged_in()
    book.reconcile({"BTC": D(0)}, PRECISIONS, NOW)
    book.match(match("9", "0.1"), PAIR, NOW)
    assert book.missing_since == NOW


def test_what_is_in_orders_comes_from_order_fund_else_from_locked_less_withdrawals() -> None:
    funds = order_funds(
        [("BTC", D("1"), None, D("2")), ("TRY", None, D("5"), D("15")), ("ETH", None, None, D(1))],
        ["BTC", "TRY", "ETH", "USDT"],
    )

    assert funds == {"BTC": D(1), "TRY": D(10), "USDT": D(0)}  # ETH's rows say neither


async def test_orders_survive_a_restart_and_are_pruned_once_closed_and_told(
    tmp_path: Path,
) -> None:
    book = OrderBook()
    book.open(frame("1"), PAIR, NOW)
    book.match(match("1", "0.06"), PAIR, NOW)
    book.open(frame("2", price="4000000"), PAIR, NOW)
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        store = OrderStore(db)
        await store.save([book.orders[k] for k in sorted(book.changed)], set(), now=NOW)
        again = OrderBook(await store.load())

        assert again.unsettled
        assert {type(n) for n in again.settle(again.seq, NOW)} == {Placed}
        assert again.orders["1"].filled == D("0.06")
        again.fill_stories([trade("1", "0.06")], {"BTC"}, NOW)  # its fill's alert
        again.close(frame("1", opened=False), PAIR, NOW)
        [cancelled] = again.settle(again.seq, NOW)
        assert isinstance(cancelled, Cancelled) and cancelled.left == D("0.04")
        await store.save([], again.removed, now=NOW)
        edited = again.orders["2"]
        edited.earlier_filled = D("0.0600")  # re-inserted by an edit after a fill
        await store.save([edited], set(), now=NOW)
        [kept] = await store.load()
        assert kept.earlier_filled == D("0.06")
        assert [o.terms.order_id for o in await store.load()] == ["2"]
