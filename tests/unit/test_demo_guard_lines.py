"""The demo's lines for BTCTurk's own status and the key's IP: each changes what the simulated
exchange serves, as the bot then reads it."""

from __future__ import annotations

import json

from balance_bot.fakes.console import run_console_command
from balance_bot.fakes.exchange import FakeBtcTurk


def served(exchange: FakeBtcTurk) -> dict[str, object]:
    data = json.loads(exchange.info.body())["data"]
    assert isinstance(data, dict)
    return data


def block(exchange: FakeBtcTurk, symbol: str) -> list[tuple[bool, bool]]:
    rows = served(exchange)["currencyOperationBlocks"]
    assert isinstance(rows, list)
    return [
        (row["withdrawalDisabled"], row["depositDisabled"])
        for row in rows
        if row["currencySymbol"] == symbol
    ]


def status_of(exchange: FakeBtcTurk, pair: str) -> list[str]:
    rows = served(exchange)["symbols"]
    assert isinstance(rows, list)
    return [row["status"] for row in rows if row["name"] == pair]


def test_suspend_and_resume_close_and_open_a_coin_on_a_network() -> None:
    exchange = FakeBtcTurk()

    said = run_console_command(exchange, "!suspend USDT withdrawals trc20")
    closed = block(exchange, "Trc20Usdt")
    run_console_command(exchange, "!resume usdt withdrawals TRC20")

    assert said == "USDT withdrawals on TRC20 now closed in BTCTurk's status list"
    assert closed == [(True, False)]
    assert block(exchange, "Trc20Usdt") == [(False, False)]
    assert block(exchange, "Usdt") == [(False, False)]  # the coin's own row untouched


def test_suspend_all_closes_both_and_a_network_without_a_row_gets_one() -> None:
    exchange = FakeBtcTurk()

    run_console_command(exchange, "!suspend BTC all erc20")

    assert block(exchange, "Erc20Btc") == [(True, True)]


def test_halt_resume_delist_and_newpair_change_the_pair_list() -> None:
    exchange = FakeBtcTurk()

    run_console_command(exchange, "!halt btc")  # BTC: BTCTRY
    halted = status_of(exchange, "BTCTRY")
    run_console_command(exchange, "!resume BTCTRY")
    trading = status_of(exchange, "BTCTRY")
    run_console_command(exchange, "!delist ETHTRY")
    gone = status_of(exchange, "ETHTRY")
    said = run_console_command(exchange, "!newpair GLMRTRY")

    assert (halted, trading, gone) == (["HALT"], ["TRADING"], [])
    assert said == "GLMRTRY is a new pair on BTCTurk"
    assert status_of(exchange, "GLMRTRY") == ["TRADING"]
    assert run_console_command(exchange, "!halt NOPETRY") == "no pair NOPETRY in BTCTurk's list"


def test_a_bad_operation_points_to_help() -> None:
    exchange = FakeBtcTurk()

    said = run_console_command(exchange, "!suspend USDT transfers")

    assert said == "say withdrawals, deposits or all: !help shows the form"


def test_ip_off_refuses_signed_requests_and_ip_on_accepts_them() -> None:
    exchange = FakeBtcTurk()

    run_console_command(exchange, "!ip off")
    refused = exchange.ip_allowed
    run_console_command(exchange, "!ip on")

    assert (refused, exchange.ip_allowed) == (False, True)
