"""Give the real bot the kit's clocks and sleep: the classes app.py builds, given ours.

build_application() offers no way to pass a clock to the services it builds in post_init, so
the class it instantiates is replaced by the same class with the test's clock bound.
"""

from __future__ import annotations

import functools

import pytest

import app
from btcturk.client import BtcTurkClient
from services.portfolio import PortfolioService
from services.summaries import Summaries
from tests.kit.clocks import ManualMonotonic, RecordedSleep


def record_backoff(monkeypatch: pytest.MonkeyPatch) -> RecordedSleep:
    """Build the bot's exchange client with a backoff that records its delays instantly."""
    sleep = RecordedSleep()
    monkeypatch.setattr(app, "BtcTurkClient", functools.partial(BtcTurkClient, sleep=sleep))
    return sleep


def hand_cache_clock(monkeypatch: pytest.MonkeyPatch, *, tick: float = 0.0) -> ManualMonotonic:
    """Build the bot's portfolio service (its 5 s balance cache) on a clock the test moves."""
    clock = ManualMonotonic(tick=tick)
    monkeypatch.setattr(
        app, "PortfolioService", functools.partial(PortfolioService, monotonic=clock)
    )
    return clock


def hand_boot_clock(monkeypatch: pytest.MonkeyPatch) -> ManualMonotonic:
    """Build the bot's daily summaries on a boot clock (real time, never stepped) the test moves."""
    boot = ManualMonotonic(now=50_000.0)
    monkeypatch.setattr(app, "Summaries", functools.partial(Summaries, boot_clock=boot))
    return boot
