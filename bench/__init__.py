"""`python -m bench`: the bot's performance figures against the local fakes, as one table."""
