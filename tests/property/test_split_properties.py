"""Properties of core.split.split_message, with the fake Bot API's HTML parser as the judge.

tests/unit/test_split.py checks tag balance and that no word is lost. Here the input is valid
Telegram HTML with nested and multi-line tags, links and entities, and each part must be
accepted by the same parser the fake Telegram uses (Telegram answers 400 otherwise), fit the
limit, and together show every character with exactly its formatting: only the line ends at
the cuts may go.
"""

from __future__ import annotations

from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from balance_bot.core.split import split_message
from balance_bot.fakes.telegram_html import FormattedText, parse_html

VISIBLE = st.characters(
    codec="utf-8", categories=["L", "N", "P", "S", "Zs"], exclude_characters="\n\r"
)
WORDS = st.text(VISIBLE, min_size=1, max_size=40).filter(lambda s: s.strip() != "")
INLINE_TAGS = ["b", "i", "code"]


@st.composite
def inline(draw: st.DrawFn) -> str:
    """Return one line's worth of valid HTML: escaped text, tags, a nested pair, a link."""
    pieces = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        text = escape(draw(WORDS))
        kind = draw(st.sampled_from(["plain", "tag", "nested", "link"]))
        if kind == "tag":
            tag = draw(st.sampled_from(INLINE_TAGS))
            text = f"<{tag}>{text}</{tag}>"
        elif kind == "nested":
            text = f"<b>{text} <i>{escape(draw(WORDS))}</i></b>"
        elif kind == "link":
            text = f'<a href="https://example.com/?q=1&amp;r=2">{text}</a>'
        pieces.append(text)
    return " ".join(pieces)


@st.composite
def messages(draw: st.DrawFn) -> str:
    """Return a message like the bot's: lines, maybe a <pre> table, maybe a multi-line tag."""
    head = draw(st.lists(inline(), min_size=1, max_size=4))
    body = [escape(draw(WORDS)) for _ in range(draw(st.integers(min_value=0, max_value=60)))]
    tail = draw(st.lists(inline(), max_size=4))
    block = draw(st.sampled_from(["pre", "b", "none"]))
    if block != "none" and len(body) > 1:
        body = [f"<{block}>{body[0]}", *body[1:-1], f"{body[-1]}</{block}>"]
    return "\n".join([*head, *body, *tail])


def styled(formatted: FormattedText) -> list[tuple[str, frozenset[str]]]:
    """Return each visible character with the formatting it is shown with."""
    styles: list[set[str]] = []
    for ch in formatted.text:
        styles.extend(set() for _ in range(len(ch.encode("utf-16-le")) // 2))
    for entity in formatted.entities:
        label = "/".join(str(entity.get(k, "")) for k in ("type", "url", "language"))
        for unit in range(entity["offset"], entity["offset"] + entity["length"]):
            styles[unit].add(label)
    result, unit = [], 0
    for ch in formatted.text:
        result.append((ch, frozenset(styles[unit])))
        unit += len(ch.encode("utf-16-le")) // 2
    return result


@settings(max_examples=200, deadline=None)
@given(messages(), st.integers(min_value=200, max_value=800))
def test_every_part_is_valid_html_and_together_they_lose_nothing(text: str, limit: int) -> None:
    # Small limits force many cuts. A long line is cut into pieces of limit / 2, and a part
    # reopens the tags still open: that half must hold the longest tags (the link's is 43
    # characters) with room to spare, as it does at the bot's limit of 4096.
    original = parse_html(text)  # the generator's own check: the input is valid

    parts = split_message(text, limit=limit)

    shown: list[tuple[str, frozenset[str]]] = []
    for part in parts:
        assert len(part) <= limit
        formatted = parse_html(part)  # raises as Telegram would answer 400
        assert formatted.text.strip(), repr(part)  # Telegram refuses an empty text
        shown += styled(formatted)
    expected = [(ch, style) for ch, style in styled(original) if ch != "\n"]
    assert [(ch, style) for ch, style in shown if ch != "\n"] == expected
