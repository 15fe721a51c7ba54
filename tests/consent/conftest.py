"""Fixtures for the consent tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.consent.consent_network import Network, build_network


@pytest.fixture
def network(standing: Any) -> Network:
    return build_network(standing)
