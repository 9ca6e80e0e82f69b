"""Text bound for a terminal: page text must not drive it.

Bulletin text, titles and file names come from the web and from other people's disks; an
ESC sequence among them would recolour, retitle or rewrite the user's terminal when
`search` or `show` prints it. Controls other than newline and tab are shown as escapes.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides that reorder
# what the reader sees.
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every terminal control character shown as a visible escape."""
    return CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                          else f"\\u{ord(m.group()):04x}", text)
