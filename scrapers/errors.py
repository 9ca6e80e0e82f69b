"""The errors a crawl's user can cause (bad profile, unwritable or busy archive folder).

Scrapers sit below the pipeline and import nothing of it, so they have their own base
class; the CLI catches it like the pipeline's ``BulletinError`` and prints one line.
"""

from __future__ import annotations


class CrawlSetupError(Exception):
    """A crawl that cannot start as asked; the message says what to do instead."""
