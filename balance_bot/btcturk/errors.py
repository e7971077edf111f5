"""Errors raised by the BTCTurk client.

    BtcTurkError
    ├── AuthError            401/403, bad key or signature, IP or permission refused (never retried)
    │   ├── StampRejected    "Invalid Nonce": our clock is off; resync and retry once
    │   └── KeyPaused        refused lately: no signed request until `retry_in_s` has passed
    ├── HistoryRefused       the history endpoints refused the key (no Account permission); no
    │                        history request until `retry_in_s` has passed
    ├── RateLimited          429; `retry_after` in seconds when the exchange said
    ├── Unavailable          5xx, maintenance, CDN pages, timeouts, connection errors
    └── BadResponse          not JSON, HTML with 200, `success: false`, missing or malformed fields

Messages never contain the API key, the secret or a signature.
"""

from __future__ import annotations


class BtcTurkError(Exception):
    """Anything that stopped a BTCTurk request from giving usable data."""


class AuthError(BtcTurkError):
    """The exchange refused our credentials (key, signature, IP, permission or stamp).

    `refusal` keeps the exchange's own words ("Unauthorized - Invalid Public key", "" for an
    empty 401; None when no answer said it), never a credential: what the likely cause is told
    from (btcturk.refusal).
    """

    def __init__(self, message: str, refusal: str | None = None) -> None:
        super().__init__(message)
        self.refusal = refusal


class StampRejected(AuthError):
    """The exchange refused the request's X-Stamp as too far from its clock."""


class KeyPaused(AuthError):
    """The key was refused lately; signed requests wait (5 s, growing to an hour)."""

    def __init__(self, message: str, retry_in_s: float, refusal: str | None = None) -> None:
        super().__init__(message, refusal)
        self.retry_in_s = retry_in_s


class HistoryRefused(BtcTurkError):
    """The key may read balances but not the history: it lacks the Account permission.

    Not an `AuthError`: the key itself works. No history request goes out until `retry_in_s`
    has passed, so a key without the permission never costs a stream of refusals.
    """

    def __init__(self, message: str, retry_in_s: float) -> None:
        super().__init__(message)
        self.retry_in_s = retry_in_s


class RateLimited(BtcTurkError):
    """The exchange asked us to slow down."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(BtcTurkError):
    """The exchange could not be reached or is down for maintenance."""


class BadResponse(BtcTurkError):
    """The exchange answered with something that is not the data we asked for."""
