"""The one error the channel's state changes raise: a refusal with a message for the person who asked."""

from __future__ import annotations


class ChannelError(ValueError):
    """A request the channel refuses, with a message for the person who made it."""
