"""Canned bad answers of the BTCTurk API and the CDN in front of it, for fault injection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final, Literal, get_args

from aiohttp import web

from balance_bot.fakes._server import json_response

Fault = Literal[
    "500",
    "maintenance",
    "cdn_html",
    "gateway_timeout_html",
    "html_200",
    "garbage",
    "success_false",
    "empty",
    "429",
    "429_no_retry_after",
    "401",
    "timeout",
    "reset",
]
FAULTS: Final[frozenset[str]] = frozenset(get_args(Fault))

RATE_LIMIT_BODY: Final[dict[str, Any]] = {
    "message": "TOO_MANY_REQUESTS",
    "success": False,
    "code": 429,
    "details": "Quota exceeded. Maximum allowed: 120 per 1m.",
    "limit": "120",
    "period": "1m",
    "policy": "ip",
}

CDN_503_HTML: Final = """<html>
<head><title>503 Service Temporarily Unavailable</title></head>
<body>
<center><h1>503 Service Temporarily Unavailable</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
"""

GATEWAY_TIMEOUT_HTML: Final = """<html>
<head><title>504 Gateway Time-out</title></head>
<body>
<center><h1>504 Gateway Time-out</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
"""

STATUS_PAGE_HTML: Final = """<!DOCTYPE html>
<html lang="tr">
<head><meta charset="utf-8"><title>BtcTurk | Bakım çalışması</title></head>
<body><h1>Kısa bir bakım çalışması yapıyoruz.</h1><p>Lütfen daha sonra tekrar deneyin.</p></body>
</html>
"""

GARBAGE_BODY: Final = (
    b'{"data":[{"asset":"TRY","assetname":"T\xc3\xbcrk Liras\xc4\xb1","balance":"2722'
)

Sleeper = Callable[[float], Awaitable[bool]]


def html_response(html: str, *, status: int) -> web.Response:
    """Return an HTML page such as a CDN error page."""
    return web.Response(status=status, text=html, content_type="text/html", charset="utf-8")


def rate_limited(retry_after_s: int | None, *, limit: int = 120) -> web.Response:
    """Return the exchange's 429 answer for a quota of `limit` a minute, with Retry-After."""
    headers = {"Retry-After": str(retry_after_s)} if retry_after_s is not None else None
    body = RATE_LIMIT_BODY | {
        "details": f"Quota exceeded. Maximum allowed: {limit} per 1m.",
        "limit": str(limit),
    }
    return json_response(body, status=429, headers=headers)


async def fault_response(
    fault: Fault, request: web.Request, sleep: Sleeper, full_body: bytes
) -> web.StreamResponse:
    """Answer `request` the way `fault` describes."""
    simple = _SIMPLE.get(fault)
    if simple is not None:
        return simple()
    if fault == "timeout":
        # Hold the answer until the client gives up or the server closes.
        await sleep(3600.0)
        return html_response(GATEWAY_TIMEOUT_HTML, status=504)
    if fault == "reset":
        return await _reset(request, full_body)
    raise ValueError(f"unknown fault {fault!r}")


async def _reset(request: web.Request, full_body: bytes) -> web.StreamResponse:
    """Send the headers and part of the body, then drop the connection."""
    response = web.StreamResponse(status=200)
    response.content_type = "application/json"
    response.charset = "utf-8"
    response.content_length = len(full_body)
    await response.prepare(request)
    await response.write(full_body[: max(1, len(full_body) // 3)])
    transport = request.transport
    if transport is not None:
        transport.abort()
    return response


_SIMPLE: Final[dict[str, Callable[[], web.Response]]] = {
    "500": lambda: json_response(
        {"success": False, "message": "INTERNAL_ERROR", "code": 500}, status=500
    ),
    "maintenance": lambda: json_response(
        {
            "success": False,
            "message": "SYSTEM_UNDER_MAINTENANCE",
            "code": "SYSTEM_UNDER_MAINTENANCE",
        },
        status=503,
    ),
    "cdn_html": lambda: html_response(CDN_503_HTML, status=503),
    "gateway_timeout_html": lambda: html_response(GATEWAY_TIMEOUT_HTML, status=504),
    "html_200": lambda: html_response(STATUS_PAGE_HTML, status=200),
    "garbage": lambda: web.Response(
        status=200, body=GARBAGE_BODY, content_type="application/json", charset="utf-8"
    ),
    "success_false": lambda: json_response(
        {"data": None, "success": False, "message": "FAILED", "code": 1}, status=200
    ),
    "empty": lambda: json_response(
        {"data": [], "success": True, "message": None, "code": 0}, status=200
    ),
    "429": lambda: rate_limited(1),
    "429_no_retry_after": lambda: rate_limited(None),
    "401": lambda: web.Response(status=401),
}
