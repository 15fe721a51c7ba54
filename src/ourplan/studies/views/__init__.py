"""Delphi study pages, one module per part of the app. Thin: reach the study through
``access``, parse input, call a service or a query, render. ``urls.py`` names them from here.
"""

from ourplan.studies.views.coding import (
    agreement,
    codebook,
    codebook_csv,
    coding,
    framework,
    theme_edit,
    theme_remove,
)
from ourplan.studies.views.design import (
    question_edit,
    question_remove,
    statement_edit,
    statement_remove,
    statements,
    study_create,
    study_detail,
    study_edit,
    study_list,
)
from ourplan.studies.views.results import (
    export_responses_csv,
    export_results_csv,
    export_sav,
    export_xlsx,
    report,
    report_pdf,
    results,
)
from ourplan.studies.views.rounds import participants, responses_import, round_close, round_open
from ourplan.studies.views.taking_part import (
    join,
    join_round,
    join_withdraw,
    my_studies,
    take_part,
    take_part_round,
    take_part_withdraw,
)

__all__ = [
    "agreement",
    "codebook",
    "codebook_csv",
    "coding",
    "export_responses_csv",
    "export_results_csv",
    "export_sav",
    "export_xlsx",
    "framework",
    "join",
    "join_round",
    "join_withdraw",
    "my_studies",
    "participants",
    "question_edit",
    "question_remove",
    "report",
    "report_pdf",
    "responses_import",
    "results",
    "round_close",
    "round_open",
    "statement_edit",
    "statement_remove",
    "statements",
    "study_create",
    "study_detail",
    "study_edit",
    "study_list",
    "take_part",
    "take_part_round",
    "take_part_withdraw",
    "theme_edit",
    "theme_remove",
]
