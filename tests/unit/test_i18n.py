from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from balance_bot.core.i18n import LANGUAGES, Lang, View, get_lang, read_language
from balance_bot.core.locales import en, tr

EN, TR = Lang("en"), Lang("tr")
NOW = datetime(2026, 11, 25, 11, 32, tzinfo=UTC)


def test_every_text_exists_in_both_languages() -> None:
    assert set(en.TEXTS) == set(tr.TEXTS)
    assert set(LANGUAGES) == {"en", "tr"}


@pytest.mark.parametrize("key", sorted(en.TEXTS))
def test_both_languages_use_the_same_placeholders(key: str) -> None:
    def placeholders(text: str) -> set[str]:
        import string

        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert placeholders(en.TEXTS[key]) == placeholders(tr.TEXTS[key])


@pytest.mark.parametrize(
    ("value", "precision", "english", "turkish"),
    [
        ("27223.7283250757643288", 2, "27,223.73", "27.223,73"),
        ("9.7502186644553258", 8, "9.75021866", "9,75021866"),
        ("0", 2, "0.00", "0,00"),
        ("-0.001", 2, "0.00", "0,00"),
        ("1234567.5", 0, "1,234,568", "1.234.568"),
        ("0.125", 2, "0.12", "0,12"),
        ("1E+3", 2, "1,000.00", "1.000,00"),
    ],
)
def test_amount_rounds_half_even_and_groups_by_locale(
    value: str, precision: int, english: str, turkish: str
) -> None:
    assert EN.amount(Decimal(value), precision) == english
    assert TR.amount(Decimal(value), precision) == turkish


def test_signed_price_percent_plain() -> None:
    assert EN.signed(Decimal("0.5"), 8) == "+0.50000000"
    assert EN.signed(Decimal("-12"), 2) == "-12.00"
    assert EN.price(Decimal("0.00041")) == "0.00041"
    assert EN.price(Decimal("0.123456")) == "0.1235"
    assert TR.price(Decimal("3500000")) == "3.500.000,00"
    assert EN.percent(Decimal("1.2249")) == "+1.22%"
    assert TR.percent(Decimal("-1.2249")) == "-%1,22"
    assert TR.plain(Decimal("40000000.5")) == "40.000.000,5"


def test_dates_and_places_in_each_language() -> None:
    istanbul = ZoneInfo("Europe/Istanbul")
    english, turkish = View(EN, istanbul, NOW), View(TR, istanbul, NOW)

    assert english.when(NOW) == "14:32 (Istanbul)"
    assert turkish.when(datetime(2026, 11, 24, 11, 32, tzinfo=UTC)) == "24 Kas 14:32 (İstanbul)"
    assert english.long_date() == "Wednesday 25 November"
    assert turkish.long_date() == "Çarşamba 25 Kasım"


def test_unknown_language_falls_back_to_turkish() -> None:
    assert get_lang("de") == TR
    assert get_lang(None) == TR
    assert get_lang("en") == EN


def test_a_fallback_language_is_used_when_the_asked_one_is_not_spoken() -> None:
    assert get_lang("de", "en") == EN
    assert get_lang(None, "en") == EN
    assert get_lang("tr", "en") == TR
    assert get_lang("de", "xx") == TR


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("tr", "tr"),
        ("TR", "tr"),
        ("Türkçe", "tr"),
        ("TÜRKÇE", "tr"),
        ("turkce", "tr"),
        ("Turkish", "tr"),
        ("EN", "en"),
        ("English", "en"),
        ("İngilizce", "en"),
        ("INGILIZCE", "en"),
        ("ingilizce", "en"),
        ("de", None),
        ("", None),
    ],
)
def test_a_language_is_read_by_its_code_or_name_in_any_case_and_without_turkish_letters(
    typed: str, code: str | None
) -> None:
    assert read_language(typed) == code


def test_a_loss_too_small_for_the_digits_keeps_its_sign() -> None:
    """A week's bitcoin return of -0.0026 % read "BTC +0.00%": a loss shown as a gain."""
    assert EN.percent(Decimal("-0.0026")) == "-0.00%"
    assert TR.percent(Decimal("-0.0026")) == "-%0,00"
    assert EN.signed(Decimal("-0.001"), 2) == "-0.00"
    assert EN.signed(Decimal("0"), 2) == "+0.00"
    assert EN.percent(Decimal("0.0026")) == "+0.00%"
