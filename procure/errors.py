"""Errors whose message is meant for the user, translatable at the web edge."""

from __future__ import annotations


def N_(msgid: str) -> str:  # noqa: N802 (the conventional gettext marker name)
    """Mark a message for extraction; it is translated where it is shown."""
    return msgid


class UserError(ValueError):
    """A request that cannot be carried out; msgid % params is the English message."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)
