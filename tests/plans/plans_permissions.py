"""Permission-matrix rows for the plans app (merged by tests/foundation/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

PLANS_MATRIX: dict[str, dict[str, set[str]]] = {}


def plans_url_kwargs(standing: Any) -> dict[str, Any]:
    """Values for the plans app's URL parameters, built for the standing users."""
    return {}
