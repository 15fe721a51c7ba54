from django.urls import path

from ourplan.studies import views

app_name = "studies"

urlpatterns = [
    # Organisers (researchers and team managers, own organisation).
    path("", views.study_list, name="list"),
    path("new/", views.study_create, name="create"),
    path("<uuid:study_id>/", views.study_detail, name="detail"),
    path("<uuid:study_id>/edit/", views.study_edit, name="edit"),
    path("<uuid:study_id>/statements/", views.statements, name="statements"),
    path(
        "<uuid:study_id>/statements/<int:statement_id>/edit/",
        views.statement_edit,
        name="statement_edit",
    ),
    path(
        "<uuid:study_id>/statements/<int:statement_id>/remove/",
        views.statement_remove,
        name="statement_remove",
    ),
    path(
        "<uuid:study_id>/questions/<int:question_id>/edit/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "<uuid:study_id>/questions/<int:question_id>/remove/",
        views.question_remove,
        name="question_remove",
    ),
    path("<uuid:study_id>/participants/", views.participants, name="participants"),
    path("<uuid:study_id>/rounds/<int:round_number>/open/", views.round_open, name="round_open"),
    path(
        "<uuid:study_id>/rounds/<int:round_number>/close/",
        views.round_close,
        name="round_close",
    ),
    path("<uuid:study_id>/import/", views.responses_import, name="responses_import"),
    path("<uuid:study_id>/results/", views.results, name="results"),
    path("<uuid:study_id>/report/", views.report, name="report"),
    path("<uuid:study_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path(
        "<uuid:study_id>/export/responses.csv",
        views.export_responses_csv,
        name="export_responses_csv",
    ),
    path("<uuid:study_id>/export/results.csv", views.export_results_csv, name="export_results_csv"),
    path("<uuid:study_id>/export/study.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<uuid:study_id>/export/responses.sav", views.export_sav, name="export_sav"),
    path("<uuid:study_id>/codebook/", views.codebook, name="codebook"),
    path("<uuid:study_id>/codebook/<int:theme_id>/edit/", views.theme_edit, name="theme_edit"),
    path(
        "<uuid:study_id>/codebook/<int:theme_id>/remove/", views.theme_remove, name="theme_remove"
    ),
    path("<uuid:study_id>/codebook.csv", views.codebook_csv, name="codebook_csv"),
    path("<uuid:study_id>/coding/", views.coding, name="coding"),
    path("<uuid:study_id>/framework/", views.framework, name="framework"),
    path("<uuid:study_id>/agreement/", views.agreement, name="agreement"),
    # Participants with an account.
    path("mine/", views.my_studies, name="my_studies"),
    path("<uuid:study_id>/take-part/", views.take_part, name="take_part"),
    path(
        "<uuid:study_id>/take-part/rounds/<int:round_number>/",
        views.take_part_round,
        name="take_part_round",
    ),
    path(
        "<uuid:study_id>/take-part/withdraw/", views.take_part_withdraw, name="take_part_withdraw"
    ),
    # Participants with an invitation link (the token is the credential).
    path("p/<str:participant_token>/", views.join, name="join"),
    path(
        "p/<str:participant_token>/rounds/<int:round_number>/", views.join_round, name="join_round"
    ),
    path("p/<str:participant_token>/withdraw/", views.join_withdraw, name="join_withdraw"),
]
