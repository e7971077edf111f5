"""The bot's general texts: welcome, help, usage lines, refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from core.i18n import Lang, View


@dataclass(frozen=True, slots=True)
class Command:
    """One command as the user types it; its description is looked up per language."""

    name: str
    arguments: bool = False  # its syntax is the text "args.<name>" of each language

    def usage(self, lang: Lang) -> str:
        """Return the command with its argument syntax in `lang`: /balance [ASSET]."""
        arguments = lang.t(f"args.{self.name}") if self.arguments else ""
        return f"/{self.name} {arguments}".rstrip()

    def description(self, lang: Lang) -> str:
        """Return what the command does, in `lang`."""
        return lang.t(f"command.{self.name}")


COMMANDS: tuple[Command, ...] = (
    Command("balance", True),
    Command("summary"),
    Command("chart"),
    Command("alert", True),
    Command("alerts"),
    Command("unalert", True),
    Command("mute", True),
    Command("unmute"),
    Command("settings"),
    Command("lang", True),
    Command("status"),
    Command("help"),
)


def command(name: str) -> Command:
    """Return the command called `name`."""
    return next(c for c in COMMANDS if c.name == name)


def help_message(quote: str, view: View) -> str:
    """Describe the bot and list every command with its syntax."""
    lines = [view.t("help.title"), view.t("help.intro", quote=escape(quote)), ""]
    lines += [
        view.t(
            "help.command",
            usage=escape(c.usage(view.lang)),
            description=escape(c.description(view.lang)),
        )
        for c in COMMANDS
    ]
    lines += ["", view.t("help.examples")]
    return "\n".join(lines)


def usage_message(name: str, view: View) -> str:
    """Return the one-line usage answer to a malformed command, with its example."""
    usage = escape(command(name).usage(view.lang))
    return view.t("usage", usage=usage, example=view.t(f"example.{name}"))


def unknown_command_message(view: View) -> str:
    """Answer a command or text the bot does not know."""
    return view.t("unknown_command")


def refusal_message(chat_id: int, lang: Lang) -> str:
    """Refuse a stranger, telling them only their own chat ID."""
    return lang.t("refusal", chat_id=chat_id)


def internal_error_message(lang: Lang) -> str:
    """Apologise for an unexpected failure without details."""
    return lang.t("error.internal")


@dataclass(frozen=True, slots=True)
class ChatSettingsView:
    """What /settings shows: the bot's configuration as it applies to one chat."""

    quote: str
    summary_time: str
    summary_chart: bool
    poll_interval: str
    order_changes: bool
    quiet_hours: str | None
    muted_until: datetime | None


def settings_message(facts: ChatSettingsView, view: View) -> str:
    """Render /settings."""
    lines = [
        view.t("settings.title"),
        view.t("settings.language", language=view.t("language.name")),
        view.t("settings.quote", quote=escape(facts.quote)),
        view.t("settings.timezone", zone=escape(view.place())),
        view.t(
            "settings.summary_with_chart" if facts.summary_chart else "settings.summary",
            time=facts.summary_time,
        ),
        view.t("settings.poll", interval=facts.poll_interval),
        view.t(
            "settings.orders",
            state=view.t("settings.on" if facts.order_changes else "settings.off"),
        ),
        view.t("settings.quiet", hours=facts.quiet_hours or view.t("settings.quiet_none")),
    ]
    if facts.muted_until is not None and facts.muted_until > view.now:
        lines.append(view.t("settings.muted", when=view.when(facts.muted_until)))
    else:
        lines.append(view.t("settings.unmuted"))
    return "\n".join(lines)
