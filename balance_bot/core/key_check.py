"""What the key check found, and what it means: can the bot run, and is the key safe. Pure.

`python -m balance_bot --check` (`make check`) fills a `KeyReport` from the settings in
`.env`; each field is one line of its output, and `exit_code` its verdict:

    0  ready: the bot can run (a missing Account or WebSocket permission only costs features)
    1  it cannot run: Telegram refuses the token or cannot be reached, no allowed chat can be
       reached, BTCTurk cannot be reached, or the key cannot read the balances (Total Funds)
    2  a setting is missing or malformed (as at start-up)
    3  it can run, but fix first: the key can trade, this server's clock is more than 5 s off
       BTCTurk's, or an allowed chat cannot be reached
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from balance_bot.btcturk.refusal import KeyRefusal, key_refusal, named_address

EXIT_READY = 0
EXIT_CANNOT_RUN = 1
EXIT_CONFIG = 2
EXIT_UNSAFE = 3
STAMP_TOLERANCE_MS = 5000  # BTCTurk refuses a request stamped further from its clock

Access = Literal["granted", "refused", "unreachable", "skipped"]
ChatProblem = Literal["not_found", "blocked", "not_member", "error"]
CauseText = Literal[
    "timestamp", "ip", "ip_unknown", "key", "secret", "permission", "unknown", "other"
]
# Why a server was not reached, told in the reader's words (never an exception's name):
# the name not found, the connection refused, no answer in time, the secure connection failed,
# any other connection failure, BTCTurk's maintenance, an HTTP error page, an unreadable
# answer, or the server's own words (`Probe.error`).
Failure = Literal[
    "dns",
    "refused",
    "timeout",
    "tls",
    "network",
    "maintenance",
    "down",
    "address",
    "answer",
    "said",
]
WITH_THE_KEY = ("account", "websocket", "trade")  # not checked when the key itself is refused
WITH_THE_EXCHANGE = ("clock", "total_funds")  # not checked either when BTCTurk is not reached
# Commands the owner types, the same in every language.
BOTFATHER = "@BotFather"
WHAT_IS_MY_IP = "curl -4 ifconfig.me"  # BTCTurk binds keys to an IPv4 address (#579)
SYNC_CLOCK = "timedatectl set-ntp true"
RUN = "make run"


@dataclass(frozen=True, slots=True)
class Probe:
    """One request that tells whether something works: answered, refused, or not reached."""

    access: Access
    refusal: str = ""  # the exchange's words when refused
    error: str = ""  # what failed when unreachable (for the log; "said": the server's words)
    failure: Failure = "network"  # why it was not reached
    status: int | None = None  # the HTTP status of a "down" answer

    @property
    def granted(self) -> bool:
        """Tell whether BTCTurk (or Telegram) answered."""
        return self.access == "granted"

    @property
    def refused(self) -> bool:
        """Tell whether it was refused."""
        return self.access == "refused"

    @property
    def cause(self) -> KeyRefusal:
        """Return the likely cause of a refusal, as the exchange's words tell."""
        return key_refusal(self.refusal)

    @property
    def address(self) -> str | None:
        """Return the IP address a refusal names, if any."""
        return named_address(self.refusal)


@dataclass(frozen=True, slots=True)
class ChatProbe:
    """One allowed chat: whether the bot can reach it, and why not."""

    chat_id: int
    name: str = ""  # its title, or the user's first name
    problem: ChatProblem | None = None
    error: str = ""  # Telegram's words, for a problem it did not name

    @property
    def reachable(self) -> bool:
        """Tell whether the bot can send to this chat."""
        return self.problem is None


SKIPPED = Probe("skipped")


@dataclass(frozen=True, slots=True)
class KeyReport:
    """Everything the check found, one field per line of its output."""

    telegram: Probe  # getMe: the token
    bot_name: str = ""
    chats: tuple[ChatProbe, ...] = ()
    exchange: Probe = SKIPPED  # the server time: BTCTurk reachable
    clock_offset_ms: int | None = None  # BTCTurk's clock minus ours
    balances: Probe = SKIPPED  # Total Funds
    history: Probe = SKIPPED  # Account
    feed: Probe = SKIPPED  # WebSocket (skipped when WEBSOCKET=off)
    trade: Probe = SKIPPED  # granted: the key CAN trade
    feed_off: bool = False  # WEBSOCKET=off: the feed is not checked

    @property
    def key_refused(self) -> bool:
        """Tell whether BTCTurk refuses the key itself, not one permission of it."""
        return self.balances.access == "refused" and self.history.access in ("refused", "skipped")

    @property
    def lacks_total_funds(self) -> bool:
        """Tell whether only the balances were refused: the key lacks Total Funds."""
        return self.balances.access == "refused" and self.history.access == "granted"

    @property
    def clock_off(self) -> bool:
        """Tell whether this server's clock is further from BTCTurk's than it accepts."""
        return self.clock_offset_ms is not None and abs(self.clock_offset_ms) > STAMP_TOLERANCE_MS


_FAILURE_NAMES: tuple[tuple[str, Failure], ...] = (
    ("DNS", "dns"),
    ("Certificate", "tls"),
    ("SSL", "tls"),
    ("Timeout", "timeout"),
    ("timed out", "timeout"),
    ("no answer", "timeout"),
    ("in time", "timeout"),
    ("ConnectionRefused", "refused"),
)
_HTTP_STATUS = re.compile(r"HTTP (\d{3})")


def failure_named(error: str) -> tuple[Failure, int | None]:
    """Return why a server was not reached, from a failure told as text ("cannot connect
    (ClientConnectorDNSError)", "handshake refused (HTTP 502)", "BTCTurk is under
    maintenance"), and the HTTP status it names."""
    if "maintenance" in error.lower():
        return "maintenance", None
    if (status := _HTTP_STATUS.search(error)) is not None:
        code = int(status.group(1))  # 404, 405, 410: nothing there, most likely a wrong URL
        return ("address" if code in (404, 405, 410) else "down"), code
    for name, failure in _FAILURE_NAMES:
        if name in error:
            return failure, None
    return "network", None


def cause_text(refusal: str, address: str | None) -> CauseText:
    """Return which cause to tell of a refusal with the exchange's words `refusal`."""
    cause = key_refusal(refusal)
    if cause == "ip":
        return "ip" if address is not None else "ip_unknown"
    if cause == "unknown":
        return "other" if refusal else "unknown"
    return cause


def has_failures(report: KeyReport) -> bool:
    """Tell whether a check failed (a ✗ line), whatever it costs."""
    probes = (report.telegram, report.exchange, report.balances, report.history, report.feed)
    return any(p.access in ("refused", "unreachable") for p in probes) or any(
        not chat.reachable for chat in report.chats
    )


def exit_code(report: KeyReport) -> int:
    """Return the check's verdict as a process exit code (see the module's table)."""
    reachable = [chat for chat in report.chats if chat.reachable]
    if report.telegram.access != "granted" or not reachable:
        return EXIT_CANNOT_RUN
    if report.exchange.access != "granted" or report.balances.access != "granted":
        return EXIT_CANNOT_RUN
    if report.trade.access == "granted" or report.clock_off or len(reachable) < len(report.chats):
        return EXIT_UNSAFE
    return EXIT_READY
