"""The command list and the refusal under the names the entry points import them by."""

from __future__ import annotations

from core.commands import COMMANDS as COMMANDS
from core.texts.general import refusal_message as refusal_message
