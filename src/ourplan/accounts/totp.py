"""Showing a new authenticator secret as a QR code and as text."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_setup_context(device: Any, user: Any) -> dict[str, str]:
    """The QR code (inline SVG) and the secret a person types if they cannot scan."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr_svg": qr_svg, "secret": grouped}


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The authenticator this user has set up, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: Any, device_id: object) -> TOTPDevice:
    """The authenticator being set up in this session, or a new one to set up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    return device
