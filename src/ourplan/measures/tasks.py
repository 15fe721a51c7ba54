"""Background work: the evaluation report, built by a task worker (Django tasks, database
backend) while the researcher watches its progress (docs/measures.md, "Background jobs")."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django_tasks import task

from ourplan.measures.models import ReportRun, ReportStatus

logger = logging.getLogger(__name__)


def _progress(run_id: Any) -> Any:
    def tell(percent: int, stage: str) -> None:
        # Each step is its own committed update, so the progress page sees it at once.
        ReportRun.objects.filter(pk=run_id).update(
            progress=max(0, min(100, percent)), stage=stage[:200]
        )

    return tell


@task()
def build_report(run_id: str) -> str:
    """Build one queued evaluation report and keep its HTML and PDF on the run."""
    from ourplan.measures import evaluation

    run = ReportRun.objects.select_related("organisation").get(pk=run_id)
    if run.status == ReportStatus.DONE:
        return run.status
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), progress=1, stage="Starting"
    )
    try:
        built = evaluation.build(run.organisation, run.parameters, progress=_progress(run.pk))
    except evaluation.ReportError as error:
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        return ReportStatus.FAILED
    except Exception:
        logger.exception("Evaluation report %s failed", run.pk)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportStatus.FAILED,
            error="Something went wrong while building the report. It has been logged for the team that runs ourplan.",
            finished_at=timezone.now(),
        )
        return ReportStatus.FAILED
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportStatus.DONE,
        html=built.html,
        body=built.body,
        pdf=built.pdf,
        progress=100,
        stage="Ready",
        finished_at=timezone.now(),
    )
    return ReportStatus.DONE
