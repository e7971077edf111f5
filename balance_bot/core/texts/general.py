"""The bot's general texts: help, usage lines, unknown commands, refusals."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from balance_bot.core.commands import Command
from balance_bot.core.i18n import Lang, View


def help_message(commands: Sequence[Command], quote: str, summary_time: str, view: View) -> str:
    """Describe the bot (with the time of its daily summary) and list `commands`."""
    intro = view.t("help.intro", quote=escape(quote), time=escape(summary_time))
    lines = [view.t("help.title"), intro, ""]
    lines += [
        view.t(
            "help.command",
            usage=escape(c.usage(view.lang)),
            description=escape(c.description(view.lang)),
        )
        for c in commands
    ]
    lines += ["", view.t("help.examples")]
    return "\n".join(lines)


def usage_message(command: Command, view: View) -> str:
    """Return the one-line usage answer to a malformed command, with its example."""
    usage = escape(command.usage(view.lang))
    return view.t("usage", usage=usage, example=view.t(f"example.{command.name}"))


def unknown_command_message(view: View) -> str:
    """Answer a command or text the bot does not know."""
    return view.t("unknown_command")


def refusal_message(chat_id: int, lang: Lang) -> str:
    """Refuse a stranger, telling them only their own chat ID."""
    return lang.t("refusal", chat_id=chat_id)
