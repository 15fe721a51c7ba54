from django.urls import path

from ourplan.quality.views import audits

app_name = "quality"

S = "quality/samples/<uuid:sample_id>/"

urlpatterns = [
    path("quality/", audits.home, name="home"),
    path("quality/samples/new/", audits.sample_new, name="sample_new"),
    path(S, audits.sample, name="sample"),
    path(S + "agreement/", audits.agreement, name="agreement"),
    path(S + "export.csv", audits.export, name="export"),
    path(S + "plans/<int:entry_id>/", audits.entry, name="entry"),
    path(S + "plans/<int:entry_id>/audit/", audits.audit_plan, name="audit"),
]
