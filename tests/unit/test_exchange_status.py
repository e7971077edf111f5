"""Two reads of BTCTurk's status compared: what closed, opened, stopped, left or is new, once;
the baseline tells nothing; a missing row or list is no news; the state survives a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from balance_bot.btcturk.exchange_info import ExchangeInfo, OperationRow, PairInfo
from balance_bot.core.exchange_status import (
    ExchangeState,
    Gate,
    GateChange,
    PairChange,
    closed_now,
    compare,
    concerning,
    state_from_json,
    state_to_json,
    stopped_pairs,
)
from balance_bot.core.texts.exchange import exchange_notice
from tests.unit.reply_gallery import view

T0 = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
PAIRS = (
    PairInfo("BTCTRY", "BTC", "TRY", "TRADING"),
    PairInfo("USDTTRY", "USDT", "TRY", "TRADING"),
    PairInfo("XRPTRY", "XRP", "TRY", "TRADING"),
)
COINS = frozenset({"BTC", "USDT", "XRP", "TRY"})


def info(
    *blocks: OperationRow, pairs: tuple[PairInfo, ...] = PAIRS, listed: bool = True
) -> ExchangeInfo:
    rows = (OperationRow("Btc", False, False), OperationRow("Usdt", False, False), *blocks)
    return ExchangeInfo(pairs, rows if listed else None, COINS)


def test_the_first_read_is_a_baseline_that_keeps_what_is_closed() -> None:
    state, changes = compare(None, info(OperationRow("Trc20Usdt", True, False)), T0)

    assert changes == []
    assert state.closed == {(Gate("USDT", "TRC20"), "withdrawal"): None}  # since: unknown


def test_a_closure_and_its_reopening_are_each_one_change() -> None:
    base, _ = compare(None, info(), T0)
    closed, first = compare(base, info(OperationRow("Trc20Usdt", True, False)), T0)
    same, again = compare(closed, info(OperationRow("Trc20Usdt", True, False)), T0)
    later = T0 + timedelta(hours=3, minutes=12)
    _, opened = compare(same, info(OperationRow("Trc20Usdt", False, False)), later)

    gate = Gate("USDT", "TRC20")
    assert first == [
        GateChange(gate, frozenset({"withdrawal"}), {}, frozenset(), frozenset({"deposit"}))
    ]
    assert again == []
    assert opened == [
        GateChange(gate, frozenset(), {"withdrawal": T0}, frozenset(), frozenset({"deposit"}))
    ]


def test_a_list_missing_or_a_coins_own_row_leaving_it_is_no_news() -> None:
    closed, _ = compare(None, info(OperationRow("Trc20Usdt", True, True)), T0)
    coin_closed, _ = compare(None, info(OperationRow("Xrp", True, False)), T0)

    still, nothing = compare(closed, info(listed=False), T0)  # no block list at all
    kept, gone = compare(coin_closed, info(), T0)  # the Xrp row left the list

    assert gone == nothing == []
    assert still.closed == closed.closed
    assert kept.closed == coin_closed.closed


def test_a_closed_network_row_that_leaves_the_list_is_open_again_once() -> None:
    base, _ = compare(None, info(), T0)
    closed, _ = compare(base, info(OperationRow("Trc20Usdt", True, False)), T0)
    later = T0 + timedelta(hours=1)

    gone, changes = compare(closed, info(), later)  # BTCTurk dropped the Trc20Usdt row
    after, again = compare(gone, info(), later)

    gate = Gate("USDT", "TRC20")
    assert changes == [GateChange(gate, frozenset(), {"withdrawal": T0}, frozenset())]
    assert again == []
    assert closed_now(after, COINS) == []


def test_a_network_row_leaving_a_list_without_its_coin_is_no_news() -> None:
    closed, _ = compare(None, info(OperationRow("Trc20Usdt", True, False)), T0)
    rows_without_usdt = ExchangeInfo(PAIRS, (OperationRow("Btc", False, False),), COINS)

    kept, changes = compare(closed, rows_without_usdt, T0)  # a partial list: USDT unnamed

    assert changes == []
    assert kept.closed == closed.closed


def test_a_network_line_counts_what_the_coins_own_row_closes() -> None:
    base, _ = compare(None, info(), T0)
    coin_row = OperationRow("Usdt", False, True)  # USDT deposits closed, coin-wide
    coin_closed, _ = compare(base, info(coin_row), T0)

    _, changes = compare(coin_closed, info(coin_row, OperationRow("Erc99Usdt", True, False)), T0)

    gate = Gate("USDT", "ERC99")
    assert changes == [
        GateChange(gate, frozenset({"withdrawal"}), {}, frozenset({"deposit"}), frozenset())
    ]
    assert exchange_notice(changes, T0, view("en")).startswith(
        "⛔ USDT withdrawals closed on ERC99 (deposits closed too)"
    )


def test_a_network_row_closing_what_the_coin_row_closes_is_no_news_but_kept() -> None:
    """USDT withdrawals closed everywhere all along: TRC20's own closure and reopening under
    it are not told, though the state records them."""
    base, _ = compare(None, info(), T0)
    coin_row = OperationRow("Usdt", True, True)  # USDT deposits and withdrawals closed
    coin_closed, _ = compare(base, info(coin_row), T0)

    both, closed = compare(coin_closed, info(coin_row, OperationRow("Trc20Usdt", True, False)), T0)
    _, reopened = compare(both, info(coin_row, OperationRow("Trc20Usdt", False, False)), T0)

    assert closed == reopened == []
    assert (Gate("USDT", "TRC20"), "withdrawal") in both.closed


def test_a_coin_row_reopening_says_what_a_network_row_still_closes() -> None:
    """ "✅ USDT deposits and withdrawals open again" while TRC20 withdrawals stay closed."""
    network_row = OperationRow("Trc20Usdt", True, False)
    base, _ = compare(None, info(network_row), T0)
    coin_closed, told = compare(base, info(OperationRow("Usdt", True, True), network_row), T0)

    _, [change] = compare(coin_closed, info(network_row), T0)

    assert [c.gate for c in told if isinstance(c, GateChange)] == [Gate("USDT")]
    assert isinstance(change, GateChange) and change.gate == Gate("USDT")
    en = exchange_notice([change], T0, view("en"))
    tr = exchange_notice([change], T0, view("tr"))
    assert en.startswith(
        "✅ USDT deposits and withdrawals open again (closed under a minute)"
        ", but withdrawals stay closed on TRC20\n"
    )
    assert ", ancak çekimler TRC20 ağında kapalı kalıyor\n" in tr


def test_pairs_halted_removed_new_and_back() -> None:
    base, _ = compare(None, info(), T0)
    halted = (PairInfo("BTCTRY", "BTC", "TRY", "HALT"), *PAIRS[1:])
    state, changes = compare(base, info(pairs=halted), T0)
    assert changes == [PairChange("BTCTRY", "BTC", "halted")]

    state, changes = compare(state, info(pairs=PAIRS[1:]), T0)
    assert changes == [PairChange("BTCTRY", "BTC", "removed")]
    assert stopped_pairs(state, {"BTC"}) == [("BTCTRY", state.pairs["BTCTRY"])]
    assert state.pairs["BTCTRY"].since == T0  # from when it stopped trading

    new = (*PAIRS, PairInfo("BTCEUR", "BTC", "EUR", None))
    later = T0 + timedelta(minutes=40)
    state, changes = compare(state, info(pairs=new), later)
    assert changes == [
        PairChange("BTCTRY", "BTC", "resumed_after", T0),
        PairChange("BTCEUR", "BTC", "listed"),
    ]


def test_a_list_less_than_half_as_long_is_not_compared() -> None:
    many = tuple(PairInfo(f"X{i}TRY", f"X{i}", "TRY", "TRADING") for i in range(10))
    base, _ = compare(None, info(pairs=many), T0)

    state, changes = compare(base, info(pairs=many[:4]), T0)

    assert changes == []
    assert state.pairs == base.pairs


def test_only_the_owners_coins_concern_them() -> None:
    base, _ = compare(None, info(), T0)
    _, changes = compare(
        base, info(OperationRow("Usdt", True, False), OperationRow("LBtc", False, True)), T0
    )

    assert [c.gate for c in concerning(changes, {"btc"}) if isinstance(c, GateChange)] == [
        Gate("BTC", "L")
    ]


def test_the_state_is_read_back_as_it_was_written() -> None:
    state = ExchangeState(
        {(Gate("USDT", "TRC20"), "withdrawal"): T0, (Gate("BTC"), "deposit"): None},
        {"BTCTRY": compare(None, info(), T0)[0].pairs["BTCTRY"]},
    )

    assert state_from_json(state_to_json(state)) == state
    assert closed_now(state, {"USDT"}) == [(Gate("USDT", "TRC20"), {"withdrawal": T0})]
    assert state_from_json("{not json") is None
    assert state_from_json(None) is None
