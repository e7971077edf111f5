"""The shared test kit: hand-moved clocks, a recording sleep, the bot's test environment and
the documented account, imported by every kind of test instead of copied into each."""
