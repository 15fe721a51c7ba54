"""Permission-matrix rows for the Delphi studies app (merged by tests/foundation/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

STUDIES_MATRIX: dict[str, dict[str, set[str]]] = {}


def studies_url_kwargs(standing: Any) -> dict[str, Any]:
    """Values for the studies app's URL parameters, built for the standing users."""
    return {}
