"""Read a number the owner typed, the way the chat's language writes numbers.

Each language has a thousands mark G and a decimal mark D: English writes 3,600,000.50
(G ",", D "."), Turkish 3.600.000,50 (G ".", D ","). A typed number is read by these rules,
first match wins:

1. digits alone: 3600000;
2. both marks: the last one is the decimal mark and must appear once; the other groups the
   digits before it by threes: 3,600,000.50 and 3.600.000,50 (in either language);
3. one mark, more than once: it groups thousands: 3,600,000 and 3.600.000;
4. one mark, once, where it cannot group thousands (not 1 to 3 digits before it, the first
   not 0, and exactly 3 after): a decimal mark: 3,6 · 3.6 · 0,500 · 1234.567 · ,5;
5. one D before exactly three digits: a decimal mark, as the chat writes it: 3.600 is 3.6 in
   English, 3,600 is 3.6 in Turkish;
6. one G before exactly three digits: 3,600 in English, 3.600 in Turkish. The owner may mean
   3.6 or 3600: AmbiguousNumber, with both readings, so the caller asks instead of guessing.

Groups must be whole (1,23,456 and 1,2345,678 are not numbers). A leading sign and an exponent
(1e6) are read as well. Anything else is NotANumber. `write_number` writes a value back
with plain digits and the decimal mark D, a form these rules read back to the same value;
`write_grouped` with its thousands grouped, as the bot prints figures.

A number typed with spaces between its groups (3 600 000) arrives as several words: the
caller finds it with `spaced_number` and says how to write it instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from balance_bot.btcturk.amounts import AmountError, parse_decimal

MAX_TYPED_LENGTH = 64
_SHAPE = re.compile(r"([+-]?)([0-9.,]+)([eE][+-]?[0-9]{1,4})?")
_FIRST_GROUP = re.compile(r"[0-9]{1,3}")
_GROUP = re.compile(r"[0-9]{3}")
_MARKS = ".,"


@dataclass(frozen=True, slots=True)
class Marks:
    """How a language writes numbers: its thousands mark, its decimal mark, and on which side
    of a number its percent sign goes (Turkish %5, English 5%)."""

    group: str
    decimal: str
    percent_first: bool = False


ENGLISH = Marks(group=",", decimal=".")
TURKISH = Marks(group=".", decimal=",", percent_first=True)
_BY_LANGUAGE = {"en": ENGLISH, "tr": TURKISH}


def number_marks(language: str) -> Marks:
    """Return the marks of `language` (a code the bot speaks)."""
    return _BY_LANGUAGE[language]


def write_percent(number: str, marks: Marks) -> str:
    """Return a written number as a percentage the way `marks`' language writes one: %5, 5%."""
    return f"%{number}" if marks.percent_first else f"{number}%"


class NotANumber(ValueError):
    """The text is not a number by the rules above."""


class AmbiguousNumber(ValueError):
    """The text reads two ways: `as_decimal` (3,600 = 3.6) or `as_thousands` (3,600 = 3600)."""

    def __init__(self, text: str, as_decimal: Decimal, as_thousands: Decimal) -> None:
        super().__init__(f"ambiguous number: {text[:20]!r}")
        self.text = text
        self.as_decimal = as_decimal
        self.as_thousands = as_thousands

    @property
    def readings(self) -> tuple[Decimal, Decimal]:
        """Return both readings, the decimal one first."""
        return self.as_decimal, self.as_thousands


def read_number(text: str, marks: Marks) -> Decimal:
    """Return the value typed as `text` in a chat whose language writes numbers with `marks`.

    Raises AmbiguousNumber (rule 6) or NotANumber.
    """
    cleaned = text.strip()
    shape = _SHAPE.fullmatch(cleaned) if len(cleaned) <= MAX_TYPED_LENGTH else None
    if shape is None or not any(char.isdigit() for char in shape.group(2)):
        raise NotANumber(f"not a number: {text[:20]!r}")
    sign, body, exponent = shape.group(1), shape.group(2), shape.group(3) or ""
    whole, decimals, ambiguous = _split(body, marks)
    value = _value(sign, whole, decimals, exponent)
    if ambiguous:
        raise AmbiguousNumber(cleaned, value, _value(sign, whole + decimals, "", exponent))
    return value


def write_number(value: Decimal, marks: Marks) -> str:
    """Return `value` in plain digits with the decimal mark of `marks`: 3600000.5, 3600000,5."""
    return format(value, "f").replace(".", marks.decimal)


def write_grouped(value: Decimal, marks: Marks) -> str:
    """Return `value` with its thousands grouped: 3,600,000.5 (English), 3.600.000,5 (Turkish)."""
    plain = format(value, "f")
    sign = "-" if plain.startswith("-") else ""
    whole, _, decimals = plain.removeprefix("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, group = whole[:-3], whole[-3:]
        groups.insert(0, group)
    text = marks.group.join([whole, *groups])
    return sign + text + (marks.decimal + decimals if decimals else "")


def spaced_number(words: list[str], marks: Marks) -> tuple[int, Decimal] | None:
    """Return how many of `words` make one number typed with spaces between its groups
    (["3", "600", "000"]: 3, 3600000), or None when they do not begin with one.

    The first word has 1 to 3 digits, each next one exactly 3 (the last may carry the
    decimals after the decimal mark of `marks`: "000,50" in Turkish); together, with no
    space, they must be a number in `marks`.
    """
    if not words or _FIRST_GROUP.fullmatch(words[0]) is None:
        return None
    count = 1
    while count < len(words) and _GROUP.fullmatch(words[count]):
        count += 1
    last = re.compile(rf"[0-9]{{3}}{re.escape(marks.decimal)}[0-9]+")
    if count < len(words) and last.fullmatch(words[count]):
        count += 1
    if count == 1:
        return None
    try:
        return count, read_number("".join(words[:count]), marks)
    except ValueError:  # NotANumber, AmbiguousNumber
        return None


def _split(body: str, marks: Marks) -> tuple[str, str, bool]:
    """Return the integer digits, the decimals, and whether the reading is ambiguous."""
    found = [char for char in body if char in _MARKS]
    if not found:
        return body, "", False
    last = found[-1]
    if len(set(found)) == 2:  # rule 2
        head, _, decimals = body.rpartition(last)
        group = _MARKS.replace(last, "")
        if not _grouped(head, group):
            raise NotANumber(f"not a number: {body[:20]!r}")
        return head.replace(group, ""), decimals, False
    if len(found) > 1:  # rule 3
        if not _grouped(body, last):
            raise NotANumber(f"not a number: {body[:20]!r}")
        return body.replace(last, ""), "", False
    whole, _, decimals = body.partition(last)  # rules 4 to 6
    return whole, decimals, last == marks.group and _grouped(body, last)


def _grouped(text: str, mark: str) -> bool:
    """Tell whether `text` is digits grouped by threes with `mark`: 3,600 or 12,345,678."""
    return re.fullmatch(rf"[1-9][0-9]{{0,2}}(?:{re.escape(mark)}[0-9]{{3}})+", text) is not None


def _value(sign: str, whole: str, decimals: str, exponent: str) -> Decimal:
    """Return the Decimal of the parts, within the range the bot reads any amount in."""
    plain = f"{sign}{whole or '0'}{'.' + decimals if decimals else ''}{exponent}"
    try:
        return parse_decimal(plain)
    except AmountError as error:
        raise NotANumber(str(error)) from None
