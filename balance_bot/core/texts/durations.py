"""Durations in words, the question asked about a duration that reads two ways, and why a
/mute duration was refused."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from balance_bot.core.durations import AmbiguousDuration, MuteRefused
from balance_bot.core.i18n import Lang, View

_SIZES = (  # a unit, its text for one and for several
    (timedelta(weeks=1), "duration.weeks.one", "duration.weeks.many"),
    (timedelta(days=1), "duration.days.one", "duration.days.many"),
    (timedelta(hours=1), "duration.hours.one", "duration.hours.many"),
    (timedelta(minutes=1), "duration.minutes.one", "duration.minutes.many"),
)


def duration_words(span: timedelta, view: View | Lang) -> str:
    """Return a duration in words, in its largest whole unit: 2 days, 90 minutes (2 gün)."""
    for size, one, many in _SIZES:
        if span >= size and span % size == timedelta(0):
            count = span // size
            return view.t(one) if count == 1 else view.t(many, n=count)
    return view.t("duration.minutes.many", n=int(span.total_seconds() // 60))


def ambiguous_duration(command: str, error: AmbiguousDuration, view: View) -> str:
    """Ask which reading of a duration was meant, each as the command `command` ready to send."""
    (_, first), (_, second) = error.readings[:2]
    lines = [
        view.t(
            "duration.ambiguous",
            text=escape(error.text),
            first=duration_words(first, view),
            second=duration_words(second, view),
        )
    ]
    lines += [f"/{command} {escape(typed)}" for typed, _ in error.readings]
    return "\n".join(lines)


def mute_refused(error: MuteRefused, view: View) -> str:
    """Say why /mute refused its duration (a unit the chat's language does not take, no
    duration at all, too long), then the usage line."""
    reason = view.t(
        f"mute.refused.{error.problem}", text=escape(error.text), unit=escape(error.unit)
    )
    return "\n".join([reason, view.t("mute.usage")])
