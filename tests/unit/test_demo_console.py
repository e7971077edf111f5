"""The demo's `!` lines: each switch changes what the simulated exchange and feed answer."""

from __future__ import annotations

from datetime import UTC, date, datetime

from balance_bot.fakes.console import HELP, REFUSED_KEY, UNKNOWN, run_console_command
from balance_bot.fakes.demo_history import seed_demo_history
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.seed import DEMO_API_KEY


def test_key_off_refuses_the_key_on_the_api_and_the_feed_and_key_on_accepts_it() -> None:
    exchange, feed = FakeBtcTurk(), FakeFeed()

    said = run_console_command(exchange, "!key off", feed)
    refused = (exchange.api_key, feed.api_key)
    run_console_command(exchange, "!KEY On", feed)

    assert said.startswith("BTCTurk now refuses the API key")
    assert refused == (REFUSED_KEY, REFUSED_KEY)
    assert (exchange.api_key, feed.api_key) == (DEMO_API_KEY, DEMO_API_KEY)


def test_history_hang_holds_only_the_history_and_history_on_ends_it() -> None:
    exchange = FakeBtcTurk()
    run_console_command(exchange, "!down")

    run_console_command(exchange, "!history hang")
    hanging = [exchange.pending_faults(book)[:1] for book in ("trades", "crypto", "fiat")]
    run_console_command(exchange, "!history on")

    assert hanging == [["timeout"]] * 3
    assert [exchange.pending_faults(book) for book in ("trades", "crypto", "fiat")] == [[]] * 3
    assert exchange.pending_faults("balances")[:1] == ["maintenance"]  # still down: !up ends it


def test_ws_off_takes_the_websocket_permission_and_ws_on_gives_it_back() -> None:
    exchange, feed = FakeBtcTurk(), FakeFeed()

    run_console_command(exchange, "!ws off", feed)
    off = feed.websocket_permission
    run_console_command(exchange, "!ws on", feed)

    assert (off, feed.websocket_permission) == (False, True)
    assert run_console_command(exchange, "!ws off") == UNKNOWN  # no feed to switch


def test_candles_hang_holds_the_chart_server_until_candles_up() -> None:
    exchange = FakeBtcTurk()

    run_console_command(exchange, "!candles hang")
    hanging = exchange.candles.hang
    run_console_command(exchange, "!candles up")

    assert (hanging, exchange.candles.hang) == (True, False)


def test_delist_stops_a_pairs_candles_thirty_days_ago_and_its_ticker() -> None:
    exchange = FakeBtcTurk(clock=lambda: datetime(2026, 11, 25, 5, tzinfo=UTC).timestamp())
    seed_demo_history(exchange)

    said = run_console_command(exchange, "!delisted GLMRUSDT")

    assert said.startswith("GLMRUSDT was delisted after 2026-10-26")
    assert max(exchange.candles.closes["GLMRUSDT"]) == date(2026, 10, 26)
    assert all(row["pair"] != "GLMRUSDT" for row in exchange.tickers)
    assert run_console_command(exchange, "!delisted NOPETRY") == "no candles of NOPETRY"


def test_a_wrong_line_points_to_help_instead_of_printing_it() -> None:
    exchange = FakeBtcTurk()

    assert run_console_command(exchange, "!frobnicate") == UNKNOWN
    assert run_console_command(exchange, "!history maybe") == UNKNOWN
    assert run_console_command(exchange, "!deposit x BTC").endswith("!help shows the form")
    assert run_console_command(exchange, "!help") == HELP


def test_help_gives_each_line_its_own_row_within_a_terminal() -> None:
    rows = HELP.splitlines()

    assert all(len(row) <= 80 for row in rows)
    for line in ("!deposit", "!key off", "!ws off", "!history hang", "!candles hang", "!press"):
        assert sum(row.lstrip().startswith(line) for row in rows) == 1, line


def test_order_lines_place_fill_edit_and_cancel_sending_the_feeds_frames() -> None:
    exchange, feed = FakeBtcTurk(), FakeFeed()
    exchange.set_balance("TRY", "2000000")

    placed = run_console_command(exchange, "!order sell 0.1 BTC 3900000", feed)
    filled = run_console_command(exchange, "!fill 0.06 2", feed)
    edited = run_console_command(exchange, "!edit 3950000", feed)
    [new_id] = exchange.desk.orders
    cancelled = run_console_command(exchange, f"!cancel {new_id}", feed)
    market = run_console_command(exchange, "!order buy 0.01 BTC market 10", feed)

    assert placed.startswith("order ") and placed.endswith("the live feed sent 451 201")
    assert filled == "the live feed sent 441 423 441 423 201"
    assert edited.endswith("the live feed sent 452 451 201")
    assert cancelled == "the live feed sent 452 201"
    assert "the live feed sent 451 441 423" in market and market.endswith("452 201")
    assert exchange.desk.orders == {}
    assert run_console_command(exchange, "!cancel", feed) == "no such open order: !order places one"


def test_order_and_cancel_with_an_asset_still_lock_and_unlock_without_an_event() -> None:
    exchange = FakeBtcTurk()

    said = run_console_command(exchange, "!order 1 BTC")

    assert said == "BTC: balance 9.7502186644553258, in orders 4.3109771999999998"
    assert exchange.desk.orders == {}


def test_an_order_line_refuses_a_pair_the_exchange_lacks_a_zero_amount_and_a_wrong_id() -> None:
    """`!order sell 100 GLMR 0.09` placed an order on GLMRTRY, a pair the simulated exchange
    does not list; `!order sell 0 BTC …` said a method was missing; `!fill 999 0.01` read 999
    as the amount of the last order."""
    exchange, feed = FakeBtcTurk(), FakeFeed()
    assert run_console_command(exchange, "!order sell 100 GLMR 0.09", feed).startswith(
        "no pair GLMRTRY on the simulated exchange"
    )
    assert run_console_command(exchange, "!order sell 0 BTC 3900000", feed).startswith(
        "an order's amount is above 0"
    )
    run_console_command(exchange, "!order sell 0.1 BTC 3900000", feed)
    said = run_console_command(exchange, "!fill 99999999 0.01", feed)
    assert said == "no such open order: !order places one"
    assert run_console_command(exchange, "!fill 0.01 2", feed).endswith("441 423 441 423 201")
