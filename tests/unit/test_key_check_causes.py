"""Why the key check says a server was not reached: in the reader's words, from what failed
(never an exception's name), and the server's own words quoted when it answered."""

from __future__ import annotations

import errno
import socket
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from telegram.error import NetworkError, TimedOut

from balance_bot.btcturk.errors import BadResponse, Unavailable
from balance_bot.core.i18n import View, get_lang
from balance_bot.core.key_check import KeyReport, Probe, failure_named
from balance_bot.core.texts.key_check import key_check_report
from balance_bot.services.key_check import not_reached

REFUSED = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")


def caused(error: Exception, cause: BaseException) -> Exception:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (caused(Unavailable("could not reach BTCTurk (X)"), socket.gaierror(-2, "?")), "dns"),
        (
            caused(NetworkError("aiohttp.X"), ConnectionRefusedError(errno.ECONNREFUSED, "")),
            "refused",
        ),
        (Unavailable("BTCTurk did not answer in time"), "timeout"),
        (TimedOut(), "timeout"),
        (Unavailable("BTCTurk is under maintenance"), "maintenance"),
        (BadResponse("BTCTurk answered with HTML"), "answer"),
        (NetworkError("Bad Gateway"), "said"),
    ],
)
def test_what_failed_is_told_as_its_kind(error: Exception, failure: str) -> None:
    assert not_reached(error).failure == failure


@pytest.mark.parametrize(
    ("text", "failure", "status"),
    [
        ("cannot connect (ClientConnectorDNSError)", "dns", None),
        ("cannot connect (ClientConnectorCertificateError)", "tls", None),
        ("cannot connect (TimeoutError)", "timeout", None),
        ("no answer to the login", "timeout", None),
        ("handshake refused (HTTP 502)", "down", 502),
        ("BTCTurk is unavailable (HTTP 503)", "down", 503),
        ("BTCTurk answered HTTP 404", "address", 404),  # a wrong URL, not an outage
        ("cannot connect (ClientConnectorError)", "network", None),
    ],
)
def test_a_failure_told_as_text_is_read_as_its_kind(
    text: str, failure: str, status: int | None
) -> None:
    assert failure_named(text) == (failure, status)


@pytest.mark.parametrize("language", ["en", "tr"])
def test_no_line_names_an_exception(language: str) -> None:
    view = View(get_lang(language), ZoneInfo("UTC"), datetime(2025, 1, 1, tzinfo=UTC))
    report = KeyReport(
        telegram=Probe("unreachable", error="aiohttp.ClientConnectorDNSError", failure="dns"),
        exchange=Probe("unreachable", error="could not reach BTCTurk (X)", failure="refused"),
    )
    text = key_check_report(report, 60, view)
    assert "Error" not in text
    assert "aiohttp" not in text
