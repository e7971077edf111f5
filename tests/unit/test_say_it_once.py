"""Each fact said once, in the owner's words: no value beside a lira amount that equals it, one
title per message, no API field names, and rounded figures that say so where they are summed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from balance_bot.btcturk.models import History
from balance_bot.btcturk.notes import NoteSummary
from balance_bot.core.changes import BalanceChange
from balance_bot.core.explain import explain
from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.balance import balance_reply
from balance_bot.core.texts.explain import explained_change_alert
from balance_bot.core.texts.notices import change_alert
from balance_bot.core.texts.status import status_message
from balance_bot.core.texts.summary import summary_message
from balance_bot.core.valuation import Portfolio, value_portfolio
from tests.kit.account import AS_OF, balance, documented_balances, documented_tickers, ticker
from tests.kit.status import healthy_status

D = Decimal
EN = View(Lang("en"), ZoneInfo("Europe/Istanbul"), AS_OF)
TR = View(Lang("tr"), ZoneInfo("Europe/Istanbul"), AS_OF)


def documented() -> Portfolio:
    return value_portfolio(documented_balances(), documented_tickers(), "TRY", AS_OF)


def change(
    asset: str, old: str, new: str, p: int = 8, locked: tuple[str, str] = ("0", "0")
) -> BalanceChange:
    return BalanceChange(asset, p, D(old), D(new), D(locked[0]), D(locked[1]))


def test_a_lira_change_is_not_valued_again_in_lira() -> None:
    text = change_alert([change("TRY", "12444680.53", "27223.73", 2)], documented(), EN)
    lines = text.splitlines()
    assert lines[1:3] == ["<b>TRY</b> 12,444,680.53 → 27,223.73", "    -12,417,456.80 TRY"]
    assert "≈" not in text


def test_another_assets_change_keeps_its_value_one_space_away() -> None:
    text = change_alert([change("BTC", "9.25021866", "9.75021866")], documented(), EN)
    assert text.splitlines()[2] == "    +0.50000000 BTC ≈ +1,750,000.00 TRY"


@pytest.mark.parametrize("view", [EN, TR], ids=["en", "tr"])
def test_the_lira_in_detail_has_no_price_of_one_lira(view: View) -> None:
    text = balance_reply("TRY", documented(), view)
    assert "1 TRY = 1" not in text
    assert not any(line.startswith(("Value:", "Değer:")) for line in text.splitlines())
    assert "27" in text.splitlines()[1]  # the amount is there, once


def test_a_cancelled_order_is_one_title_not_two() -> None:
    moves = [change("BTC", "9.75", "9.75", locked=("4.31097720", "3.31097720"))]
    text = explained_change_alert(moves, explain(moves, History()), documented(), EN)
    assert text.splitlines()[0] == "🔓 <b>Order cancelled</b>: 1.00000000 BTC free again"
    assert "Orders changed" not in text


def test_a_withdrawal_request_is_one_title_not_two() -> None:
    moves = [change("USDT", "1500.25", "1500.25", 2, locked=("0", "101"))]
    found = explain(moves, History(), requested={"USDT": D(101)}, requested_before={})
    text = explained_change_alert(moves, found, documented(), TR)
    lines = text.splitlines()
    assert lines[0] == "⏳ <b>Çekim talebi</b>: 101,00 USDT ayrıldı, komisyon dahil"
    assert sum("talebi" in line for line in lines) == 1


def test_an_order_told_without_the_history_is_one_title() -> None:
    moves = [change("BTC", "9.75", "9.75", locked=("3.31097720", "4.31097720"))]
    text = change_alert(moves, documented(), EN)
    assert text.splitlines()[0] == "🔒 <b>BTC in orders</b>: 3.31097720 → 4.31097720"
    assert "Orders changed" not in text


def test_several_order_moves_share_one_title() -> None:
    moves = [
        change("BTC", "9.75", "9.75", locked=("3.31097720", "4.31097720")),
        change("TRY", "27223.73", "27223.73", 2, locked=("4874.36", "0")),
    ]
    text = explained_change_alert(moves, explain(moves, History()), documented(), EN)
    lines = text.splitlines()
    assert lines[0] == "🔔 <b>Orders changed</b>"
    assert lines[1:3] == [
        "🔒 Order placed: 1.00000000 BTC more in orders",
        "🔓 Order cancelled: 4,874.36 TRY free again",
    ]


def test_rounded_rows_that_do_not_add_up_to_the_total_say_so() -> None:
    # 0.005 TRY of value each: the rows show 0.01 + 0.01, the exact total 0.01
    rows = [balance("AAA", "1", precision=0), balance("BBB", "1", precision=0)]
    tickers = [ticker("AAA", "TRY", "1.005"), ticker("BBB", "TRY", "1.005")]
    portfolio = value_portfolio(rows, tickers, "TRY", AS_OF)
    text = balance_reply(None, portfolio, EN)
    print(text)
    assert text.splitlines()[0] == "💼 <b>Portfolio: 2.01 TRY</b>"
    assert "AAA  1  1.00" in text and "BBB  1  1.00" in text  # 1.005 rounds half to even
    assert "ℹ️ Each value is rounded: the rows add up to 2.00 TRY, the exact total is 2.01 TRY." in (
        text
    )


def test_the_documented_account_says_its_rows_are_rounded() -> None:
    # 34,125,765.33 + 62,260.38 + 27,223.73 + 0.40 of dust = .84; the exact total is .83
    text = balance_reply(None, documented(), EN)
    assert text.splitlines()[0] == "💼 <b>Portfolio: 34,215,249.83 TRY</b>"
    assert (
        "ℹ️ Each value is rounded: the rows add up to 34,215,249.84 TRY, the exact total is"
        " 34,215,249.83 TRY." in text
    )


def test_rows_that_add_up_say_nothing_of_rounding() -> None:
    rows = [balance("BTC", "1"), balance("TRY", "100.5", precision=2)]
    portfolio = value_portfolio(rows, [ticker("BTC", "TRY", "3500000")], "TRY", AS_OF)
    assert "rounded" not in balance_reply(None, portfolio, EN)


def test_the_summary_folds_its_small_balances_and_says_its_rows_are_rounded() -> None:
    # 34,125,765.33 + 62,260.38 + 27,223.73 and 0.40 of SHIB = .84; the exact total is .83
    lines = summary_message(documented(), None, EN, scheduled=False).splitlines()

    assert "+ 1 small balance under 1 TRY (together 0.40 TRY)" in lines
    assert (
        "ℹ️ Each value is rounded: the rows add up to 34,215,249.84 TRY, the exact total is"
        " 34,215,249.83 TRY." in lines
    )


def test_a_summary_whose_rows_add_up_says_nothing_of_rounding() -> None:
    rows = [balance("BTC", "1"), balance("TRY", "100.5", precision=2)]
    portfolio = value_portfolio(rows, [ticker("BTC", "TRY", "3500000")], "TRY", AS_OF)
    text = summary_message(portfolio, None, EN, scheduled=False)

    assert "rounded" not in text
    assert "small balance" not in text


def test_a_negative_balance_is_a_row_of_the_summary_never_a_small_one() -> None:
    rows = [balance("BTC", "1"), balance("USDT", "-1.13", precision=2)]
    tickers = [ticker("BTC", "TRY", "3500000"), ticker("USDT", "TRY", "41.5")]
    portfolio = value_portfolio(rows, tickers, "TRY", AS_OF)
    text = summary_message(portfolio, None, EN, scheduled=False)

    assert "USDT          -46.90" in text  # the total, 3,499,953.10, counts it
    assert "small balance" not in text
    assert "rounded" not in text


NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def status_with(*notes: NoteSummary) -> str:
    facts = healthy_status(
        NOW,
        data_notes=notes,
    )
    return status_message(facts, EN)


def test_data_notes_that_change_nothing_for_the_owner_are_not_shown() -> None:
    sixteen = tuple(f"A{i}" for i in range(16))
    text = status_with(
        NoteSummary("balances", "missing", "orderFund", sixteen),
        NoteSummary("balances", "missing", "timestamp", sixteen),
        NoteSummary("tickers", "missing", "dailyPercent", ("XRPTRY",)),
    )
    assert "📝" not in text
    assert "orderFund" not in text and "timestamp" not in text


def test_data_notes_say_what_they_mean_for_the_owner() -> None:
    sixteen = tuple(f"A{i}" for i in range(16))
    text = status_with(
        NoteSummary("balances", "missing", "requestFund", sixteen),
        NoteSummary("balances", "defaulted", "precision", sixteen),
        NoteSummary("tickers", "skipped", "last", ("BTCTRY", "ETHTRY")),
    )
    [line] = [line for line in text.splitlines() if line.startswith("📝")]
    print(line)
    assert "requestFund" not in line and "precision" not in line and " last " not in line
    assert "16 assets" in line
    assert "BTCTRY, ETHTRY" in line
