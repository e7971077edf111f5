"""Check Telegram HTML as the Bot API would for the tags the bot sends; yield what users read.

A small `html.parser.HTMLParser`: only the whitelisted tags, balanced; "<" only as a tag; the
four named entities and numeric ones. Anything else fails with Telegram's "can't parse
entities" reasons and UTF-8 byte offsets. Entity offsets and lengths are in UTF-16 code units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Final

TAG_ENTITY_TYPES: Final[dict[str, str]] = {
    "b": "bold",
    "i": "italic",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
}
_NAMED_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(ValueError):
    """The text is not valid in the requested parse mode."""


@dataclass
class FormattedText:
    """Plain text and its message entities, as Telegram stores a message's text."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Return the length of `text` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> FormattedText:
    """Parse `text` in HTML parse mode or raise EntityParseError with Telegram's message."""
    checker = _Checker(text)
    checker.feed(text)
    checker.close()
    if checker.stack:
        tag = checker.stack[-1][0]
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    checker.entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return FormattedText("".join(checker.out), checker.entities)


class _Checker(HTMLParser):
    """Collect the plain text and entities of whitelisted, balanced tags; raise on the rest."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self._text = text
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.out: list[str] = []
        self.out_len = 0  # in UTF-16 units
        self.stack: list[tuple[str, int, str]] = []  # tag, offset, href
        self.entities: list[dict[str, Any]] = []

    def _byte_offset(self, extra: int = 0) -> int:
        """Return the UTF-8 byte offset of the parser's position (plus `extra` characters)."""
        line, column = self.getpos()
        return len(self._text[: self._line_starts[line - 1] + column + extra].encode())

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.out_len += utf16_len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAG_ENTITY_TYPES:
            raise EntityParseError(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
            )
        href = next((value or "" for name, value in attrs if name == "href"), "")
        self.stack.append((tag, self.out_len, href))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise EntityParseError(
            f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
        )

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        opened, offset, href = self.stack.pop()
        if tag != opened:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{opened}>", found "</{tag}>"'
            )
        length = self.out_len - offset
        kind = TAG_ENTITY_TYPES[opened]
        if length > 0 and (kind != "text_link" or href):
            entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
            if href:
                entity["url"] = href
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        if "<" in data:
            at = self._byte_offset(data.index("<"))
            raise EntityParseError(f'Unsupported start tag "" at byte offset {at}')
        self._emit(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _NAMED_ENTITIES:
            raise EntityParseError(
                f'Unsupported entity "&{name};" at byte offset {self._byte_offset()}'
            )
        self._emit(_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        digits = name[1:] if name[:1] in "xX" else name
        base = 16 if digits is not name else 10
        try:
            code = int(digits, base)
        except ValueError:
            code = 0
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(
                f'Unsupported entity "&#{name};" at byte offset {self._byte_offset()}'
            )
        self._emit(chr(code))

    def handle_comment(self, data: str) -> None:
        self._refuse()

    def handle_decl(self, decl: str) -> None:
        self._refuse()

    def handle_pi(self, data: str) -> None:
        self._refuse()

    def unknown_decl(self, data: str) -> None:
        self._refuse()

    def _refuse(self) -> None:
        """Refuse a comment, declaration or processing instruction: Telegram has none."""
        raise EntityParseError(f'Unsupported start tag "" at byte offset {self._byte_offset()}')


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
