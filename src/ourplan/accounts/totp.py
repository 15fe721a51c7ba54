"""Showing a new authenticator secret as a QR code and as text."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno


def totp_setup_context(device: Any, user: Any) -> dict[str, str]:
    """The QR code (inline SVG) and the secret a person types if they cannot scan."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr_svg": qr_svg, "secret": grouped}
