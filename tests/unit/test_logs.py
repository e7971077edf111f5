from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from balance_bot.logs import MASK, JsonFormatter, RedactSecrets, configure_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("bot", logging.ERROR, __file__, 1, message, args, exc_info)


def test_secrets_are_masked_in_messages_arguments_and_tracebacks() -> None:
    redact = RedactSecrets([TOKEN, "s3cr3t-value"])
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError as error:
        record = _record("calling %s with %s", f"/bot{TOKEN}/getMe", "s3cr3t-value", exc=error)

    redact.filter(record)

    text = logging.Formatter().format(record)
    assert TOKEN not in text
    assert "s3cr3t-value" not in text
    assert text.count(MASK) >= 3


def test_json_lines_carry_level_logger_message_and_exception() -> None:
    try:
        raise ValueError("boom")
    except ValueError as error:
        record = _record("poll failed: %s", "x", exc=error)

    event = json.loads(JsonFormatter().format(record))

    assert event["level"] == "ERROR"
    assert event["logger"] == "bot"
    assert event["message"] == "poll failed: x"
    assert "ValueError: boom" in event["exception"]
    assert event["time"].endswith("+00:00")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put the root logger back as it was after a test that configures it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restored_logging")
def test_configure_logging_quiets_httpx_whose_urls_carry_the_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("DEBUG", [TOKEN], "json")
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/x", TOKEN)
    logging.getLogger("bot").debug("token is %s", TOKEN)

    lines = capsys.readouterr().err.strip().splitlines()
    assert [json.loads(line)["message"] for line in lines] == [f"token is {MASK}"]
