"""Tests for core.alert_commands: an alert typed back, its button's data, /unalert's ids."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from balance_bot.core.alert_commands import (
    ALERT_BUTTON_PREFIX,
    MAX_DATA_BYTES,
    button_args,
    button_data,
    parse_unalert_args,
    typed_args,
)
from balance_bot.core.alert_parse import AlertRequest
from balance_bot.core.durations import TURKISH_UNITS
from balance_bot.core.thresholds import TOTAL, AlertSpec, Direction, Kind
from balance_bot.core.typed_numbers import ENGLISH, TURKISH

D = Decimal
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("request_", "en", "tr"),
    [
        (AlertRequest(AlertSpec("BTC", Direction.BELOW, D("2.5"))), "BTC below 2.5",
         "BTC below 2,5"),
        (AlertRequest(AlertSpec(TOTAL, Direction.ABOVE, D("4e7"))), "total above 40000000",
         "total above 40000000"),
        (AlertRequest(AlertSpec("BTC", Direction.ABOVE, D("3.6"), Kind.PRICE), urgent=True,
                      confirmed=True), "BTC price above 3.6 urgent confirm",
         "BTC price above 3,6 urgent confirm"),
        (AlertRequest(AlertSpec("BTC", Direction.ABOVE, D("2.5"), Kind.MOVE, 72 * H, 6 * H)),
         "BTC move 2.5% 3d cooldown 6h", "BTC move %2,5 3d cooldown 6h"),
    ],
)  # fmt: skip
def test_typed_args_in_plain_digits(request_: AlertRequest, en: str, tr: str) -> None:
    assert " ".join(typed_args(request_, ENGLISH)) == en
    assert " ".join(typed_args(request_, TURKISH)) == tr


def test_a_move_typed_back_in_turkish_writes_the_percent_sign_first() -> None:
    move = AlertRequest(AlertSpec(TOTAL, Direction.ABOVE, D("12.5"), Kind.MOVE, 24 * H))

    assert " ".join(typed_args(move, TURKISH, TURKISH_UNITS)) == "toplam hareket %12,5 24sa"
    assert " ".join(typed_args(move, ENGLISH)) == "total move 12.5% 24h"


def test_a_button_carries_the_command_it_runs_when_it_fits() -> None:
    request = AlertRequest(AlertSpec("BTC", Direction.ABOVE, D(1000)), confirmed=True)
    data = button_data(request)
    assert data == "alert:BTC above 1000 confirm"
    assert button_args(data) == ["BTC", "above", "1000", "confirm"]
    huge = AlertSpec(TOTAL, Direction.ABOVE, D("999999999999999.9999999999999999"), Kind.VALUE)
    assert button_data(AlertRequest(huge, urgent=True, confirmed=True)) is None
    assert len(ALERT_BUTTON_PREFIX) < MAX_DATA_BYTES
    assert button_args("refresh:BTC") == []


@pytest.mark.parametrize(
    ("args", "wanted"),
    [(["3"], [3]), (["#3"], [3]), (["2", "5", "7"], [2, 5, 7]), (["2,5,", "#7", "5"], [2, 5, 7]),
     (["all"], "all"), (["ALL"], "all"), (["hepsi"], "all")],
)  # fmt: skip
def test_unalert_names_ids_or_all(args: list[str], wanted: list[int] | str) -> None:
    assert parse_unalert_args(args) == wanted


@pytest.mark.parametrize(
    "args",
    [[], [","], ["x"], ["2", "all"], ["-1"], ["1.5"], ["1" * 10], [str(n) for n in range(51)]],
)
def test_unalert_refuses_anything_else(args: list[str]) -> None:
    with pytest.raises(ValueError, match="alert"):
        parse_unalert_args(args)
