"""Every reply kind fits a phone, and a Turkish chat reads Turkish only.

The gallery (tests/unit/reply_gallery.py) renders every message the bot sends, in both
languages, with long realistic values; these tests read it as a phone would:
- no line inside <pre> is wider than PHONE_WIDTH characters (wider content becomes records
  of two lines, never a wrapped row), and outside <pre> nothing lines up with runs of spaces
  (a proportional font cannot keep such columns);
- no English word reaches a Turkish chat (English words: those of the English texts and a
  list of the words most likely to leak; minus the few that are Turkish too or names), and
  no API field name reaches any chat;
- the gallery is whole: it calls every rendering function and uses every text.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from balance_bot.core.locales import en, tr
from balance_bot.core.texts.table import PHONE_WIDTH
from tests.unit.reply_gallery import Gallery, gallery

ROOT = Path(__file__).resolve().parents[2]
_PRE = re.compile(r"<pre>(.*?)</pre>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_COMMAND = re.compile(r"(?<![\w/])/[a-z_]+")
_CODE = re.compile(
    r"\b[A-Z][A-Z0-9_]*\b(?:=\S+)?"
)  # asset codes, CSV, QUOTE_CURRENCY, WEBSOCKET=off
_QUOTED = re.compile(r"“[^”]*”")  # the owner's own words, quoted back to them
_SUFFIX = re.compile(r"(?<=\w)['’][^\W\d_]+")  # BTCTurk'ün: the word, not its Turkish suffix
_WORD = re.compile(r"[^\W\d_]{2,}")
_ENGLISH_UNIT = re.compile(r"\b\d+ ?(?:h|d|m|min|w|s)\b")
_FIELD = re.compile(r"\b[a-z]+[A-Z][A-Za-z]*\b")  # orderFund, requestFund, dailyPercent

# English words a Turkish text may hold: Turkish words too, or names.
SHARED = {"an", "en", "tr", "bot", "disk", "net", "no", "not", "on", "ms", "btcturk", "websocket"}
SHARED |= {"btc"}  # an asset, typed in lower case in the examples
SHARED |= {"telegram"}  # a name: the key check says which of Telegram and BTCTurk answered
# Words that leak first: the keywords, units and levels the commands take, and common ones.
LEAKS = """above below amount price value move total cooldown urgent confirm all changes orders
thresholds summaries outages silent off default the and or of to in at for with without from
since now fee tax buy sell deposit withdrawal balance portfolio unknown high low within hours
days minutes weeks seconds"""
# API fields the exchange's answers carry; none is a word for the owner.
FIELDS = """orderFund requestFund timestamp assetname precision numeratorSymbol denominatorSymbol
pairNormalized dailyPercent orderType orderId balanceType currencySymbol preciseAmount"""
# Texts no chat message holds: the month's format pattern for Babel.
NOT_MESSAGES = {"report.month_format"}
# Functions of core/texts that render no message.
NOT_RENDERING = {"history_count", "history_month", "can_check_again", "period_count"}


def words_of(text: str) -> list[str]:
    """Return the words of `text` as a reader sees them: no tags, commands, codes or suffixes."""
    plain = html.unescape(_TAG.sub(" ", _PLACEHOLDER.sub(" ", text)))
    plain = _QUOTED.sub(" ", plain)
    plain = _SUFFIX.sub("", _CODE.sub(" ", _COMMAND.sub(" ", plain)))
    return _WORD.findall(plain)


ENGLISH = (
    {w.lower() for text in en.TEXTS.values() for w in words_of(text)} | set(LEAKS.split())
) - SHARED


def english_in(text: str) -> list[str]:
    """Return the English words and units in `text`."""
    found = [w for w in words_of(text) if w.lower() in ENGLISH]
    plain = _QUOTED.sub(" ", html.unescape(_TAG.sub(" ", text)))
    return found + _ENGLISH_UNIT.findall(plain)


@dataclass
class Rendered:
    """Both galleries, and what rendering them called: functions of core/texts, and texts."""

    replies: dict[str, Gallery] = field(default_factory=dict)
    functions: set[tuple[str, str]] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)


def _recorder(rendered: Rendered) -> Any:
    def record(frame: FrameType, event: str, arg: object) -> None:
        if event != "call":
            return
        module = frame.f_globals.get("__name__") or ""
        name = frame.f_code.co_name
        if module.startswith("balance_bot.core.texts."):
            rendered.functions.add((module, name))
        elif module == "balance_bot.core.i18n" and name == "t" and "key" in frame.f_locals:
            rendered.keys.add(frame.f_locals["key"])
        elif module == "balance_bot.core.keywords" and name == "word":
            rendered.keys.add(f"word.{frame.f_locals['keyword']}")

    return record


@pytest.fixture(scope="module")
def rendered() -> Rendered:
    found = Rendered()
    sys.setprofile(_recorder(found))
    try:
        for code in ("en", "tr"):
            found.replies[code] = gallery(code)
    finally:
        sys.setprofile(None)
    return found


def pre_lines(text: str) -> list[str]:
    """Return the lines inside the <pre> blocks of `text`, as shown."""
    return [html.unescape(line) for block in _PRE.findall(text) for line in block.split("\n")]


def outside_lines(text: str) -> list[str]:
    """Return the lines outside <pre> blocks, as shown."""
    return html.unescape(_TAG.sub("", _PRE.sub("\n", text))).split("\n")


@pytest.mark.parametrize("code", ["en", "tr"])
def test_every_line_in_a_pre_block_fits_a_phone(rendered: Rendered, code: str) -> None:
    wide = [
        (name, line)
        for name, text in rendered.replies[code]
        for line in pre_lines(text)
        if len(line) > PHONE_WIDTH
    ]
    assert wide == []


@pytest.mark.parametrize("code", ["en", "tr"])
def test_no_columns_are_built_with_spaces_outside_pre(rendered: Rendered, code: str) -> None:
    spaced = [
        (name, line)
        for name, text in rendered.replies[code]
        for line in outside_lines(text)
        if re.search(r"\S {2,}\S", line)
    ]
    assert spaced == []


def test_a_turkish_chat_reads_no_english_word(rendered: Rendered) -> None:
    leaks = [(name, english_in(text)) for name, text in rendered.replies["tr"]]
    assert [leak for leak in leaks if leak[1]] == []


def test_no_turkish_text_holds_an_english_word() -> None:
    leaks = [(key, english_in(text)) for key, text in tr.TEXTS.items() if key not in NOT_MESSAGES]
    assert [leak for leak in leaks if leak[1]] == []


@pytest.mark.parametrize(("code", "backwards"), [("en", r"%\d"), ("tr", r"\d%")])
def test_a_percentage_is_written_the_languages_way(
    rendered: Rendered, code: str, backwards: str
) -> None:
    """Turkish writes %12,3 and English 12.3%: a number is never on the other side of its %."""
    wrong = [
        (name, line)
        for name, text in rendered.replies[code]
        for line in html.unescape(_TAG.sub(" ", text)).splitlines()
        if re.search(backwards, line)
    ]
    assert wrong == []


@pytest.mark.parametrize("code", ["en", "tr"])
def test_no_api_field_name_reaches_a_chat(rendered: Rendered, code: str) -> None:
    fields = set(FIELDS.split())
    leaks = [
        (name, found)
        for name, text in rendered.replies[code]
        if (
            found := [w for w in re.findall(r"\b\w+\b", text) if w in fields] + _FIELD.findall(text)
        )
    ]
    assert leaks == []


def test_the_checks_find_what_they_look_for() -> None:
    assert english_in("✅ Alarm #1 kuruldu: BTC price above 3.600.000 TRY") == ["price", "above"]
    assert english_in("#2 toplam move %5 24h · bekleme 6h") == ["move", "24h", "6h"]
    assert english_in("BTCTurk'ün yanıtı · /alert · WEBSOCKET=off · 24 sa · QUOTE_CURRENCY") == []
    assert pre_lines("a\n<pre>BTC  1\nX &amp; Y</pre>\nb") == ["BTC  1", "X & Y"]
    assert outside_lines("a  b\n<pre>c  d</pre>") == ["a  b", "", ""]


def test_the_gallery_calls_every_rendering_function(rendered: Rendered) -> None:
    public = {
        (f"balance_bot.core.texts.{path.stem}", name)
        for path in (ROOT / "balance_bot" / "core" / "texts").glob("*.py")
        for name in re.findall(r"^def ([a-z]\w*)\(", path.read_text(encoding="utf-8"), re.M)
        if name not in NOT_RENDERING
    }
    assert public - rendered.functions == set()


def test_the_gallery_uses_every_text(rendered: Rendered) -> None:
    assert set(en.TEXTS) - NOT_MESSAGES - rendered.keys == set()
