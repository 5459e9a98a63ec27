"""The one error consent's state changes raise: a refusal with a message for the person who asked."""

from __future__ import annotations


class ConsentError(ValueError):
    """A request the consent register refuses, with a message for the person who made it."""
