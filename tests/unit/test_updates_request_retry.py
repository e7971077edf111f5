"""Tests for UpdatesRequest's wait while the token is refused: the sleep is a parameter."""

from __future__ import annotations

from pathlib import Path

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from balance_bot.telegram_io.updates_health import UpdatesHealth
from balance_bot.telegram_io.updates_request import UpdatesRequest
from tests.kit.clocks import FakeClock, RecordedSleep

UPDATES = b'{"ok": true, "result": []}'


class Answers(BaseRequest):
    """Answer each request with the next (status, payload) given."""

    def __init__(self, *answers: tuple[int, bytes]) -> None:
        self.answers = list(answers)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        return self.answers.pop(0)


async def test_a_refused_long_poll_waits_longer_each_try_on_the_given_sleep(
    tmp_path: Path,
) -> None:
    refused = (401, b'{"ok": false, "error_code": 401, "description": "Unauthorized"}')
    sleep = RecordedSleep()
    request = UpdatesRequest(
        Answers(refused, refused, refused, (200, UPDATES)),
        UpdatesHealth(tmp_path, FakeClock()),
        sleep=sleep,
    )
    long_poll = RequestData([RequestParameter("timeout", 10, input_files=None)])

    status, payload = await request.do_request("https://bot/getUpdates", "POST", long_poll)

    assert (status, payload) == (200, UPDATES)
    assert sleep.delays == [1.0, 1.5, 2.25]
