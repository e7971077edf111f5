from __future__ import annotations

import re
from html import escape

from hypothesis import given
from hypothesis import strategies as st

from balance_bot.core.split import TELEGRAM_LIMIT, split_message

_TAG = re.compile(r"<(/?)(\w+)[^>]*>")


def _balanced(part: str) -> bool:
    stack: list[str] = []
    for closing, name in _TAG.findall(part):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def _text(parts: list[str]) -> str:
    """Return what the reader sees: tags removed, parts joined by line ends."""
    return _TAG.sub("", "\n".join(parts))


def test_short_text_is_one_part() -> None:
    assert split_message("<b>hi</b>") == ["<b>hi</b>"]
    assert split_message("") == []


def test_table_of_90_assets_splits_into_valid_parts() -> None:
    rows = "\n".join(f"ASSET{i:03d}  {i * 1000:>14,}.12345678  {i * 3:>16,}.00" for i in range(90))
    text = "💼 <b>Portfolio</b>\n<pre>" + rows * 3 + "</pre>\nUpdated 14:32"

    parts = split_message(text, limit=2000)

    assert len(parts) > 1
    assert all(len(p) <= 2000 for p in parts)
    assert all(_balanced(p) for p in parts)
    assert all(p.count("<pre>") == 1 for p in parts[1:-1])
    assert _text(parts).split() == _text([text]).split()


def test_long_line_is_not_cut_inside_an_entity_or_tag() -> None:
    text = ("word &amp; <b>bold</b> " * 600).strip()

    parts = split_message(text)

    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    for part in parts:
        assert not re.search(r"&[a-z]*$", part)
        assert _balanced(part)


@given(st.lists(st.text(min_size=0, max_size=300), min_size=1, max_size=60), st.booleans())
def test_parts_fit_keep_everything_and_stay_balanced(lines: list[str], in_pre: bool) -> None:
    body = "\n".join(escape(line) for line in lines)
    text = f"<b>Title</b>\n<pre>{body}</pre>" if in_pre else body

    parts = split_message(text, limit=500)

    assert all(len(p) <= 500 for p in parts)
    assert all(_balanced(p) for p in parts)
    assert "".join(_text(parts).split()) == "".join(_text([text]).split())


def test_a_records_second_line_stays_with_its_first() -> None:
    """A wide table's records (and a change's difference) start their second line with a space:
    a part never ends between the two."""
    records = [f"ASSET{i:03d}  1,234.12345678\n          123,456,789.12" for i in range(200)]
    text = "<pre>" + "\n".join(records) + "</pre>"
    parts = split_message(text, limit=500)
    assert len(parts) > 2
    for part in parts:
        body = part.removeprefix("<pre>").removesuffix("</pre>")
        lines = body.split("\n")
        assert lines[0].startswith("ASSET"), lines[0]
        assert lines[-1].startswith(" "), lines[-1]
