"""Stamps and HMAC headers for BTCTurk's private endpoints (Authentication V1). Pure, no I/O.

The signature is base64(HMAC-SHA256(key=base64decode(secret), message=utf8(api_key + stamp))),
where the stamp is Unix time in milliseconds. Only key and stamp are signed: not the method,
path, query or body. The exchange refuses stamps more than about 5 s away from its clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Callable


def decode_secret(secret: str) -> bytes:
    """Return the raw HMAC key of a base64 API secret, or raise ValueError if it is not base64."""
    text = secret.strip()
    if not text:
        raise ValueError("the BTCTurk API secret is empty")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            "the BTCTurk API secret is not valid base64: copy it again from Account > API Access"
        ) from None


def signature(api_key: str, secret: bytes, stamp_ms: int) -> str:
    """Return the X-Signature value for `api_key` at `stamp_ms`."""
    message = (api_key + str(stamp_ms)).encode("utf-8")
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def auth_headers(api_key: str, secret: bytes, stamp_ms: int) -> dict[str, str]:
    """Return the headers of a signed request made at `stamp_ms`."""
    return {
        "X-PCK": api_key,
        "X-Stamp": str(stamp_ms),
        "X-Signature": signature(api_key, secret, stamp_ms),
        "Content-Type": "application/json",
    }


class StampClock:
    """Give millisecond stamps on the exchange's clock, distinct and increasing.

    `offset_ms` is the exchange's clock minus ours; it is added to every stamp. Stamps strictly
    increase while the offset stays put, even when two calls fall in the same millisecond or
    the local clock steps back. Lowering the offset (after a resync) lowers the stamps with it,
    since the exchange's clock is the one that counts.
    """

    def __init__(self, time_source: Callable[[], float] = time.time, *, offset_ms: int = 0) -> None:
        self._time_source = time_source
        self.offset_ms = offset_ms
        self._last_local_ms: int | None = None

    def stamp(self) -> int:
        """Return the next stamp: local milliseconds, made unique, plus the offset."""
        local_ms = int(self._time_source() * 1000)
        if self._last_local_ms is not None and local_ms <= self._last_local_ms:
            local_ms = self._last_local_ms + 1
        self._last_local_ms = local_ms
        return local_ms + self.offset_ms
