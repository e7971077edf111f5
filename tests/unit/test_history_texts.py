"""Tests for core/texts/history.py: /history, the summary's split lines, the permission notes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from balance_bot.btcturk.models import History
from balance_bot.core.flows import SplitUnavailable, split_flows
from balance_bot.core.locales import en, tr
from balance_bot.core.texts.history import (
    history_count,
    history_message,
    history_needs_permission,
    history_permission_notice,
    history_status_line,
    history_usage,
    split_lines,
)
from tests.unit.test_explain import EN, T0, TR, fill, transfer
from tests.unit.test_flows import CURRENT, HISTORY, NOW, PREVIOUS, price_then

D = Decimal


def at(day: int, hour: int, minute: int) -> int:
    """Return the offset from T0 of a moment in UTC (Istanbul is three hours ahead)."""
    moment = datetime(2026, 11, day, hour, minute, tzinfo=UTC)
    return int(moment.timestamp() * 1000) - T0


LISTED = History(
    fills=(
        fill("f1", "0.2", "3510000", fee="561.92", tax="101.14", at=at(24, 9, 5)),
        fill("f2", "0.3", "3513333.33", fee="842.88", tax="151.72", at=at(24, 9, 6)),
        fill("s1", "0.25", "3600000", side="sell", order="o9", fee="900", at=at(25, 7, 30)),
    ),
    transfers=(
        transfer("t1", "TRY", "5000", at=at(23, 18, 0)),
        transfer("c2", "USDT", "100", kind="withdrawal", fee="1", at=at(25, 11, 2)),
    ),
)
PRECISIONS = {"BTC": 8, "TRY": 2, "USDT": 2}


def test_history_lists_newest_first_in_english() -> None:
    text = history_message(LISTED, EN, precisions=PRECISIONS)

    assert text.splitlines() == [
        "📜 <b>Last 4 transactions</b> of the last 30 days · times in Istanbul",
        "25 Nov 14:02 📤 Withdrawal 100.00 USDT · fee 1.00 USDT",
        "25 Nov 10:30 🔴 Sell 0.25000000 BTC at 3,600,000.00 TRY · fee 900.00 TRY",
        "24 Nov 12:06 🟢 Buy 0.50000000 BTC at avg 3,512,000.00 TRY (2 fills) · "
        "fee 1,404.80 + tax 252.86 TRY",
        "23 Nov 21:00 📥 Deposit 5,000.00 TRY",
    ]


def test_history_lists_newest_first_in_turkish() -> None:
    text = history_message(LISTED, TR, precisions=PRECISIONS)

    assert text.splitlines() == [
        "📜 <b>Son 30 günün son 4 işlemi</b> · saatler İstanbul saatiyle",
        "25 Kas 14:02 📤 Çekme 100,00 USDT · komisyon 1,00 USDT",
        "25 Kas 10:30 🔴 Satım 0,25000000 BTC, fiyat 3.600.000,00 TRY · komisyon 900,00 TRY",
        "24 Kas 12:06 🟢 Alım 0,50000000 BTC, ort. fiyat 3.512.000,00 TRY (2 eşleşme) · "
        "komisyon 1.404,80 + vergi 252,86 TRY",
        "23 Kas 21:00 📥 Yatırma 5.000,00 TRY",
    ]


def test_history_shows_only_the_last_n() -> None:
    text = history_message(LISTED, EN, count=1, precisions=PRECISIONS)

    assert text.splitlines() == [
        "📜 <b>Last transaction</b> of the last 30 days · times in Istanbul",
        "25 Nov 14:02 📤 Withdrawal 100.00 USDT · fee 1.00 USDT",
    ]


def test_history_without_rows_says_so() -> None:
    assert history_message(History(), EN) == (
        "📜 No trades, deposits or withdrawals in the last 30 days."
    )
    assert history_message(History(), TR) == (
        "📜 Son 30 günde alım, satım, yatırma veya çekme yok."
    )


def test_a_deposit_with_a_fee_and_a_trade_without_one() -> None:
    history = History(
        fills=(fill("f9", "1", "0.5", pair=("XRP", "TRY"), at=at(25, 10, 0)),),
        transfers=(transfer("c1", "BTC", "0.01", fee="0.0001", at=at(25, 9, 0)),),
    )

    lines = history_message(history, EN, precisions={"XRP": 4}).splitlines()

    assert lines[1:] == [
        "25 Nov 13:00 🟢 Buy 1.0000 XRP at 0.50 TRY · no fee",
        "25 Nov 12:00 📥 Deposit 0.01000000 BTC · fee 0.00010000 BTC",
    ]


@pytest.mark.parametrize(
    ("args", "count"),
    [([], 10), (["1"], 1), (["25"], 25), (["50"], 50)],
)
def test_history_count_reads_n(args: list[str], count: int) -> None:
    assert history_count(args) == count


@pytest.mark.parametrize(
    "args", [["0"], ["51"], ["-3"], ["ten"], ["2.5"], ["1", "2"], ["٣"], ["10000000000000"]]
)
def test_history_count_refuses_anything_else(args: list[str]) -> None:
    assert history_count(args) is None


def test_history_usage_in_both_languages() -> None:
    assert history_usage(EN) == "Usage: /history [N]\ne.g. /history 20 (N from 1 to 50)"
    assert history_usage(TR) == "Kullanım: /history [N]\nörn. /history 20 (N 1 ile 50 arası)"


def test_the_permission_notes_in_both_languages() -> None:
    assert history_permission_notice(EN) == (
        "🔑 Balance changes are not explained: give the API key the Account permission "
        "(it only reads the history). Everything else works as before."
    )
    assert history_permission_notice(TR) == (
        "🔑 Bakiye değişimleri açıklanamıyor: API anahtarına Hesap iznini "
        "verin; bu izin yalnızca geçmişi okur. Diğer her şey eskisi gibi çalışır."
    )
    assert history_status_line(EN) == (
        "🔑 Changes are not explained: the API key lacks the Account permission."
    )
    assert history_status_line(TR) == (
        "🔑 Değişimler açıklanmıyor: API anahtarında Hesap izni yok."
    )
    assert history_needs_permission(EN) == (
        "🔑 /history needs the API key's Account permission (it only reads the history)."
    )


def test_the_split_lines_in_english() -> None:
    split = split_flows(PREVIOUS, CURRENT, HISTORY, "TRY", NOW, price_then)

    assert split_lines(split, "TRY", EN) == [
        "  Market: ▲ +76,471.10 TRY (+0.22%)",
        "  📥 Net deposits: +1,335,859.00 TRY",
        "  🧾 Fees and taxes paid: 1,698.66 TRY",
    ]


def test_the_split_lines_in_turkish() -> None:
    split = split_flows(PREVIOUS, CURRENT, HISTORY, "TRY", NOW, price_then)

    assert split_lines(split, "TRY", TR) == [
        "  Piyasa: ▲ +76.471,10 TRY (+%0,22)",
        "  📥 Net yatırma: +1.335.859,00 TRY",
        "  🧾 Ödenen komisyon ve vergi: 1.698,66 TRY",
    ]


def test_net_withdrawals_and_estimated_values_are_said() -> None:
    history = History(transfers=(transfer("c1", "BTC", "0.1", kind="withdrawal"),))

    split = split_flows(D(1000000), D(640000), history, "TRY", NOW)

    assert split_lines(split, "TRY", EN) == [
        "  Market: ▼ -10,000.00 TRY (-1.00%)",
        "  📤 Net withdrawals: -350,000.00 TRY",
        "  ℹ️ BTC valued at the current price (none known for the time)",
    ]
    assert split_lines(split, "TRY", TR)[1:] == [
        "  📤 Net çekme: -350.000,00 TRY",
        "  ℹ️ BTC güncel fiyatla değerlendi (o anki fiyatı bilinmiyor)",
    ]


def test_a_flat_market_from_zero() -> None:
    split = split_flows(D(0), D(0), History(), "TRY", NOW)

    assert split_lines(split, "TRY", EN) == ["  Market: = +0.00 TRY"]


@pytest.mark.parametrize(
    ("reason", "english", "turkish"),
    [
        (
            SplitUnavailable("permission"),
            "ℹ️ Market and deposits not told apart: give the API key the Account permission.",
            "ℹ️ Piyasa etkisi para hareketlerinden ayrılamıyor: API anahtarına Hesap "
            "(hesap geçmişi) iznini verin.",
        ),
        (
            SplitUnavailable("unread"),
            "ℹ️ Market and deposits not told apart: BTCTurk's history could not be read.",
            "ℹ️ Piyasa etkisi para hareketlerinden ayrılamıyor: BTCTurk'ün işlem geçmişi okunamadı.",
        ),
        (
            SplitUnavailable("unpriced", ("XYZ", "A<B")),
            "ℹ️ Market and deposits not told apart: no TRY price for XYZ, A&lt;B.",
            "ℹ️ Piyasa etkisi para hareketlerinden ayrılamıyor: XYZ, A&lt;B için TRY fiyatı yok.",
        ),
    ],
)
def test_an_unavailable_split_says_why(
    reason: SplitUnavailable, english: str, turkish: str
) -> None:
    assert split_lines(reason, "TRY", EN) == [english]
    assert split_lines(reason, "TRY", TR) == [turkish]


@pytest.mark.parametrize("texts", [en.TEXTS, tr.TEXTS], ids=["en", "tr"])
def test_a_deposit_and_a_withdrawal_have_one_mark_each_wherever_they_are_told(
    texts: dict[str, str],
) -> None:
    """/history marked them 📥 and 📤, the change alerts 📥 and 📤."""
    for kind in ("deposit", "deposit_costs", "withdrawal", "withdrawal_costs"):
        told = texts[f"explain.{kind}"].split()[0]
        listed = texts[f"history.{kind}"].split()[1]  # after the time
        assert listed == told, kind
