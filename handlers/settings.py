"""/settings, /lang, /mute and /unmute: how this chat hears from the bot."""

from __future__ import annotations

from telegram import Update

from core.i18n import LANGUAGES
from core.quiet import parse_mute_duration
from core.texts.settings import ChatSettingsView, settings_message
from core.texts.status import interval
from handlers.commands import chat_view
from handlers.context import BotContext
from handlers.replies import reply_html


async def show_settings(update: Update, context: BotContext) -> None:
    """Show the chat's language, schedule, quiet hours and mute."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    settings = services.settings
    facts = ChatSettingsView(
        quote=settings.quote_currency,
        summary_time=f"{settings.daily_summary_time:%H:%M}",
        summary_chart=settings.summary_chart,
        poll_interval=interval(settings.poll_interval_s, view),
        order_changes=settings.notify_order_changes,
        quiet_hours=None if settings.quiet_hours is None else str(settings.quiet_hours),
        muted_until=(await services.store.chat_settings(chat.id)).muted_until,
    )
    await reply_html(update, settings_message(facts, view))


async def set_language(update: Update, context: BotContext) -> None:
    """Change the chat's language: /lang en or /lang tr."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    args = context.args or []
    code = args[0].lower() if len(args) == 1 else ""
    if code not in LANGUAGES:
        await reply_html(update, (await chat_view(update, services)).t("lang.usage"))
        return
    await services.views.set_language(chat.id, code)
    await reply_html(update, services.views.view_in(code).t("lang.changed"))


async def mute(update: Update, context: BotContext) -> None:
    """Hold change alerts for a while: /mute, /mute 30m, /mute 2h, /mute 1d."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    try:
        duration = parse_mute_duration(context.args or [])
    except ValueError:
        await reply_html(update, view.t("mute.usage"))
        return
    until = view.now + duration
    await services.store.set_muted_until(chat.id, until)
    await reply_html(update, view.t("mute.done", when=view.when(until)))


async def unmute(update: Update, context: BotContext) -> None:
    """End the chat's mute and deliver what it held."""
    services, chat = context.services, update.effective_chat
    assert chat is not None
    view = await chat_view(update, services)
    muted_until = (await services.store.chat_settings(chat.id)).muted_until
    if muted_until is None or muted_until <= view.now:
        await reply_html(update, view.t("unmute.not_muted"))
        return
    await services.store.set_muted_until(chat.id, None)
    released = await services.store.release_held(chat.id)
    text = view.t("unmute.released", count=released) if released else view.t("unmute.done")
    await reply_html(update, text)
    if released:
        await services.deliverer.deliver_due()
