"""Fixtures for the Delphi study tests."""

from __future__ import annotations

from typing import Any

import pytest

from ourplan.studies.models import Study
from tests.studies.study_builders import build_study


@pytest.fixture
def study(standing: Any) -> Study:
    return build_study(standing)
