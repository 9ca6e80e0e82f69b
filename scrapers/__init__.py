"""Polite fetching of disclosure sites into WARC files; never parses a bulletin.

``profiles`` (sites.toml) → ``listing`` (list pages, pagination) → ``fetch`` (httpx, pacing,
retries, limits) with ``robots`` → ``warc`` + ``manifest``, run by ``crawl``. Imports
nothing of ``pipeline`` or ``corpus``: it sits below them, with its own records and errors.
"""
