"""Every write to a Delphi study: atomic, validated in full before anything is saved, audited.

One module per part of the app (``design``, ``rounds``, ``results``, ``coding``); callers
import them from here. Reads, including why something can no longer change, are in
``ourplan.studies.queries``. Study data are not person records, so audit entries carry no
person.
"""

from ourplan.studies.services.coding import (
    codebook_import,
    codings_set,
    framework_cell_save,
    theme_add,
    theme_remove,
    theme_update,
)
from ourplan.studies.services.design import (
    DEFAULT_AGREE_MIN,
    DEFINITION_FIELDS,
    question_add,
    question_remove,
    question_update,
    statement_add,
    statement_remove,
    statement_update,
    statements_import,
    study_create,
    study_update,
)
from ourplan.studies.services.results import record_export
from ourplan.studies.services.rounds import (
    MAX_LINKS_AT_ONCE,
    IssuedLink,
    participant_consent,
    participant_invite_account,
    participant_withdraw,
    participants_invite_links,
    response_save,
    responses_import,
    round_close,
    round_open,
)
from ourplan.studies.services.uploads import MAX_UPLOAD_BYTES

__all__ = [
    "DEFAULT_AGREE_MIN",
    "DEFINITION_FIELDS",
    "MAX_LINKS_AT_ONCE",
    "MAX_UPLOAD_BYTES",
    "IssuedLink",
    "codebook_import",
    "codings_set",
    "framework_cell_save",
    "participant_consent",
    "participant_invite_account",
    "participant_withdraw",
    "participants_invite_links",
    "question_add",
    "question_remove",
    "question_update",
    "record_export",
    "response_save",
    "responses_import",
    "round_close",
    "round_open",
    "statement_add",
    "statement_remove",
    "statement_update",
    "statements_import",
    "study_create",
    "study_update",
    "theme_add",
    "theme_remove",
    "theme_update",
]
