"""Tests for handlers/command_table.py: one entry per command registers it, lists it in the
menu in both languages and gives it its line in /help."""

from __future__ import annotations

import ast
import inspect
from html import escape
from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder, CommandHandler

from balance_bot.core.i18n import LANGUAGES, get_lang
from balance_bot.core.texts.general import help_message
from balance_bot.handlers.command_table import CHANGING, LISTED, SHOWN_ALONE, TABLE, add_commands
from tests.unit.reply_gallery import view as view_in

ROOT = Path(__file__).resolve().parents[2] / "balance_bot"
BOT_DESCRIPTION_MAX = 256  # Telegram's limit for a menu entry's description
PRODUCT_DIRS = ("handlers", "services", "core", "store", "btcturk")


def test_every_command_is_registered_with_its_own_handler() -> None:
    application = ApplicationBuilder().token("123:token").build()
    add_commands(application)

    registered = {
        name: handler.callback
        for handler in application.handlers[0]
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }

    assert registered == {entry.command.name: entry.handler for entry in TABLE}
    assert len(TABLE) == len(registered)  # no name twice
    for entry in TABLE:
        assert inspect.iscoroutinefunction(entry.handler), entry.command.name


def test_the_table_is_the_only_place_a_command_handler_is_made() -> None:
    makers = []
    for path in [ROOT / "app.py", *(p for d in PRODUCT_DIRS for p in (ROOT / d).rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Name) and called.id == "CommandHandler":
                makers.append(str(path.relative_to(ROOT)))

    assert makers == ["handlers/command_table.py"]


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_listed_command_has_a_menu_entry_in_both_languages(code: str) -> None:
    lang = get_lang(code)
    for command in LISTED:
        assert f"command.{command.name}" in LANGUAGES[code], command.name
        description = command.description(lang)
        assert 0 < len(description) <= BOT_DESCRIPTION_MAX, command.name
        if command.arguments:
            assert f"args.{command.name}" in LANGUAGES[code], command.name
            assert command.usage(lang).startswith(f"/{command.name} ")
        else:
            assert command.usage(lang) == f"/{command.name}"


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_help_has_one_line_per_listed_command_in_the_tables_order(code: str) -> None:
    view = view_in(code)
    text = help_message(LISTED, "TRY", "09:00", view)
    expected = [
        view.t(
            "help.command",
            usage=escape(command.usage(view.lang)),
            description=escape(command.description(view.lang)),
        )
        for command in LISTED
    ]

    lines = text.splitlines()
    assert [line for line in lines if line.startswith("/")] == expected


def test_start_answers_but_is_not_listed() -> None:
    names = [command.name for command in LISTED]

    assert "start" in {entry.command.name for entry in TABLE}
    assert "start" not in names
    assert names[-1] == "help"


def test_what_a_read_only_group_member_may_not_run_is_said_in_the_table() -> None:
    assert (
        frozenset(
            {"alert", "unalert", "mute", "unmute", "lang", "notify", "quiet", "chart_in_summary"}
        )
        == CHANGING
    )
    assert frozenset({"notify"}) == SHOWN_ALONE  # alone, it only shows the chat's choices
