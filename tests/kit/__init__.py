"""The shared test kit, imported by every kind of test instead of copied into each.

- clocks.py: a wall clock and a clock in seconds the test moves by hand; sleeps that record
  their delays and wait for nothing, a scale of it, virtual time, or until cancelled
- env.py: the environment of a bot on the fakes (built on fakes/environment.py)
- account.py: the documented account, with both totals and the sums behind them
- services.py: a Store on disk, settings and a stub exchange, for services' unit tests
- wiring.py: BotWiring, what the real bot is started with (open_bot): the kit's clocks, sleeps,
  timeouts and switches
"""
