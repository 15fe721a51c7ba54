from django.urls import path

from ourplan.measures.views import administration, answering, carer, person, research, staff

app_name = "measures"

urlpatterns = [
    # The person's own questionnaires and results.
    path("me/questionnaires/", person.mine, name="mine"),
    path("me/questionnaires/start/", person.start_mine, name="start_mine"),
    path("me/questionnaires/results/", person.my_results, name="my_results"),
    path("me/questionnaires/about-me/", person.my_demographics, name="my_demographics"),
    # Answering, for every respondent.
    path("questionnaires/<int:response_id>/", answering.answer, name="answer"),
    path("questionnaires/<int:response_id>/check/", answering.check, name="check"),
    path("questionnaires/<int:response_id>/send/", answering.finish, name="finish"),
    path("questionnaires/<int:response_id>/result/", answering.result, name="result"),
    # The care team.
    path("people/<uuid:person_id>/questionnaires/", person.person_results, name="person_results"),
    path(
        "people/<uuid:person_id>/questionnaires/start/",
        person.start_with_person,
        name="start_with_person",
    ),
    path("people/<uuid:person_id>/questionnaires/ending/", person.care_ending, name="care_ending"),
    path("people/<uuid:person_id>/questionnaires/fhir/", person.person_fhir, name="person_fhir"),
    # Carers.
    path("supporter/questionnaires/", carer.carer_home, name="carer_home"),
    path("supporter/questionnaires/start/", carer.start_carer, name="start_carer"),
    path("supporter/questionnaire-results/", carer.shared_results, name="shared_results"),
    # Staff.
    path("staff/questionnaires/", staff.staff_home, name="staff_home"),
    path("staff/questionnaires/start/", staff.start_staff, name="start_staff"),
    path("staff/questionnaires/about-me/", staff.staff_demographics, name="staff_demographics"),
    path("measures/team/", staff.team, name="team"),
    # Administration.
    path("measures/setup/", administration.setup, name="setup"),
    path("measures/setup/schedule/", administration.schedule, name="schedule"),
    path("measures/setup/wording/", administration.wording, name="wording"),
    path("measures/setup/<slug:instrument_id>/adopt/", administration.adopt, name="adopt"),
    path("measures/setup/<slug:instrument_id>/rescore/", administration.rescore, name="rescore"),
    path("measures/paper/", administration.paper_list, name="paper_list"),
    path("measures/paper/new/", administration.paper_new, name="paper_new"),
    path("measures/paper/<int:entry_id>/second/", administration.paper_second, name="paper_second"),
    path(
        "measures/paper/<int:entry_id>/resolve/", administration.paper_resolve, name="paper_resolve"
    ),
    path("measures/import/", administration.import_responses, name="import_responses"),
    path(
        "measures/import/redcap-dictionary/",
        administration.import_dictionary,
        name="import_dictionary",
    ),
    path(
        "measures/fhir/Questionnaire/<slug:instrument_id>/",
        research.fhir_questionnaire,
        name="fhir_questionnaire",
    ),
    # The research area.
    path("research/measures/", research.research_home, name="research_home"),
    path("research/measures/teams/", research.site, name="site"),
    path("research/measures/reports/new/", research.report_new, name="report_new"),
    path("research/measures/reports/<uuid:run_id>/", research.report, name="report"),
    path(
        "research/measures/reports/<uuid:run_id>/progress/",
        research.report_progress,
        name="report_progress",
    ),
    path(
        "research/measures/reports/<uuid:run_id>/evaluation.html",
        research.report_html,
        name="report_html",
    ),
    path(
        "research/measures/reports/<uuid:run_id>/evaluation.pdf",
        research.report_pdf,
        name="report_pdf",
    ),
    path("research/measures/export/", research.export, name="export"),
]
