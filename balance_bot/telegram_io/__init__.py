"""Telegram's transport, apart from the product: the rate limiter and the request classes,
getUpdates' health, the backlog of a flooding chat, the strangers' refusals and the access
guard. It knows nothing of the product's services or handlers (tests/unit/test_layers.py)."""
