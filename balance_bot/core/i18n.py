"""Languages: the texts of each, and numbers and dates written the way its readers expect.

Numbers and dates go through Babel (loaded on first use, off the start-up path): English
writes 27,223.73 and Turkish 27.223,73. Amounts are rounded once, half to even, to the number
of decimals asked for, before Babel only lays them out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from balance_bot.core.keywords import fold
from balance_bot.core.locales import en, tr
from balance_bot.core.numbers import (
    QUOTE_PRECISION,
    SIGNIFICANT_PRICE_DIGITS,
    WIDE_CONTEXT,
    places,
    quantize,
)

if TYPE_CHECKING:
    from babel import Locale
    from babel.numbers import NumberPattern

LANGUAGES: dict[str, dict[str, str]] = {"en": en.TEXTS, "tr": tr.TEXTS}
DEFAULT_LANGUAGE = "tr"
_LANGUAGE_NAMES = {"english": "en", "ingilizce": "en", "turkish": "tr", "turkce": "tr"}


@dataclass(frozen=True, slots=True)
class Lang:
    """One language: its texts and its way of writing numbers and dates."""

    code: str

    def t(self, key: str, **values: Any) -> str:
        """Return the text `key`, its placeholders filled with `values`."""
        return LANGUAGES[self.code][key].format(**values)

    def amount(self, value: Decimal, precision: int) -> str:
        """Return `value` rounded to `precision` decimals, thousands grouped: 27,223.73."""
        return _amount(self.code, value, places(precision))

    def signed(self, value: Decimal, precision: int) -> str:
        """Return `value` like `amount`, always with its sign: +0.50000000; a loss too small
        for the digits keeps its sign (-0.00, never +0.00)."""
        text = self.amount(value, precision)
        if text.startswith("-"):
            return text
        return f"-{text}" if value < 0 else f"+{text}"

    def money(self, value: Decimal) -> str:
        """Return a value in the quote currency with two decimals."""
        return self.amount(value, QUOTE_PRECISION)

    def price(self, value: Decimal) -> str:
        """Return a price with two decimals, or four significant digits below 1."""
        if value == 0 or abs(value) >= 1:
            return self.money(value)
        digits = max(QUOTE_PRECISION, -value.adjusted() - 1 + SIGNIFICANT_PRICE_DIGITS)
        rounded = quantize(value, digits).normalize()
        exponent = rounded.as_tuple().exponent
        places = max(QUOTE_PRECISION, -exponent if isinstance(exponent, int) else 0)
        return self.amount(rounded, places)

    def percent(self, value: Decimal) -> str:
        """Return a signed percentage with two decimals: +1.22% (Turkish: +%1,22)."""
        number = self.signed(value, 2)
        sign, digits = number[0], number[1:]
        if _percent_first(self.code):
            return f"{sign}%{digits}"
        return f"{sign}{digits}%"

    def day(self, day: date) -> str:
        """Return a day with its year: 17 Sep 2024 (Turkish: 17 Eyl 2024)."""
        from babel.dates import format_date

        return str(format_date(day, "d MMM y", locale=_locale(self.code)))

    def weekday_day(self, day: date) -> str:
        """Return a day with its weekday, without the year: Tue 24 Nov (Turkish: Sal 24 Kas)."""
        return _date(day, "EEE d MMM", self.code)

    def month_year(self, day: date) -> str:
        """Return the month of `day` with its year: November 2026 (Turkish: Kasım 2026)."""
        return _date(day, "LLLL y", self.code)

    def day_span(self, start: date, end: date) -> str:
        """Return a span of days: 17–23 Nov, or 27 Oct–2 Nov across months."""
        first = str(start.day) if (start.year, start.month) == (end.year, end.month) else None
        return f"{first or _date(start, 'd MMM', self.code)}–{_date(end, 'd MMM', self.code)}"

    def plain(self, value: Decimal) -> str:
        """Return a number with exactly the decimals it was written with: 1,500.5."""
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return self.amount(value, places)


@dataclass(frozen=True, slots=True)
class View:
    """Who reads a message and when: their language, their time zone and the current time."""

    lang: Lang
    tz: tzinfo
    now: datetime

    def t(self, key: str, **values: Any) -> str:
        """Return the text `key` in the reader's language."""
        return self.lang.t(key, **values)

    def when(self, moment: datetime) -> str:
        """Return a time of today as 14:32 (Istanbul), another day's as 24 Nov 14:32 (…)."""
        from babel.dates import format_datetime

        local = moment.astimezone(self.tz)
        same_day = local.date() == self.now.astimezone(self.tz).date()
        pattern = "HH:mm" if same_day else "d MMM HH:mm"
        stamp = format_datetime(local, pattern, locale=_locale(self.lang.code))
        return self.t("time.in_zone", time=stamp, place=self.place())

    def long_date(self) -> str:
        """Return today's date in words: Wednesday 25 November."""
        from babel.dates import format_date

        return format_date(
            self.now.astimezone(self.tz), "EEEE d MMMM", locale=_locale(self.lang.code)
        )

    def weekday(self, day: datetime) -> str:
        """Return a day's name: Monday."""
        from babel.dates import format_date

        return format_date(day, "EEEE", locale=_locale(self.lang.code))

    def short_date(self, day: datetime) -> str:
        """Return a day without the year: 23 Nov."""
        from babel.dates import format_date

        return format_date(day, "d MMM", locale=_locale(self.lang.code))

    def place(self) -> str:
        """Return the time zone's city in the reader's language: Istanbul, İstanbul."""
        return _place(self.tz, self.lang.code)


def time_of_day(moment: time) -> str:
    """Return a time of day as both languages write it: 09:00."""
    return f"{moment:%H:%M}"


def get_lang(code: str | None, fallback: str = DEFAULT_LANGUAGE) -> Lang:
    """Return the language `code`, or `fallback` (else the default) when it is not spoken."""
    for candidate in (code, fallback):
        if candidate in LANGUAGES:
            return Lang(candidate)
    return Lang(DEFAULT_LANGUAGE)


def read_language(typed: str) -> str | None:
    """Return the code of the language `typed` names (tr, Türkçe, EN, İngilizce …) in any case
    and with or without the Turkish letters, or None when the bot does not speak it."""
    folded = fold(typed)
    code = _LANGUAGE_NAMES.get(folded, folded)
    return code if code in LANGUAGES else None


@functools.lru_cache(maxsize=8192)
def _amount(code: str, value: Decimal, places: int) -> str:
    """Format one amount (remembered: a portfolio's figures repeat from reply to reply)."""
    rounded = quantize(value, places)
    if rounded == 0:
        rounded = abs(rounded)
    with localcontext(WIDE_CONTEXT):  # Babel rounds again, by default to 28 digits in all
        return str(_pattern(places).apply(rounded, _locale(code)))


def _date(day: date, pattern: str, code: str) -> str:
    from babel.dates import format_date

    return str(format_date(day, pattern, locale=_locale(code)))


@functools.cache
def _locale(code: str) -> Locale:
    from babel import Locale

    return Locale.parse(code)


@functools.cache
def _pattern(places: int) -> NumberPattern:
    from babel.numbers import parse_pattern

    return parse_pattern("#,##0" + ("." + "0" * places if places else ""))


@functools.cache
def _percent_first(code: str) -> bool:
    pattern = str(_locale(code).percent_formats[None].pattern)
    return pattern.lstrip().startswith("%")


@functools.cache
def _place(tz: tzinfo, code: str) -> str:
    from babel.dates import get_timezone_location

    key = getattr(tz, "key", None)
    if key is None or "/" not in key:
        return str(tz)
    return str(get_timezone_location(tz, locale=_locale(code), return_city=True))
