"""Errors that services raise for input a person can correct."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input refused with a message for each field at fault; nothing was written."""

    def __init__(self, field: str | dict[str, str], message: str = ""):
        self.errors: dict[str, str] = dict(field) if isinstance(field, dict) else {field: message}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class NotFound(LookupError):
    """A referenced row does not exist."""
