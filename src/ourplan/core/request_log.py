"""What the request log keeps: a refusal is one warning line, never a traceback.

Django logs every PermissionDenied and BadRequest on ``django.request`` with the exception
attached, so each 403, and each request the limits refuse (400 for a NUL character or too
many fields, 413 for too large a body), would write a full traceback. These are expected
(the permission rules and the request limits make them; each 403 is in the audit log), so
the traceback is noise that hides real errors. The one-line warning with the path stays.
"""

from __future__ import annotations

import logging

EXPECTED_REFUSALS = frozenset({400, 403, 413})


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED_REFUSALS:
            record.exc_info = None
            record.exc_text = None
        return True
