"""What the request log keeps: a refusal is one warning line, never a traceback.

Django logs every PermissionDenied on ``django.request`` with the exception attached, so
each 403 would write a full traceback. Refusals are expected (the permission rules make
them) and each is already in the audit log, so the traceback is noise that hides real
errors. The one-line warning with the path stays.
"""

from __future__ import annotations

import logging


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
