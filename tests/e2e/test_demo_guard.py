"""The demo shows BTCTurk's own incidents: `!suspend`, `!halt` and `!resume` are told in the
chat at the next read of BTCTurk's status, as the real bot tells them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_demo import after, run_piped

pytestmark = pytest.mark.slow

SCRIPT = """/lang en
!suspend USDT withdrawals trc20
!halt BTCTRY
!resume USDT withdrawals trc20
"""


def test_the_demo_tells_a_closed_coin_a_halted_pair_and_the_reopening(tmp_path: Path) -> None:
    result = run_piped(SCRIPT, tmp_path / "data")

    output = result.stdout
    assert result.returncode == 0, result.stderr
    assert "bot › ⛔ USDT withdrawals closed on TRC20 (deposits open)" in after(
        output, "!suspend USDT withdrawals trc20"
    )
    assert "bot › ⏸ Trading stopped on BTCTRY" in after(output, "!halt BTCTRY")
    assert "bot › ✅ USDT withdrawals open again on TRC20 (closed " in after(
        output, "!resume USDT withdrawals trc20"
    )
