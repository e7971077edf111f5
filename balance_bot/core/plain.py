"""Telegram HTML turned into plain text: the fallback when Telegram cannot parse a message."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^<>]*>")
CANNOT_PARSE = "can't parse entities"


def plain_text(html_text: str) -> str:
    """Return the text without its tags and with its entities unescaped."""
    return html.unescape(_TAG.sub("", html_text))


def cannot_parse(error_message: str) -> bool:
    """Tell whether a Bot API error says the message's formatting could not be parsed."""
    return CANNOT_PARSE in error_message.lower()
