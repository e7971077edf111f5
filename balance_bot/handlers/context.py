"""The context every handler and job receives: python-telegram-bot's, plus the services."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from balance_bot.services.context import Services


class BotData(dict[Any, Any]):
    """The Application's bot_data: python-telegram-bot's dict, and the services handed to
    `build_application()` (app.py) as soon as the Application is built."""

    services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """A CallbackContext that reaches the bot's services as `context.services`."""

    @property
    def services(self) -> Services:
        """Return the services of the running bot."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("an Application not built by build_application() has no services")
        return services


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
