"""A Telegram bot that keeps a BTCTurk account holder informed of their money.

`python -m balance_bot` runs it (`--demo`: against the simulated exchange and chat in
`balance_bot.fakes`; `python -m balance_bot.healthcheck` is the container's health check).
"""
