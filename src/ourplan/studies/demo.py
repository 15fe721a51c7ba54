"""The demo Delphi study: the source paper's statements with synthetic ratings.

The statements are those reported in the summary paper of the source Delphi study on
recovery and care coordination; the ratings are **synthetic**, drawn by the documented
generator :func:`ourplan.analysis.delphi.demo.demo_study` (seeded, so the same on every
machine). No participant quotes are used. The study belongs to the English demo trust and
is organised by the demo researcher. Loading goes through the same services (and the same
CSV import) as a real study, so it is audited like one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ourplan.accounts.models import User
from ourplan.analysis.delphi.demo import demo_study, statements_frame
from ourplan.people.models import Organisation
from ourplan.studies import services
from ourplan.studies.models import Study

DEMO_ORGANISATION = "ZZE01"
DEMO_ORGANISER = "researcher"
DEMO_TITLE = "Recovery and care coordination (demo Delphi study)"
DEMO_PURPOSE = (
    "To gauge consensus and disagreement between service users, carers, professionals and "
    "policy makers about recovery and care coordination in mental health services. "
    "Demonstration only: the statements come from a published Delphi study, the ratings are "
    "synthetic."
)
DEMO_GROUPS = ["service users", "carers", "professionals", "policy makers"]


def load_demo_study() -> list[Any]:
    """Create the demo study once (idempotent). Returns no logins."""
    organisation = Organisation.objects.filter(code=DEMO_ORGANISATION).first()
    organiser = User.objects.filter(username=DEMO_ORGANISER).first()
    if organisation is None or organiser is None:
        return []
    if Study.objects.filter(organisation=organisation, title=DEMO_TITLE).exists():
        return []
    panel = demo_study()
    with transaction.atomic():
        study = services.study_create(
            actor=organiser,
            organisation=organisation,
            groups=DEMO_GROUPS,
            title=DEMO_TITLE,
            purpose=DEMO_PURPOSE,
            scale=5,
            planned_rounds=2,
            open_first_round=False,
            threshold=0.75,
            agree_min=None,
            max_iqr=None,
            all_groups=False,
            stability_method="",
            stability_max_change=0.15,
            # Only two professionals answered the final round, so the paper pooled them
            # with the policy makers.
            merge_groups=["professionals+policy makers"],
            cluster_k=None,
        )
        statements_csv = statements_frame(panel.statements).to_csv(index=False)
        services.statements_import(actor=organiser, study=study, raw=statements_csv.encode())
        responses = panel.responses
        for number in (1, 2):
            services.round_open(actor=organiser, study=study, number=number)
            rows = responses[responses["round"] == number]
            services.responses_import(
                actor=organiser,
                study=study,
                raw=rows.to_csv(index=False).encode(),
                consent_confirmed=True,
            )
            services.round_close(actor=organiser, study=study, number=number)
    return []
