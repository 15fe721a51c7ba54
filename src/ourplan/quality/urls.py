from django.urls import path

from ourplan.quality.views import audits, improvement

app_name = "quality"

S = "quality/samples/<uuid:sample_id>/"
A = "quality/recovery/<int:assessment_id>/"

urlpatterns = [
    path("quality/", audits.home, name="home"),
    path("quality/dashboard/", audits.dashboard, name="dashboard"),
    path("quality/samples/new/", audits.sample_new, name="sample_new"),
    path(S, audits.sample, name="sample"),
    path(S + "agreement/", audits.agreement, name="agreement"),
    path(S + "export.csv", audits.export, name="export"),
    path(S + "report/", audits.report, name="report"),
    path(S + "plans/<int:entry_id>/", audits.entry, name="entry"),
    path(S + "plans/<int:entry_id>/audit/", audits.audit_plan, name="audit"),
    path(S + "plans/<int:entry_id>/version.pdf", audits.entry_pdf, name="entry_pdf"),
    # The organisational recovery self-assessment.
    path("quality/recovery/", improvement.assessments, name="assessments"),
    path("quality/recovery/new/", improvement.assessment_new, name="assessment_new"),
    path(A, improvement.assessment, name="assessment"),
    path(A + "ratings/", improvement.assessment_ratings, name="assessment_ratings"),
    path(A + "priorities/", improvement.assessment_priorities, name="assessment_priorities"),
    path(A + "actions/new/", improvement.action_new, name="action_new"),
    path(A + "actions/<int:action_id>/cycles/new/", improvement.cycle_new, name="cycle_new"),
]
