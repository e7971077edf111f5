from __future__ import annotations

from decimal import Decimal

from balance_bot.core.valuation import last_prices, price_in, total_routes, value_portfolio
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


# --- routes through the other bridge, per supported quote currency -----------------------------

ROUTE_TICKERS = [
    ticker("XRP", "TRY", "95.21"),  # no XRPUSDT
    ticker("GLMR", "USDT", "0.0821"),  # no GLMRTRY
    ticker("USDT", "TRY", "41.5"),
    ticker("BTC", "TRY", "3500000"),
    ticker("BTC", "USDT", "84337"),
]


def test_in_try_an_asset_without_a_try_pair_goes_through_usdt_and_says_so() -> None:
    portfolio = value_portfolio(
        [balance("GLMR", "250"), balance("XRP", "10")], ROUTE_TICKERS, "TRY", AS_OF
    )

    glmr, xrp = portfolio.position("GLMR"), portfolio.position("XRP")
    assert glmr is not None and xrp is not None
    assert glmr.price == Decimal("0.0821") * Decimal("41.5")
    assert glmr.route is not None and glmr.route.bridge == "USDT"
    assert (glmr.route.in_bridge, glmr.route.bridge_price) == (Decimal("0.0821"), Decimal("41.5"))
    assert glmr.route.divisor is None
    assert xrp.price == Decimal("95.21") and xrp.route is None
    assert portfolio.route("GLMR") == glmr.route
    assert portfolio.route("XRP") is None


def test_in_usdt_an_asset_without_a_usdt_pair_goes_through_try_and_says_so() -> None:
    portfolio = value_portfolio(
        [balance("GLMR", "250"), balance("XRP", "10"), balance("TRY", "83", precision=2)],
        ROUTE_TICKERS,
        "USDT",
        AS_OF,
    )

    xrp, glmr, lira = (portfolio.position(a) for a in ("XRP", "GLMR", "TRY"))
    assert xrp is not None and glmr is not None and lira is not None
    assert xrp.price == Decimal("95.21") / Decimal("41.5")  # XRPTRY ÷ USDTTRY, one division
    assert xrp.value == Decimal(10) * xrp.price
    assert xrp.route is not None and xrp.route.bridge == "TRY"
    assert xrp.route.in_bridge == Decimal("95.21")
    assert xrp.route.divisor == Decimal("41.5")  # USDTTRY: divided by, not multiplied
    assert glmr.price == Decimal("0.0821") and glmr.route is None  # its own pair
    assert lira.price == 1 / Decimal("41.5") and lira.route is None  # USDTTRY inverted
    assert portfolio.total == xrp.value + glmr.value + lira.value  # type: ignore[operator]


def test_a_route_is_recorded_for_an_asset_listed_but_not_held() -> None:
    portfolio = value_portfolio(
        [balance("XRP", "0"), balance("TRY", "10", precision=2)], ROUTE_TICKERS, "USDT", AS_OF
    )

    assert portfolio.position("XRP") is None
    route = portfolio.route("XRP")
    assert route is not None and route.bridge == "TRY"
    assert portfolio.prices["XRP"] == Decimal("95.21") / Decimal("41.5")


def test_a_total_names_a_route_only_when_it_took_the_place_of_the_assets_own_pair() -> None:
    balances = [balance("BTC", "2"), balance("GLMR", "250", precision=2)]
    tickers = [
        ticker("BTC", "USDT", "84000"),
        ticker("GLMR", "USDT", "0.0821"),
        ticker("USDT", "TRY", "41.5"),
    ]  # BTCTRY without a usable price: both go through USDT

    first = value_portfolio(balances, tickers, "TRY", AS_OF)
    after = value_portfolio(balances, tickers, "TRY", AS_OF, direct_before={"BTC"})

    assert set(first.routes) == set(after.routes) == {"BTC", "GLMR"}
    assert total_routes(first) == {}  # neither ever had a TRY price: the rows say so
    assert set(total_routes(after)) == {"BTC"}  # BTC moved the total by its route
