"""Every text the bot shows, one module per family of messages.

The words and the layout of every line are in core/locales (en.py and tr.py, a key named by
what the user sees); these modules only choose the texts and fill them with escaped values.
"""
