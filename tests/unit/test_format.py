from __future__ import annotations

from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from balance_bot.btcturk.errors import (
    AuthError,
    BadResponse,
    RateLimited,
    StampRejected,
    Unavailable,
)
from balance_bot.core.commands import BALANCE, parse_balance_args
from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.balance import balance_reply
from balance_bot.core.texts.errors import exchange_error_message, stale_notice
from balance_bot.core.texts.general import usage_message
from balance_bot.core.texts.table import pre_table
from balance_bot.core.valuation import Portfolio, value_portfolio
from tests.kit.account import AS_OF, balance, documented_balances, documented_tickers, ticker

ISTANBUL = ZoneInfo("Europe/Istanbul")
VIEW = View(Lang("en"), ISTANBUL, AS_OF)


def _portfolio() -> Portfolio:
    return value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)


def _reply(*args: str) -> str:
    return balance_reply(parse_balance_args(args), _portfolio(), VIEW)


def test_balance_shows_total_first_then_each_asset_to_its_precision() -> None:
    text = _reply()
    lines = text.splitlines()

    assert lines[0] == "💼 <b>Portfolio: 34,215,249.83 TRY</b>"
    assert "BTC   9.75021866  34,125,765.33" in text
    assert "USDT    1,500.25      62,260.38" in text
    assert "TRY    27,223.73      27,223.73" in text
    assert text.index("BTC ") < text.index("USDT ") < text.index("TRY ")
    assert lines[-1] == "Updated 14:32 (Istanbul)"


def test_balance_shows_locked_and_free_when_something_is_in_orders() -> None:
    text = _reply()

    assert "🔒 In orders: 3.31097720 BTC, 4,874.36 TRY" in text
    assert "✅ Free: 6.43924146 BTC, 22,349.37 TRY" in text


def test_zero_balance_hidden_and_dust_folded() -> None:
    text = _reply()

    assert "ETH" not in text
    assert "SHIB" not in text
    assert "+ 1 small balance under 1 TRY (together 0.40 TRY)" in text


def test_one_asset_in_detail_case_insensitive() -> None:
    text = _reply("btc")

    assert text.startswith("<b>BTC</b> · BTC coin")
    assert "Total: <b>9.75021866 BTC</b>" in text
    assert "Free: 6.43924146 BTC" in text
    assert "In orders: 3.31097720 BTC" in text
    assert "Value: 34,125,765.33 TRY (1 BTC = 3,500,000.00 TRY)" in text


def test_an_asset_typed_with_a_turkish_capital_i_is_the_asset() -> None:
    assert parse_balance_args(["SHİB"]) == "SHIB"  # caps lock on a Turkish keyboard
    assert parse_balance_args(["shıb"]) == "SHIB"
    assert parse_balance_args(["usdt"]) == "USDT"


def test_listed_asset_not_held_and_unknown_asset_get_clear_answers() -> None:
    assert _reply("eth").startswith("You hold no ETH right now.")
    unknown = _reply("NOPE")
    assert unknown.startswith("BTCTurk lists no asset called “NOPE”.")
    assert "You hold: BTC, USDT, TRY, SHIB." in unknown


def test_malformed_arguments_get_the_usage_line() -> None:
    for malformed in (("btc", "eth"), ("<b>",)):
        with pytest.raises(ValueError, match="malformed"):
            _reply(*malformed)
    assert usage_message(BALANCE, VIEW).startswith("Usage: /balance [ASSET]")


def test_outside_text_is_escaped() -> None:
    rows = [balance("A<B", "5", precision=0)]
    portfolio = value_portfolio(rows, [ticker("A<B", "TRY", "2")], "TRY", AS_OF)

    text = balance_reply(None, portfolio, VIEW)

    assert "A&lt;B" in text
    assert "A<B" not in text


def test_empty_account() -> None:
    portfolio = value_portfolio([balance("TRY", "0", precision=2)], [], "TRY", AS_OF)

    assert balance_reply(None, portfolio, VIEW).startswith("💼 Your BTCTurk account holds")


def test_unpriced_asset_shows_a_dash_and_a_note() -> None:
    portfolio = value_portfolio([balance("FOO", "5", precision=3)], [], "TRY", AS_OF)

    text = balance_reply(None, portfolio, VIEW)

    assert "FOO  5.000  —" in text
    assert "No TRY price for FOO: not in the total." in text


def test_data_from_another_day_shows_the_date() -> None:
    portfolio = value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)

    text = balance_reply(None, portfolio, View(Lang("en"), ISTANBUL, AS_OF + timedelta(days=1)))

    assert text.endswith("Updated 25 Nov 14:32 (Istanbul)")


def test_every_exchange_error_has_its_own_explanation() -> None:
    errors = [
        AuthError("x"),
        StampRejected("x"),
        RateLimited("x", 3),
        Unavailable("x"),
        BadResponse("x"),
    ]

    texts = {exchange_error_message(e, VIEW) for e in errors}

    assert len(texts) == len(errors)
    assert "API key" in exchange_error_message(AuthError("x"), VIEW)
    assert "maintenance" in exchange_error_message(Unavailable("x"), VIEW)


def test_stale_notice_says_why_and_from_when() -> None:
    text = stale_notice(Unavailable("x"), _portfolio(), VIEW)

    assert text == (
        "⏳ BTCTurk is not answering (maintenance or network). Showing data from 14:32 (Istanbul)."
    )


def test_table_columns_line_up_as_shown_even_with_escaped_names() -> None:
    text = pre_table([("A<B", "5", "10.00"), ("BTCX", "12", "1.00")], "<>>")

    assert text.startswith("<pre>")
    shown = unescape(text.removeprefix("<pre>").removesuffix("</pre>")).splitlines()
    assert shown == ["A<B    5  10.00", "BTCX  12   1.00"]
