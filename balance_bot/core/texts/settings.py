"""The /settings text: the bot's configuration as it applies to one chat."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from balance_bot.core.i18n import View
from balance_bot.core.notify import Level, Setting
from balance_bot.core.texts.notify import notify_rows


@dataclass(frozen=True, slots=True)
class ChatSettingsView:
    """What /settings shows: the bot's configuration as it applies to one chat."""

    quote: str
    summary_time: str
    summary_chart: bool
    checking: str  # how often balances are checked now (core.texts.status.checking_line)
    order_changes: bool
    quiet_hours: str | None
    muted_until: datetime | None
    notify: Mapping[Setting, Level] = field(default_factory=dict)  # every setting, when given


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
        facts.checking,
        *_orders_or_levels(facts, view),
        view.t("settings.quiet", hours=facts.quiet_hours or view.t("settings.quiet_none")),
    ]
    if facts.muted_until is not None and facts.muted_until > view.now:
        lines.append(view.t("settings.muted", when=view.when(facts.muted_until)))
    else:
        lines.append(view.t("settings.unmuted"))
    return "\n".join(lines)


def _orders_or_levels(facts: ChatSettingsView, view: View) -> list[str]:
    """Return the notification levels, or (without them) whether order moves are reported."""
    if facts.notify:
        return [view.t("settings.notify"), *notify_rows(facts.notify, view)]
    state = view.t("settings.on" if facts.order_changes else "settings.off")
    return [view.t("settings.orders", state=state)]
