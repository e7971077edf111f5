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
    increase while the offset stays put or rises, even when two calls fall in the same
    millisecond or the local clock steps back. Setting the offset (after a resync) makes the
    stamps follow the local clock plus the new offset; lowering it lowers them, since the
    exchange's clock is the one that counts.

    A step of the local clock (an NTP correction, a restored VM) makes a measured offset wrong
    by the size of the step. Each stamp compares the local clock with the monotonic one, and
    `step_s` says how far the local clock has stepped since the offset was set.
    """

    def __init__(
        self,
        time_source: Callable[[], float] = time.time,
        *,
        offset_ms: int = 0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._time_source = time_source
        self._monotonic = monotonic
        self._offset_ms = offset_ms
        self._last_local_ms: int | None = None
        self._last_stamp: int | None = None
        self._skew_s: float | None = None  # local minus monotonic when the offset was set
        self._rebase = False
        self.step_s = 0.0

    @property
    def offset_ms(self) -> int:
        """Return the exchange's clock minus ours, as last set."""
        return self._offset_ms

    @offset_ms.setter
    def offset_ms(self, value: int) -> None:
        if value < self._offset_ms:
            self._last_stamp = None  # the exchange's clock is behind what we sent: follow it
        self._offset_ms = value
        self._skew_s = None
        self._rebase = True
        self.step_s = 0.0

    def stamp(self) -> int:
        """Return the next stamp: local milliseconds, made unique, plus the offset."""
        now = self._time_source()
        self._note_step(now)
        local_ms = int(now * 1000)
        if self._rebase and self._last_local_ms is not None:
            # Stamps held back after the clock stepped back must not stay ahead of the new offset.
            self._last_local_ms = min(self._last_local_ms, local_ms)
        self._rebase = False
        if self._last_local_ms is not None and local_ms <= self._last_local_ms:
            local_ms = self._last_local_ms + 1
        stamp = local_ms + self._offset_ms
        if self._last_stamp is not None and stamp <= self._last_stamp:
            stamp = self._last_stamp + 1
            local_ms = stamp - self._offset_ms
        self._last_local_ms, self._last_stamp = local_ms, stamp
        return stamp

    def stepped_s(self) -> float:
        """Return how far the local clock has stepped since the offset was set, read now."""
        self._note_step(self._time_source())
        return self.step_s

    def _note_step(self, now: float) -> None:
        skew = now - self._monotonic()
        if self._skew_s is None:
            self._skew_s = skew
        self.step_s = skew - self._skew_s
