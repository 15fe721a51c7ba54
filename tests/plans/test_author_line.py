"""Each item says who wrote it, in plain words."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string


@pytest.mark.parametrize(
    ("written_by", "label", "expected"),
    [
        ("together", "together", "Written together"),
        ("person", "the person, in their own words", "Written by the person, in their own words"),
        ("coordinator", "the care coordinator", "Written by the care coordinator"),
    ],
)
def test_the_author_line_reads_naturally(written_by: str, label: str, expected: str) -> None:
    part = SimpleNamespace(
        written_by=written_by,
        get_written_by_display=lambda: label,
        updated_by=None,
        created_by=None,
    )
    html = render_to_string("plans/_author.html", {"part": part})
    assert expected in html
    assert "Written by together" not in html
