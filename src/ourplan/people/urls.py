from django.urls import path

from ourplan.people import views

app_name = "people"

urlpatterns = [
    path("people/", views.caseload, name="caseload"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:person_id>/supporters/new/", views.supporter_new, name="supporter_new"),
    path("people/<uuid:person_id>/invite/", views.invite, name="invite"),
    path("me/", views.my_home, name="my_home"),
    path("me/details/", views.my_details, name="my_details"),
    path("team/", views.team_overview, name="team_overview"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/teams/new/", views.team_new, name="team_new"),
    path("organisation/teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("organisation/staff/<int:staff_id>/", views.staff_edit, name="staff_edit"),
    path(
        "organisation/staff/<int:staff_id>/deactivate/",
        views.staff_deactivate,
        name="staff_deactivate",
    ),
    path("organisation/crisis-lines/new/", views.crisis_line_new, name="crisis_line_new"),
    path(
        "organisation/crisis-lines/<int:line_id>/", views.crisis_line_edit, name="crisis_line_edit"
    ),
    path(
        "organisation/crisis-lines/<int:line_id>/remove/",
        views.crisis_line_remove,
        name="crisis_line_remove",
    ),
]
