"""The errors a user can cause, each with a message that says what to do.

Raised by the library; the CLI turns them into one line on stderr (``--debug`` shows
the traceback) and a non-zero exit status.
"""

from __future__ import annotations


class BulletinError(Exception):
    """Base of every error the pipeline raises on purpose."""


class UnreadableInput(BulletinError):
    """Raised by input loading and decoding when a document cannot be turned into text.

    ``source`` names the input; the message says what is wrong and what to do.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class UsageError(BulletinError):
    """Raised for a command used wrongly (unknown profile, unwritable output, ...)."""
