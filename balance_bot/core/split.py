"""Split Telegram HTML into messages no longer than Telegram's limit, keeping tags balanced."""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut `text` at line ends into parts of at most `limit` characters.

    A part that ends inside an open tag (such as a <pre> table) closes it, and the next part
    reopens it, so every part is valid HTML on its own. A line that starts with a space goes
    on the line before it (a record's second line, the difference under a change) and stays
    in its part. A single line longer than a part is cut between characters, never inside a
    tag or an entity such as &amp;.
    """
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag text), outermost first
    current, prefix_len = "", 0
    for line in _lines(text, limit // 2):
        after = _after(open_tags, line)
        if len(current) > prefix_len and len(current) + len(line) + len(_closing(after)) > limit:
            parts.append(current.rstrip("\n") + _closing(open_tags))
            current = "".join(tag for _, tag in open_tags)
            prefix_len = len(current)
        current += line
        open_tags = after
    if len(current) > prefix_len:
        parts.append(current.rstrip("\n") + _closing(open_tags))
    return parts


def _closing(open_tags: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(open_tags))


def _after(open_tags: list[tuple[str, str]], line: str) -> list[tuple[str, str]]:
    """Return the tags still open after `line`."""
    stack = list(open_tags)
    for match in _TAG.finditer(line):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            stack.append((name, match.group(0)))
        elif stack and stack[-1][0] == name:
            stack.pop()
    return stack


def _lines(text: str, max_len: int) -> list[str]:
    """Return the lines of `text` (with their newlines), long ones cut into safe pieces, a
    line that starts with a space joined to the one before it."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith(" ") and pieces and len(pieces[-1]) + len(line) <= max_len:
            pieces[-1] += line
            continue
        while len(line) > max_len:
            cut = _safe_cut(line, max_len)
            pieces.append(line[:cut])
            line = line[cut:]
        pieces.append(line)
    return pieces


def _safe_cut(line: str, max_len: int) -> int:
    """Return a cut position at or before `max_len` that is not inside a tag or an entity."""
    cut = max_len
    for opener, closer in (("<", ">"), ("&", ";")):
        start = line.rfind(opener, 0, cut)
        if start != -1 and line.find(closer, start, cut) == -1 and start > 0:
            cut = start
    return cut
