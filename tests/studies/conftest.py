"""Fixtures for the Delphi study tests."""

from __future__ import annotations

from typing import Any

import pytest
from study_builders import build_study

from ourplan.studies.models import Study


@pytest.fixture
def study(standing: Any) -> Study:
    return build_study(standing)
