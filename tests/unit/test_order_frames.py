"""Every captured order frame of BTCTurk's private feed (tests/fixtures/btcturk/feed) reads into
the right figures, and the captured sequences mean what they meant on the exchange."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from balance_bot.btcturk.feed_messages import OrderEvent, UserTrade, event_of, parse_frame
from balance_bot.btcturk.orders import OrderFrame, OrderMatch, order_event
from balance_bot.core.order_book import OrderBook
from balance_bot.core.orders import Cancelled, Placed, split_symbol

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "btcturk" / "feed").glob("*.json"))
KINDS = {"inserted": 451, "deleted": 452, "match": 441}
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
TEXTS = frozenset({"order_id", "symbol", "side", "method", "id", "numerator", "denominator"})


def load(name: str) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads((FIXTURES[0].parent / name).read_text("utf-8"))
    return fixture


def read(text: str) -> OrderFrame | OrderMatch | UserTrade:
    """Read a frame as the bot does: the feed's event, then the order event it carries."""
    frame = parse_frame(text)
    assert frame is not None
    event = event_of(frame)
    if isinstance(event, UserTrade):
        return event
    assert isinstance(event, OrderEvent)
    found = order_event(KINDS[event.kind], event.body)
    assert found is not None
    return found


def expected(field: str, value: Any) -> Any:
    if field in TEXTS or value is None or isinstance(value, bool | int):
        return value
    return Decimal(value)


def test_every_captured_frame_names_its_source() -> None:
    assert len(FIXTURES) >= 7
    for path in FIXTURES:
        assert "broker-api-docs#" in json.loads(path.read_text("utf-8"))["source"], path.name


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_a_captured_frame_reads_into_its_figures(path: Path) -> None:
    fixture = json.loads(path.read_text("utf-8"))
    found = read(fixture["frame"])

    expect = fixture["expect"]
    if "fill" in expect:
        assert isinstance(found, UserTrade)
        for field, value in expect["fill"].items():
            assert getattr(found.fill, field) == expected(field, value), field
        return
    for field, value in expect.items():
        assert getattr(found, field) == expected(field, value), field


def apply(book: OrderBook, name: str) -> None:
    found = read(load(name)["frame"])
    if isinstance(found, UserTrade):
        assert found.fill is not None
        book.trade(found.fill, NOW)
        return
    pair = split_symbol(found.symbol)
    assert pair is not None
    if isinstance(found, OrderMatch):
        book.match(found, pair, NOW)
    elif found.opened:
        book.open(found, pair, NOW)
    else:
        book.close(found, pair, NOW)


def test_the_captured_sell_and_its_two_fills_are_one_filled_order() -> None:
    book = OrderBook()
    apply(book, "451-dotusdt-sell-2022.json")
    apply(book, "441-dotusdt-first-fill-2022.json")
    apply(book, "441-dotusdt-second-fill-2022.json")

    order = book.orders["7968322274"]
    assert order.filled == Decimal(1)
    assert order.closed == "filled"
    assert book.settle(book.seq, NOW) == []  # told by its fills' alert, not as placed


def test_the_captured_insert_and_delete_are_an_order_cancelled_whole() -> None:
    book = OrderBook()
    apply(book, "451-arpausdt-buy-2024.json")
    apply(book, "452-arpausdt-buy-2024.json")

    [news] = book.settle(book.seq, NOW)

    assert isinstance(news, Cancelled)
    assert (news.terms.base, news.terms.quote, news.terms.side) == ("ARPA", "USDT", "buy")
    assert news.filled == 0
    assert news.left == Decimal("37154.7082")


def test_the_same_numbers_in_another_precision_are_the_same_order() -> None:
    opened = read(load("451-arpausdt-buy-2024.json")["frame"])
    closed = read(load("452-arpausdt-buy-2024.json")["frame"])

    assert isinstance(opened, OrderFrame) and isinstance(closed, OrderFrame)
    assert (opened.price, opened.amount) == (closed.price, closed.amount)
    assert str(opened.price) != str(closed.price)  # as the feed wrote them


def test_an_older_insert_without_its_order_type_keeps_its_side_unknown() -> None:
    body = json.loads(load("451-dotusdt-sell-2022.json")["frame"])[1]
    del body["orderType"], body["newOrderClientId"]  # the 2021 shape (#315, #341)

    found = order_event(451, body)

    assert isinstance(found, OrderFrame)
    assert found.side is None
    book = OrderBook()
    book.open(found, ("DOT", "USDT"), NOW)
    [news] = book.settle(book.seq, NOW)
    assert isinstance(news, Placed)
    assert news.terms.locks is None  # nothing is guessed of what it locks


@pytest.mark.parametrize(
    "body",
    [
        {"symbol": "BTCTRY", "amount": "1", "price": "1"},  # no id
        {"id": 1, "amount": "1", "price": "1"},  # no symbol
        {"id": 1, "symbol": "BTCTRY", "amount": "a lot", "price": "1"},
        {"id": 1, "symbol": "BTCTRY", "amount": "-1", "price": "1"},
    ],
)
def test_a_frame_without_what_an_order_needs_is_skipped(body: dict[str, Any]) -> None:
    assert order_event(451, body) is None
    assert order_event(441, body) is None


def test_a_symbol_is_split_at_its_quote_preferring_an_asset_the_account_lists() -> None:
    assert split_symbol("ARPAUSDT") == ("ARPA", "USDT")
    assert split_symbol("USDTTRY") == ("USDT", "TRY")
    assert split_symbol("ETHBTC", {"ETH", "BTC"}) == ("ETH", "BTC")
    assert split_symbol("TRY") is None
