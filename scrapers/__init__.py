"""Polite fetching of disclosure sites into WARC files; never parses a bulletin.

``profiles`` (sites.toml) → ``listing`` (list pages, pagination) → ``fetch`` (httpx, pacing,
retries, limits) with ``robots`` → ``warc`` + ``manifest``, run by ``crawl``. ``testsite``
is a local misbehaving server for tests and demos. Imports nothing of ``pipeline`` but
``records`` and ``errors``.
"""
