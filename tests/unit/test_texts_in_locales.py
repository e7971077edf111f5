"""Every word and symbol the user reads lives in the locales, not in the rendering modules.

The rendering modules (core/texts/) may hold only what no translator would change: markup
tags, whitespace and ASCII punctuation ("<b>", "\\n", ", "). Anything else in one of their
string literals (a letter, an arrow, an emoji, " · ") is a text outside the locales. Exempt
are docstrings and the names of texts: the key given to `.t()` and a literal that is a key.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from balance_bot.core.locales import en

ROOT = Path(__file__).resolve().parents[2] / "balance_bot"
RENDERING_MODULES = sorted((ROOT / "core" / "texts").glob("*.py"))
TEXT_USERS = sorted(
    [
        *ROOT.glob("core/**/*.py"),
        *ROOT.glob("handlers/*.py"),
        *ROOT.glob("services/*.py"),
        *ROOT.glob("telegram_io/*.py"),
    ]
)
_TAG = re.compile(r"</?[a-z]+>")
_ALLOWED = set(string.whitespace) | set(string.punctuation)


def outside_texts(source: str) -> list[str]:
    """Return the literals of `source` that hold something a translator would change."""
    tree = ast.parse(source)
    exempt = {id(node) for node in _docstrings(tree)} | {id(node) for node in _keys(tree)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in exempt or node.value in en.TEXTS:
            continue
        if not set(_TAG.sub("", node.value)) <= _ALLOWED:
            found.append(node.value)
    return found


def _docstrings(tree: ast.Module) -> Iterator[ast.expr]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                yield first.value


def _key_arguments(tree: ast.Module) -> Iterator[ast.expr]:
    """Yield the key argument of every `.t(key, ...)` call."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "t"
            and node.args
        ):
            yield node.args[0]


def _keys(tree: ast.Module) -> Iterator[ast.AST]:
    """Yield every node of the key argument of a `.t(key, ...)` call."""
    for key in _key_arguments(tree):
        yield from ast.walk(key)


def named_keys(source: str) -> list[str]:
    """Return the keys `.t()` is called with, a key built in an f-string as its fixed start."""
    keys = []
    for key in _key_arguments(ast.parse(source)):
        sides = [key.body, key.orelse] if isinstance(key, ast.IfExp) else [key]
        for side in sides:
            if isinstance(side, ast.Constant) and isinstance(side.value, str):
                keys.append(side.value)
            elif isinstance(side, ast.JoinedStr) and isinstance(side.values[0], ast.Constant):
                keys.append(str(side.values[0].value) + "*")
    return keys


def test_there_are_rendering_modules_to_check() -> None:
    names = {path.stem for path in RENDERING_MODULES}
    assert {"balance", "notices", "alerts", "status", "summary", "general"} <= names


@pytest.mark.parametrize("path", RENDERING_MODULES, ids=lambda path: path.name)
def test_a_rendering_module_holds_no_text_of_its_own(path: Path) -> None:
    assert outside_texts(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "line",
    [
        'lines.append(f"<b>{asset}</b> {old} → {new}")',
        'worth = f"  ≈ {value} {quote}"',
        'return f"{round(seconds * 1000)} ms"',
        'line = f"📊 {total} · {when}"',
        'text = view.t("alert.now", value="unknown")',
        'return f"{title}\\n{again}   /unalert {alert_id}"',
    ],
)
def test_the_check_finds_a_text_outside_the_locales(line: str) -> None:
    assert outside_texts(line) != []


def test_the_check_lets_markup_keys_and_docstrings_pass() -> None:
    source = '''
def render(view, rows, kind, urgent):
    """Render the rows: a docstring is for the reader of the code."""
    key = "alerts.row_urgent" if urgent else "alerts.row"
    lines = [view.t(key), view.t(f"note.{kind}"), ", ".join(rows), "<pre>", "</pre>"]
    return "\\n".join(lines)
'''
    assert outside_texts(source) == []


@pytest.mark.parametrize("path", TEXT_USERS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_text_the_code_names_exists(path: Path) -> None:
    for key in named_keys(path.read_text(encoding="utf-8")):
        if key.endswith("*"):
            assert any(k.startswith(key[:-1]) for k in en.TEXTS), key
        else:
            assert key in en.TEXTS, key


def test_the_key_check_reads_plain_chosen_and_built_keys() -> None:
    source = 'view.t("a.b"); lang.t("c" if x else "d", n=1); view.t(f"note.{kind}")'
    assert named_keys(source) == ["a.b", "c", "d", "note.*"]
