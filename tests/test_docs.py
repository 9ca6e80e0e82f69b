"""The README stays true: it opens with the set-up commands and its schema is the code's."""

from __future__ import annotations

from pipeline.cli import COMMANDS
from pipeline.store.schema_doc import main as schema_doc
from tests.helpers import ROOT

README = ROOT / "README.md"


def test_readme_opens_with_the_two_commands() -> None:
    head = README.read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert head.index("make demo") < head.index("make test")
    assert head.index("make test") < 400


def test_readme_schema_matches_the_tables() -> None:
    assert schema_doc([str(README), "--check"]) == 0


def test_every_command_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"bulletins {name}" not in text]
    assert not missing, f"README does not mention: {missing}"
