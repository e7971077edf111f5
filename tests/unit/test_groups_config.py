"""ALLOWED_USER_IDS, GROUP_MEMBERS and REPORTS as the configuration reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from balance_bot.config import ConfigError
from tests.kit.services import unit_settings


def test_the_defaults_keep_groups_and_reports_as_before(tmp_path: Path) -> None:
    settings = unit_settings(tmp_path)
    assert settings.allowed_user_ids == frozenset()
    assert settings.group_members == "read"
    assert settings.reports == frozenset({"daily"})


def test_user_ids_group_members_and_reports_are_read(tmp_path: Path) -> None:
    settings = unit_settings(
        tmp_path, ALLOWED_USER_IDS=" 11, 22 ,", GROUP_MEMBERS="None", REPORTS="Weekly, daily"
    )
    assert settings.allowed_user_ids == frozenset({11, 22})
    assert settings.group_members == "none"
    assert settings.reports == frozenset({"daily", "weekly"})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ALLOWED_USER_IDS", "-5"),
        ("ALLOWED_USER_IDS", "alice"),
        ("GROUP_MEMBERS", "write"),
        ("REPORTS", "yearly"),
        ("REPORTS", ","),
    ],
)
def test_bad_values_are_named(tmp_path: Path, variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        unit_settings(tmp_path, **{variable: value})
    assert raised.value.variable == variable
