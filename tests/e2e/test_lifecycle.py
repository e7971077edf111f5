"""The bot's life cycle: a failure inside a running bot surfaces as itself, after a clean stop."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import build_application, running
from config import Settings


async def test_an_error_while_running_surfaces_unchanged_and_everything_stops(
    make_settings: Callable[..., Settings],
) -> None:
    application = build_application(make_settings())

    with pytest.raises(ValueError, match="boom"):
        async with running(application):
            raise ValueError("boom")

    assert not application.running
    assert application.updater is not None
    assert not application.updater.running
