"""/balance end to end: the real bot, the fake Bot API and the fake exchange."""

from __future__ import annotations

from tests.e2e.conftest import BotHarness


async def test_balance_lists_the_documented_account(bot: BotHarness) -> None:
    [reply] = await bot.ask("/balance")

    assert reply.parse_mode == "HTML"
    lines = reply.plain_text.splitlines()
    assert lines[0].startswith("💼 Portfolio: ")
    assert "BTC   9.75021866  34,125,765.33" in reply.plain_text
    assert "TRY    27,223.73      27,223.73" in reply.plain_text
    assert "🔒 In orders: 3.31097720 BTC, 4,874.36 TRY" in reply.plain_text
    assert "ETH " not in reply.plain_text
    assert bot.exchange.calls["balances"] == 1
