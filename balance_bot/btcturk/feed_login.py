"""The login (type 114) of BTCTurk's private WebSocket feed: its message, the clock it is
stamped on, and why a refusal came. Pure, no I/O.

    [114, {"type": 114, "publicKey": key, "timestamp": ms, "nonce": n, "signature": s}]
    s = base64(HMAC-SHA256(key=base64decode(secret), message=utf8(key + str(n))))

The timestamp is offset-corrected like a REST stamp; it is sent but not signed. The
documentation's sample signs a constant nonce (3000); published user reports disagree on
what the server accepts, so this is the one place to change the recipe.

A refusal (`[114, {"ok": false, "message": ...}]`) is read into why (`refusal_reason`) from
the exchange's words: "Invalid Timestamp" / "Invalid Nonce" (our clock), "Invalid Public
key" (documented for a key without the WebSocket permission, or bound to another IP), an IP,
a permission, or the key or its secret ("Invalid Signature", "Invalid Request").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Literal, Protocol

from balance_bot.btcturk.signing import StampClock, decode_secret

LOGIN = 114
DEFAULT_NONCE = 3000

RefusalReason = Literal["timestamp", "permission", "ip", "key", "other"]
_IP = re.compile(r"\bip\b")


class ExchangeClock(Protocol):
    """The exchange's clock as a login needs it (`BtcTurkClient` is one)."""

    @property
    def clock_measured(self) -> bool: ...

    def stamp_ms(self) -> int: ...

    async def sync_clock(self) -> int: ...


class LocalClock:
    """Our own clock, taken as the exchange's: nothing to measure."""

    clock_measured = True

    def __init__(self, time_source: Callable[[], float]) -> None:
        self._stamps = StampClock(time_source)

    def stamp_ms(self) -> int:
        return self._stamps.stamp()

    async def sync_clock(self) -> int:
        return 0


def login_signature(public_key: str, secret: bytes, nonce: int = DEFAULT_NONCE) -> str:
    """Return the signature of a login with `nonce`, from the raw (decoded) secret."""
    message = (public_key + str(nonce)).encode("utf-8")
    return base64.b64encode(hmac.new(secret, message, hashlib.sha256).digest()).decode("ascii")


def login_message(
    public_key: str, secret: str | bytes, timestamp_ms: int, nonce: int = DEFAULT_NONCE
) -> list[object]:
    """Return the login frame to send as JSON; `secret` is the base64 text or its raw bytes.

    Raises ValueError when a text secret is not base64 (the message never holds the secret).
    """
    raw = decode_secret(secret) if isinstance(secret, str) else secret
    return [
        LOGIN,
        {
            "type": LOGIN,
            "publicKey": public_key,
            "timestamp": timestamp_ms,
            "nonce": nonce,
            "signature": login_signature(public_key, raw, nonce),
        },
    ]


def refusal_reason(message: str) -> RefusalReason:
    """Return why the exchange refused a login, as its `message` tells."""
    text = message.lower()
    if "timestamp" in text or "nonce" in text:
        return "timestamp"
    if _IP.search(text):
        return "ip"
    if "permission" in text or "public key" in text:
        return "permission"
    if any(word in text for word in ("signature", "invalid request", "headers", "key")):
        return "key"
    return "other"
