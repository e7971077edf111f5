"""`exchangeinfo` as BTCTurk sends it: the captured 2022 answer parses whole, its title-case
and network-prefixed block symbols map to coins and networks, duplicates close when any row
does, and a row without what it needs is skipped, not fatal."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.btcturk.errors import BadResponse
from balance_bot.btcturk.exchange_info import OperationRow, parse_exchange_info
from balance_bot.btcturk.models import DataNote
from balance_bot.btcturk.parsing import parse_envelope
from balance_bot.core.exchange_status import Gate, gate_of, gates_of
from balance_bot.fakes.exchange_info import captured_answer


def captured() -> Any:
    return parse_envelope(200, captured_answer(), "application/json")


def test_the_captured_answer_parses_whole() -> None:
    info = parse_exchange_info(captured())

    assert len(info.pairs) == 140
    assert info.blocks is not None
    assert len(info.blocks) == 64
    assert len(info.currencies) == 60
    assert all(pair.trading for pair in info.pairs)
    btc = next(pair for pair in info.pairs if pair.name == "BTCTRY")
    assert (btc.numerator, btc.denominator, btc.status) == ("BTC", "TRY", "TRADING")


def test_the_captured_answer_keeps_its_real_quirks() -> None:
    payload = json.loads(captured_answer(), parse_float=Decimal)
    blocks = [row["currencySymbol"] for row in payload["data"]["currencyOperationBlocks"]]

    assert payload["message"] == ""  # not null
    assert blocks.count("Sgb") == 2
    assert {"LBtc", "LUsdt", "Trc20Usdt", "Arc20Usdt"} <= set(blocks)
    assert len(blocks) != len(payload["data"]["currencies"])  # matched by symbol, not position


def test_block_symbols_map_to_coins_and_networks() -> None:
    info = parse_exchange_info(captured())
    coins = info.currencies

    assert gate_of("Btc", coins) == Gate("BTC")
    assert gate_of("LBtc", coins) == Gate("BTC", "L")
    assert gate_of("Trc20Usdt", coins) == Gate("USDT", "TRC20")
    assert gate_of("Arc20Usdt", coins) == Gate("USDT", "ARC20")
    assert gate_of("Lunc", coins) == Gate("LUNC")  # a coin of its own, not Luna on a network
    assert gate_of("Usdc", coins) == Gate("USDC")
    assert gate_of("Xyz", coins) == Gate("XYZ")  # unknown: kept as it is


def test_a_symbol_listed_twice_is_closed_when_any_row_says_so() -> None:
    rows = [
        OperationRow("Sgb", withdrawal_closed=False, deposit_closed=False),
        OperationRow("Sgb", withdrawal_closed=True, deposit_closed=False),
        OperationRow("SGB", withdrawal_closed=False, deposit_closed=None),
    ]

    assert gates_of(rows, {"SGB"}) == {Gate("SGB"): {"withdrawal": True, "deposit": False}}


def test_a_row_without_what_it_needs_is_skipped_and_noted() -> None:
    data = {
        "symbols": [
            {"name": "BTCTRY", "numerator": "BTC", "denominator": "TRY", "status": "TRADING"},
            {"nameNormalized": "ETH_TRY"},  # the name and sides from nameNormalized
            {"status": "TRADING"},  # nothing to name it by
            "garbage",
        ],
        "currencyOperationBlocks": [
            {"currencySymbol": "Btc", "withdrawalDisabled": "yes", "depositDisabled": False},
            {"withdrawalDisabled": True},
        ],
    }
    notes: list[DataNote] = []

    info = parse_exchange_info(data, notes)

    assert [p.name for p in info.pairs] == ["BTCTRY", "ETHTRY"]
    assert info.pairs[1].status is None and info.pairs[1].trading  # not taken as halted
    assert info.blocks == (OperationRow("Btc", None, False),)
    assert {(n.kind, n.field) for n in notes} >= {
        ("skipped", "name"),
        ("skipped", "row"),
        ("skipped", "currencySymbol"),
        ("missing", "withdrawalDisabled"),
        ("missing", "status"),
    }


def test_an_answer_without_a_block_list_says_nothing_of_coins() -> None:
    data = {"symbols": [{"name": "BTCTRY", "numerator": "BTC", "denominator": "TRY"}]}

    assert parse_exchange_info(data).blocks is None


@pytest.mark.parametrize("data", [[], {"symbols": []}, {"symbols": [{"status": "X"}]}, None])
def test_an_answer_without_a_usable_pair_is_refused(data: object) -> None:
    with pytest.raises(BadResponse):
        parse_exchange_info(data)
