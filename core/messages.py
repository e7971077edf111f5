"""The bot's general texts: welcome, help, usage lines, refusals."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True)
class Command:
    """One command as the user types it and as the menu shows it."""

    name: str
    arguments: str
    description: str

    @property
    def usage(self) -> str:
        """Return the command with its argument syntax: /balance [ASSET]."""
        return f"/{self.name} {self.arguments}".rstrip()


COMMANDS: tuple[Command, ...] = (
    Command("balance", "[ASSET]", "Balances and their value, or one asset in detail"),
    Command("summary", "", "The daily summary, now"),
    Command("alert", "<ASSET|total> <above|below> <amount>", "Tell me when a balance crosses"),
    Command("alerts", "", "Your alerts and the values they watch"),
    Command("unalert", "<id>", "Remove an alert"),
    Command("status", "", "Is BTCTurk answering, when was the last check"),
    Command("help", "", "What the bot does and every command"),
)


def command(name: str) -> Command:
    """Return the command called `name`."""
    return next(c for c in COMMANDS if c.name == name)


def help_message(quote: str) -> str:
    """Describe the bot and list every command with its syntax."""
    lines = [
        "👋 <b>BTCTurk balance bot</b>",
        f"Your BTCTurk balances and their value in {escape(quote)}. I tell you when a balance",
        "changes, when an alert you set is crossed, and send a summary every morning.",
        "",
    ]
    lines += [f"{escape(c.usage)} — {escape(c.description)}" for c in COMMANDS]
    lines += ["", "Examples: /balance btc · /alert BTC below 5 · /alert total above 40000000"]
    return "\n".join(lines)


def usage_message(name: str, example: str) -> str:
    """Return the one-line usage answer to a malformed command."""
    return f"Usage: {escape(command(name).usage)}   e.g. {escape(example)}"


def unknown_command_message() -> str:
    """Answer a command or text the bot does not know."""
    return "I don't know that one. /help lists what I can do."


def refusal_message(chat_id: int) -> str:
    """Refuse a stranger, telling them only their own chat ID."""
    return (
        "⛔ This bot is private.\n"
        f"Your chat ID is <code>{chat_id}</code>: its owner can add it to ALLOWED_CHAT_IDS."
    )


def internal_error_message() -> str:
    """Apologise for an unexpected failure without details."""
    return "⚠️ Something went wrong while answering. It has been logged; please try again."
