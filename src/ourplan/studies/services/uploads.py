"""Reading an uploaded CSV file (statements, codebook, paper responses) as text, or refusing it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def decode_upload(raw: bytes) -> str:
    """The file as text; ValidationError with a message the organiser can act on.

    A NUL character never belongs in a CSV file, and PostgreSQL cannot store one in text:
    it usually means a UTF-16 ("Unicode text") export or a spreadsheet saved under a .csv
    name. The file is refused before anything is read from it, so nothing is saved.
    """
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")
        ) from error
    if "\x00" in text:
        raise ValidationError(
            _(
                "The file contains NUL characters, so it is not a plain text CSV file (it may "
                "be saved as UTF-16 or as a spreadsheet). Save it as 'CSV UTF-8' and try again."
            )
        )
    return text
