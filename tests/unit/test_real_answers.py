"""Every published real BTCTurk answer in tests/fixtures/btcturk parses to the right figures or
the right error. Each fixture names its source; `expect` says what the bot must make of it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from balance_bot.btcturk import errors
from balance_bot.btcturk.history import parse_fills, parse_transfers
from balance_bot.btcturk.models import DataNote
from balance_bot.btcturk.parsing import (
    decode_answer,
    parse_balances,
    parse_envelope,
    parse_server_time,
    parse_tickers,
)

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "btcturk").glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return fixture


def parse(fixture: dict[str, Any], notes: list[DataNote]) -> Any:
    """Parse the fixture's body as the client does for its endpoint."""
    body = fixture["body"].encode()
    if fixture["endpoint"] == "server_time":
        return parse_server_time(decode_answer(fixture["status"], body, fixture["content_type"]))
    data = parse_envelope(fixture["status"], body, fixture["content_type"])
    if fixture["endpoint"] == "balances":
        return {row.asset: row for row in parse_balances(data, notes)}
    if fixture["endpoint"] == "trades":
        return {row.id: row for row in parse_fills(data, notes)}
    if fixture["endpoint"] in ("crypto", "fiat"):
        return {row.id: row for row in parse_transfers(data, fixture["endpoint"], notes)}
    return {row.pair: row for row in parse_tickers(data, notes)}


HISTORY_TEXTS = frozenset({"side", "kind", "asset", "numerator", "fee_currency", "order_id"})


def expected_value(field: str, text: Any) -> Any:
    if field in HISTORY_TEXTS:
        return text
    return Decimal(text) if isinstance(text, str) else text


def test_every_fixture_names_its_source() -> None:
    assert len(FIXTURES) >= 15
    for path in FIXTURES:
        assert len(load(path)["source"]) > 30, path.name


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_published_answer_parses_to_the_right_figures_or_error(path: Path) -> None:
    fixture = load(path)
    expect = fixture["expect"]
    notes: list[DataNote] = []

    if "error" in expect:
        with pytest.raises(getattr(errors, expect["error"])) as raised:
            parse(fixture, notes)
        assert type(raised.value).__name__ == expect["error"]
    elif "server_time_ms" in expect:
        assert parse(fixture, notes) == expect["server_time_ms"]
    else:
        rows = parse(fixture, notes)
        assert len(rows) == expect.get("count", len(expect["rows"]))
        for key, fields in expect["rows"].items():
            for field, text in fields.items():
                actual = getattr(rows[key], field)
                assert actual == expected_value(field, text), (key, field)
                if isinstance(actual, Decimal):
                    assert str(actual).replace(",", ".") == str(actual)
    seen = {(note.kind, note.field) for note in notes}
    assert seen == {tuple(pair) for pair in expect.get("notes", [])}
