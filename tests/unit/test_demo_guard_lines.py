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


def test_suspend_all_closes_both_on_a_network_the_list_names() -> None:
    exchange = FakeBtcTurk()

    run_console_command(exchange, "!suspend BTC all l")

    assert block(exchange, "LBtc") == [(True, True)]


def test_a_network_the_list_does_not_name_is_refused_with_the_ones_it_does() -> None:
    exchange = FakeBtcTurk()

    said = run_console_command(exchange, "!suspend USDT withdrawals erc99")
    on_eth = run_console_command(exchange, "!suspend ETH deposits erc20")

    assert said == (
        "BTCTurk's list names no ERC99 network for USDT: its networks are ARC20, L (Liquid),"
        " TRC20; leave the network out for the coin's own row"
    )
    assert on_eth == (
        "BTCTurk's list names no ERC20 network for ETH; leave the network out for the coin's"
        " own row"
    )
    assert block(exchange, "Erc99Usdt") == block(exchange, "Erc20Eth") == []


def test_liquid_is_read_as_the_lists_l() -> None:
    exchange = FakeBtcTurk()

    said = run_console_command(exchange, "!suspend USDT deposits liquid")

    assert said == "USDT deposits on L (Liquid) now closed in BTCTurk's status list"
    assert block(exchange, "LUsdt") == [(False, True)]


def test_a_row_added_for_a_closure_is_served_open_once_reopened() -> None:
    exchange = FakeBtcTurk()
    exchange.info.close("BTC", "withdrawal", network="ERC20")
    closed = block(exchange, "Erc20Btc")

    exchange.info.reopen("BTC", "withdrawal", network="ERC20")

    assert closed == [(True, False)]
    assert block(exchange, "Erc20Btc") == [(False, False)]  # open, as the watcher must see it


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
