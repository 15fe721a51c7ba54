"""A form as a browser sends it: forms that create something carry a one-time submission key."""

from __future__ import annotations

import uuid
from typing import Any

from ourplan.core.submissions import FIELD_NAME


def keyed(data: dict[str, Any] | None = None, key: str | None = None) -> dict[str, Any]:
    """``data`` with a fresh submission key (or ``key``, to send the same form twice)."""
    return {**(data or {}), FIELD_NAME: key or uuid.uuid4().hex}
