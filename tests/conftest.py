"""Set-up shared by every test: nothing the tests run writes to the user's own cache."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from extractors.segment import CACHE_ENV


@pytest.fixture(autouse=True, scope="session")
def _cache_dir_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The project's cache directory (the segmenter's kept windows, jieba's prebuilt
    dictionary) points into the session's temporary directory, for this process and every
    `bulletins` process a test starts, which inherit the environment."""
    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before
