"""What the crawler and the pipeline's readers agree on: fetch limits, the one User-Agent,
the archive's WARC series names and its extension header fields.

Importing it loads nothing but the standard library, so a one-file ``extract`` that never
fetches or reads an archive pays for neither httpx nor warcio.
"""

from __future__ import annotations

PROJECT = "gov-bulletins"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0
MAX_REDIRECTS = 5

# The crawler writes bulletins and everything else (list pages, robots.txt, redirects,
# errors) to two WARC series; readers of an archive folder skip the second.
BULLETINS_PREFIX = "bulletins"
LOG_PREFIX = "crawl-log"
# Extension fields of a bulletin's response record (WARC 1.1 §4/§5 let writers add their
# own, UTF-8 valued): the publisher its site profile names, and for an attachment the URL
# of the bulletin page that links it. The build reads both back.
PUBLISHER_FIELD = "Bulletins-Publisher"
ATTACHED_TO_HEADER = "WARC-X-Attached-To"


def user_agent(contact: str = "") -> str:
    """One User-Agent for the crawler and for `extract URL`: a site sees one tool, one
    version."""
    # imported here: importlib.metadata is a few per cent of a one-file `extract`, which
    # never fetches
    from importlib import metadata

    try:
        version = metadata.version(PROJECT)
    except metadata.PackageNotFoundError:
        version = "dev"
    who = f"; contact: {contact}" if contact else ""
    return f"{PROJECT}/{version} (government bulletin archiver{who})"
