"""Welsh is a requirement: every string the code marks for translation has a Welsh translation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "ourplan"
CATALOGUE = PACKAGE / "locale" / "cy" / "LC_MESSAGES" / "django.po"


def _live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def test_every_welsh_entry_is_translated_and_none_is_fuzzy() -> None:
    po = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in _live_entries(po) if not entry.translated()]
    assert untranslated == []
    assert [entry.msgid for entry in _live_entries(po) if "fuzzy" in entry.flags] == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (make install)")
def test_the_catalogue_holds_every_string_in_the_code(tmp_path: Path) -> None:
    """Extract the strings again from a copy of the code and compare with the catalogue."""
    copy = tmp_path / "ourplan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "cy",
            "--no-obsolete",
            "--settings=ourplan.config.settings",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = polib.pofile(str(copy / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(CATALOGUE))
    wanted = {(entry.msgctxt, entry.msgid) for entry in _live_entries(extracted)}
    held = {(entry.msgctxt, entry.msgid) for entry in _live_entries(committed)}
    assert sorted(wanted - held, key=str) == []
