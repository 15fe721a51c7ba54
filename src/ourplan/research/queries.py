"""Reads for the research pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ourplan.research.access import visible_datasets
from ourplan.research.models import Dataset


def datasets_listed(user: Any) -> QuerySet[Dataset]:
    """The data sets the user may see, without their tables (a list needs only the names)."""
    return visible_datasets(user).select_related("uploaded_by").defer("content", "columns")
