"""Telegram's HTML parse mode: tags and entities to plain text plus message entities.

Follows the Bot API's parser: only the documented tags, the four named entities and numeric
ones (an unknown "&name;" stays as text, as on Telegram), every "<" must start a known tag,
errors quote the UTF-8 byte offset. Entity offsets and lengths are in UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

TAG_ENTITY_TYPES: Final[dict[str, str]] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE: Final = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_SPACE: Final = " \t\n\r\f\v"


class EntityParseError(ValueError):
    """The text is not valid in the requested parse mode."""


@dataclass
class FormattedText:
    """Plain text and its message entities, as Telegram stores a message's text."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int
    byte_offset: int
    language: str = ""


def utf16_len(text: str) -> int:
    """Return the length of `text` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> FormattedText:
    """Parse `text` in HTML parse mode or raise EntityParseError with Telegram's message."""
    out: list[str] = []
    out_len = 0  # in UTF-16 units
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            match = _ENTITY_RE.match(text, i)
            decoded = _decode_entity(match) if match else None
            if match and decoded is not None:
                out.append(decoded)
                out_len += utf16_len(decoded)
                i = match.end()
                continue
        if ch != "<":
            out.append(ch)
            out_len += utf16_len(ch)
            i += 1
            continue
        begin = i
        byte_offset = len(text[:begin].encode())
        if i + 1 < n and text[i + 1] == "/":
            i = _close_tag(text, begin, byte_offset, stack, entities, out_len)
        else:
            i, opened = _open_tag(text, begin, byte_offset, out_len)
            if opened.tag == "code" and stack and stack[-1].tag == "pre" and opened.argument:
                # <pre><code class="language-x"> gives the pre entity its language.
                stack[-1].language = opened.argument
            stack.append(opened)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return FormattedText("".join(out), entities)


def _decode_entity(match: re.Match[str]) -> str | None:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _NAMED_ENTITIES[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _open_tag(text: str, begin: int, byte_offset: int, out_len: int) -> tuple[int, _Open]:
    """Parse a start tag at `begin`; return the index after it and the opened tag."""
    n = len(text)
    i = begin + 1
    while i < n and text[i] not in _SPACE and text[i] != ">":
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
    tag = text[begin + 1 : i].lower()
    if tag not in TAG_ENTITY_TYPES:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {byte_offset}')
    argument = ""
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        if text[i] == ">":
            break
        name_begin = i
        while i < n and text[i] not in _SPACE and text[i] not in "=>":
            i += 1
        name = text[name_begin:i].lower()
        while i < n and text[i] in _SPACE:
            i += 1
        if i < n and text[i] != "=" and tag == "blockquote" and name == "expandable":
            argument = "expandable"
            continue
        if i >= n or text[i] != "=":
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {byte_offset}"
            )
        i += 1
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        value, i = _attribute_value(text, i, byte_offset)
        argument = _tag_argument(tag, name, value, argument)
    if tag == "span" and argument != "spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset}'
        )
    return i + 1, _Open(tag, argument, out_len, byte_offset)


def _attribute_value(text: str, i: int, byte_offset: int) -> tuple[str, int]:
    """Parse a quoted or bare attribute value at `i`; return it and the index after it."""
    n = len(text)
    if text[i] not in "'\"":
        begin = i
        while i < n and (text[i].isalnum() or text[i] in ".-"):
            i += 1
        if i >= n or (text[i] not in _SPACE and text[i] != ">"):
            token_offset = len(text[:begin].encode())
            raise EntityParseError(f"Unexpected end of name token at byte offset {token_offset}")
        return text[begin:i].lower(), i
    quote = text[i]
    i += 1
    value: list[str] = []
    while i < n and text[i] != quote:
        match = _ENTITY_RE.match(text, i) if text[i] == "&" else None
        decoded = _decode_entity(match) if match else None
        if match and decoded is not None:
            value.append(decoded)
            i = match.end()
        else:
            value.append(text[i])
            i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
    return "".join(value), i + 1


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    return current


def _close_tag(
    text: str,
    begin: int,
    byte_offset: int,
    stack: list[_Open],
    entities: list[dict[str, Any]],
    out_len: int,
) -> int:
    """Parse an end tag at `begin`, close the innermost tag and return the index after it."""
    n = len(text)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset}")
    i = begin + 2
    while i < n and text[i] not in _SPACE and text[i] != ">":
        i += 1
    name = text[begin + 2 : i].lower()
    while i < n and text[i] in _SPACE:
        i += 1
    if i >= n or text[i] != ">":
        raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset}")
    opened = stack.pop()
    if name and name != opened.tag:
        raise EntityParseError(
            f'Unmatched end tag at byte offset {byte_offset}, expected "</{opened.tag}>", '
            f'found "</{name}>"'
        )
    entity = _entity(
        opened, out_len - opened.offset, inside_pre=bool(stack) and stack[-1].tag == "pre"
    )
    if entity is not None:
        entities.append(entity)
    return i + 1


def _entity(opened: _Open, length: int, *, inside_pre: bool) -> dict[str, Any] | None:
    """Return the message entity for a closed tag, or None when Telegram would drop it."""
    if length <= 0 or (opened.tag == "code" and inside_pre):
        return None
    kind = TAG_ENTITY_TYPES[opened.tag]
    entity: dict[str, Any] = {"type": kind, "offset": opened.offset, "length": length}
    if kind == "text_link":
        if not opened.argument:
            return None
        entity["url"] = opened.argument
    elif kind == "pre" and opened.language:
        entity["language"] = opened.language
    elif kind == "custom_emoji":
        if not opened.argument:
            return None
        entity["custom_emoji_id"] = opened.argument
    elif kind == "blockquote" and opened.argument == "expandable":
        entity["type"] = "expandable_blockquote"
    return entity


def strip_formatted(formatted: FormattedText) -> FormattedText:
    """Trim leading and trailing whitespace as Telegram does, moving entities to match."""
    text = formatted.text
    stripped = text.lstrip()
    shift = utf16_len(text[: len(text) - len(stripped)])
    stripped = stripped.rstrip()
    limit = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for entity in formatted.entities:
        start = max(0, entity["offset"] - shift)
        end = min(limit, entity["offset"] + entity["length"] - shift)
        if end > start:
            entities.append(entity | {"offset": start, "length": end - start})
    return FormattedText(stripped, entities)
