"""The /notify, /quiet, /chart_in_summary, /lang and /unmute texts: how one chat hears the
bot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from balance_bot.core.i18n import View
from balance_bot.core.notify import SETTINGS, Level, Setting


def level_name(level: Level, view: View) -> str:
    """Return a level in words: on, silent, off."""
    return view.t(f"notify.level.{level.value}")


def notify_rows(levels: Mapping[Setting, Level], view: View) -> list[str]:
    """Return one line per setting with the level the chat hears it at."""
    return [
        view.t(
            "notify.row", kind=view.t(f"notify.kind.{kind}"), level=level_name(levels[kind], view)
        )
        for kind in SETTINGS
    ]


def notify_message(levels: Mapping[Setting, Level], view: View) -> str:
    """Render /notify alone: every kind's level and how to change one."""
    return "\n".join([view.t("notify.title"), *notify_rows(levels, view), view.t("notify.hint")])


def notify_changed(kinds: Sequence[Setting], level: Level, view: View) -> str:
    """Confirm a /notify change."""
    if tuple(kinds) == SETTINGS:
        return view.t("notify.done_all", level=level_name(level, view))
    return view.t(
        "notify.done", kind=view.t(f"notify.kind.{kinds[0]}"), level=level_name(level, view)
    )


def quiet_message(hours: str | None, view: View, *, default: bool) -> str:
    """Show the chat's quiet hours (none, its own, or the bot's `default`) and how to change
    them."""
    if hours is None:
        shown = view.t("quiet.none")
    else:
        shown = view.t("quiet.current_default" if default else "quiet.current", hours=hours)
    return "\n".join([shown, view.t("quiet.hint")])


def unmute_message(held: int, view: View, until: datetime | None = None) -> str:
    """Confirm /unmute, counting the held messages that follow now, or that quiet hours still
    hold `until` then."""
    if not held:
        return view.t("unmute.done")
    if until is not None:
        key = "unmute.waiting_one" if held == 1 else "unmute.waiting"
        return view.t(key, count=held, when=view.when(until))
    if held == 1:
        return view.t("unmute.released_one")
    return view.t("unmute.released", count=held)


def quiet_default_message(hours: str | None, view: View) -> str:
    """Confirm /quiet default: the bot's default quiet hours, or that it has none."""
    if hours is None:
        return view.t("quiet.default_none")
    return view.t("quiet.current_default", hours=hours)


def summary_chart_message(on: bool, view: View, *, default: bool) -> str:
    """Show /chart_in_summary alone: whether this chat's summary comes with a chart (its own
    choice, or the bot's `default`), and how to change it."""
    shown = view.t("chart_in_summary.now_on" if on else "chart_in_summary.now_off")
    if default:
        shown = view.t("setting.default", setting=shown)
    return "\n".join([shown + ".", view.t("chart_in_summary.hint")])


def language_message(code: str, view: View, *, default: bool) -> str:
    """Show /lang alone: this chat's language (its own choice, or the bot's `default`), and
    how to change it."""
    shown = view.t("lang.now", language=view.t(f"lang.name.{code}"))
    if default:
        shown = view.t("setting.default", setting=shown)
    return "\n".join([shown + ".", view.t("lang.hint")])
