from __future__ import annotations

from decimal import Decimal

from core.valuation import last_prices, price_in, value_portfolio
from tests.kit.account import AS_OF, balance, documented_balances, documented_tickers, ticker


def test_documented_portfolio_is_valued_exactly() -> None:
    portfolio = value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)

    btc = portfolio.position("btc")
    assert btc is not None
    assert btc.value == Decimal("9.7502186644553258") * 3500000
    expected_total = (
        Decimal("9.7502186644553258") * 3500000
        + Decimal("1500.25") * Decimal("41.5")
        + Decimal("27223.7283250757643288")
        + Decimal("1000") * Decimal("0.0004")
    )
    assert portfolio.total == expected_total


def test_zero_balances_are_left_out_and_order_is_by_value() -> None:
    portfolio = value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)

    assert [p.asset for p in portfolio.positions] == ["BTC", "USDT", "TRY", "SHIB"]
    assert "ETH" in portfolio.known_assets
    assert portfolio.position("ETH") is None


def test_asset_without_try_pair_is_valued_through_usdt() -> None:
    tickers = [ticker("GLMR", "USDT", "0.05"), ticker("USDT", "TRY", "41.5")]

    portfolio = value_portfolio([balance("GLMR", "120")], tickers, "TRY", AS_OF)

    assert portfolio.total == Decimal("120") * Decimal("0.05") * Decimal("41.5")


def test_asset_without_route_has_no_value_and_is_not_in_total() -> None:
    portfolio = value_portfolio(
        [balance("FOO", "5"), balance("TRY", "10", precision=2)], [], "TRY", AS_OF
    )

    foo = portfolio.position("FOO")
    assert foo is not None
    assert foo.value is None
    assert foo.price is None
    assert portfolio.total == Decimal(10)
    assert portfolio.positions[-1].asset == "FOO"


def test_quote_itself_is_worth_one_and_inverse_pair_is_used() -> None:
    last = last_prices([ticker("USDT", "TRY", "40")])

    assert price_in("TRY", "TRY", last) == 1
    assert price_in("TRY", "USDT", last) == Decimal("0.025")
    assert price_in("XYZ", "TRY", last) is None


def test_direct_pair_wins_over_usdt_route() -> None:
    tickers = [
        ticker("BTC", "TRY", "3500000"),
        ticker("BTC", "USDT", "1"),
        ticker("USDT", "TRY", "1"),
    ]

    assert price_in("BTC", "TRY", last_prices(tickers)) == Decimal("3500000")


def test_pairs_with_zero_price_are_ignored() -> None:
    assert price_in("BTC", "TRY", last_prices([ticker("BTC", "TRY", "0")])) is None
