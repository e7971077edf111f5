"""/settings, /lang, /mute, /unmute, /notify, /quiet, /chart_in_summary: how a chat hears."""

from __future__ import annotations

from telegram import Chat, Update

from balance_bot.core.durations import (
    AmbiguousDuration,
    MuteRefused,
    duration_units,
    mute_duration,
)
from balance_bot.core.i18n import View, read_language
from balance_bot.core.notify import (
    Level,
    QuietChoice,
    Setting,
    default_levels,
    effective_levels,
    parse_notify,
    parse_quiet,
    parse_switch,
)
from balance_bot.core.texts.durations import ambiguous_duration, mute_refused
from balance_bot.core.texts.notify import (
    language_message,
    notify_changed,
    notify_message,
    quiet_default_message,
    quiet_message,
    summary_chart_message,
    unmute_message,
)
from balance_bot.core.texts.settings import ChatSettingsView, settings_message
from balance_bot.core.texts.status import checking_line
from balance_bot.handlers.answers import feed_facts
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.preamble import in_chat
from balance_bot.handlers.replies import reply_html
from balance_bot.services.context import Services
from balance_bot.services.quiet import Held


@in_chat
async def show_settings(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show the chat's language, schedule, quiet hours and mute."""
    services = context.services
    settings = services.settings
    chat_settings = await services.store.chat_settings(chat.id)
    quiet_hours = chat_settings.quiet_hours_or(settings.quiet_hours)
    feed = feed_facts(services, alerts=await services.store.count_alerts())
    facts = ChatSettingsView(
        quote=settings.quote_currency,
        summary_time=f"{settings.daily_summary_time:%H:%M}",
        summary_chart=chat_settings.summary_chart_or(settings.summary_chart),
        checking=checking_line(settings.poll_interval_s, feed, view),
        order_changes=settings.notify_order_changes is not Level.OFF,
        quiet_hours=None if quiet_hours is None else str(quiet_hours),
        muted_until=chat_settings.muted_until,
        notify=await _levels(services, chat.id),
    )
    await reply_html(update, settings_message(facts, view))


@in_chat
async def set_language(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show the chat's language, or change it: /lang en or /lang tr."""
    services = context.services
    args = context.args or []
    if not args:
        chosen = (await services.store.chat_settings(chat.id)).language
        text = language_message(view.lang.code, view, default=chosen is None)
        await reply_html(update, text)
        return
    code = read_language(args[0]) if len(args) == 1 else None
    if code is None:
        await reply_html(update, view.t("lang.usage"))
        return
    await services.views.set_language(chat.id, code)
    await reply_html(update, services.views.view_in(code).t("lang.changed"))


@in_chat
async def mute(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Hold change alerts for a while: /mute, /mute 30m, /mute 2h, /mute 1d (Turkish: 2sa, 1g)."""
    services = context.services
    try:
        duration = mute_duration(context.args or [], duration_units(view.lang.code))
    except AmbiguousDuration as error:
        await reply_html(update, ambiguous_duration("mute", error, view))
        return
    except MuteRefused as error:
        await reply_html(update, mute_refused(error, view))
        return
    until = view.now + duration
    await services.store.set_muted_until(chat.id, until)
    held = await services.quiet.reconsider(chat.id, view.now)  # a shorter mute than before
    await reply_html(update, view.t("mute.done", when=view.when(until)))
    await _deliver_released(services, held)


@in_chat
async def unmute(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """End the chat's mute and deliver what it held."""
    services = context.services
    muted_until = (await services.store.chat_settings(chat.id)).muted_until
    if muted_until is None or muted_until <= view.now:
        await reply_html(update, view.t("unmute.not_muted"))
        return
    await services.store.set_muted_until(chat.id, None)
    held = await services.quiet.reconsider(chat.id, view.now)
    await reply_html(update, unmute_message(held.count, view, held.until))
    await _deliver_released(services, held)


async def _deliver_released(services: Services, held: Held) -> None:
    """Send the held messages that no longer wait (after the reply that tells of them)."""
    if held.count and held.until is None:
        await services.deliverer.deliver_due()


async def _levels(services: Services, chat_id: int) -> dict[Setting, Level]:
    """Return how the chat hears each setting now."""
    defaults = default_levels(order_changes=services.settings.notify_order_changes)
    return effective_levels((await services.store.chat_settings(chat_id)).notify, defaults)


@in_chat
async def notify(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show or set how this chat hears each kind: /notify changes silent."""
    services = context.services
    args = context.args or []
    if not args:
        await reply_html(update, notify_message(await _levels(services, chat.id), view))
        return
    try:
        kinds, level = parse_notify(args)
    except ValueError:
        await reply_html(update, view.t("notify.usage"))
        return
    chosen = dict((await services.store.chat_settings(chat.id)).notify)
    chosen.update(dict.fromkeys(kinds, level))
    await services.store.set_notify(chat.id, chosen)
    await reply_html(update, notify_changed(kinds, level, view))


@in_chat
async def quiet(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show this chat's quiet hours, or set them: /quiet 23:00-07:00, /quiet off, /quiet default."""
    services = context.services
    default = services.settings.quiet_hours
    if not context.args:
        chosen = await services.store.chat_settings(chat.id)
        now = chosen.quiet_hours_or(default)
        own = chosen.quiet_off or chosen.quiet_hours is not None
        text = quiet_message(None if now is None else str(now), view, default=not own)
        await reply_html(update, text)
        return
    try:
        span = parse_quiet(context.args or [])
    except ValueError:
        await reply_html(update, view.t("quiet.usage"))
        return
    if span is QuietChoice.OFF:
        await services.store.set_quiet_hours(chat.id, None, off=True)
        text = view.t("quiet.off")
    elif span is QuietChoice.DEFAULT:
        await services.store.set_quiet_hours(chat.id, None)
        text = quiet_default_message(None if default is None else str(default), view)
    else:
        await services.store.set_quiet_hours(chat.id, span)
        text = view.t("quiet.set", hours=str(span))
    held = await services.quiet.reconsider(chat.id, view.now)
    await reply_html(update, text)
    await _deliver_released(services, held)


@in_chat
async def chart_in_summary(update: Update, context: BotContext, chat: Chat, view: View) -> None:
    """Show or choose whether this chat's summary comes with a chart: /chart_in_summary
    on|off."""
    services = context.services
    if not context.args:
        chosen = (await services.store.chat_settings(chat.id)).summary_chart
        on = services.settings.summary_chart if chosen is None else chosen
        await reply_html(update, summary_chart_message(on, view, default=chosen is None))
        return
    try:
        wanted = parse_switch(context.args or [])
    except ValueError:
        await reply_html(update, view.t("chart_in_summary.usage"))
        return
    await services.store.set_summary_chart(chat.id, wanted)
    await reply_html(update, view.t("chart_in_summary.on" if wanted else "chart_in_summary.off"))
