"""One module per ``bulletins`` subcommand; see ``pipeline.cli``."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """An argparse type for counts that must be at least 1 (`--jobs`, `--max-pages`)."""
    value = int(text) if text.strip().isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value
