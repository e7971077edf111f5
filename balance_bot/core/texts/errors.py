"""Texts of failures: the exchange's, explained so the owner can act, and the bot's own."""

from __future__ import annotations

from balance_bot.btcturk.errors import (
    AuthError,
    BtcTurkError,
    RateLimited,
    StampRejected,
    Unavailable,
)
from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.key_refusal import key_cause
from balance_bot.core.valuation import Portfolio


def exchange_error_message(error: BtcTurkError, view: View, *, advice: bool = True) -> str:
    """Explain an exchange failure in words the account owner can act on."""
    if isinstance(error, StampRejected):
        return view.t("error.stamp")
    if isinstance(error, AuthError) and error.refusal is not None:
        cause = key_cause(error.refusal, view)
        return view.t("error.auth_cause", cause=cause)
    if isinstance(error, AuthError):
        return view.t("error.auth")
    if isinstance(error, RateLimited):
        key = "error.rate_limited"
    elif isinstance(error, Unavailable):
        key = "error.unavailable"
    else:
        key = "error.bad_response"
    return view.t("error.with_advice", problem=view.t(key)) if advice else view.t(key)


def stale_notice(error: BtcTurkError, portfolio: Portfolio, view: View) -> str:
    """Say that the figures below are older than asked, and why."""
    problem = exchange_error_message(error, view, advice=False)
    return view.t("error.stale", problem=problem, when=view.when(portfolio.as_of))


def internal_error_message(lang: Lang) -> str:
    """Apologise for an unexpected failure without details."""
    return lang.t("error.internal")
