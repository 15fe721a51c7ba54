from django.urls import path

from ourplan.plans import views

app_name = "plans"

P = "people/<uuid:person_id>/plan/"

urlpatterns = [
    path(P, views.plan_home, name="plan"),
    path(P + "start/", views.plan_start, name="start"),
    path(P + "about-me/", views.about_me, name="about_me"),
    path(P + "staying-well/", views.staying_well, name="staying_well"),
    path(P + "crisis/", views.crisis, name="crisis"),
    path(P + "crisis/edit/", views.crisis_edit, name="crisis_edit"),
    path(P + "strengths/new/", views.strength_new, name="strength_new"),
    path(P + "strengths/<int:strength_id>/edit/", views.strength_edit, name="strength_edit"),
    path(P + "goals/new/", views.goal_new, name="goal_new"),
    path(P + "goals/<int:goal_id>/", views.goal_detail, name="goal"),
    path(P + "goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path(P + "goals/<int:goal_id>/steps/new/", views.step_new, name="step_new"),
    path(P + "goals/<int:goal_id>/progress/", views.goal_rate, name="goal_rate"),
    path(P + "goals/<int:goal_id>/achieved/", views.goal_achieve, name="goal_achieve"),
    path(P + "steps/<int:step_id>/edit/", views.step_edit, name="step_edit"),
    path(P + "steps/<int:step_id>/status/", views.step_status, name="step_status"),
    path(P + "safety/new/", views.safety_new, name="safety_new"),
    path(P + "safety/<int:item_id>/", views.safety_edit, name="safety_edit"),
    path(P + "review/", views.review, name="review"),
    path(P + "versions/", views.versions, name="versions"),
    path(P + "versions/compare/", views.version_compare, name="version_compare"),
    path(P + "versions/<int:number>/", views.version, name="version"),
    path(P + "versions/<int:number>/sign/", views.version_sign, name="version_sign"),
    path(
        P + "versions/<int:number>/not-signed/", views.version_not_signed, name="version_not_signed"
    ),
    path(P + "statutory/", views.statutory, name="statutory"),
    path(P + "statutory.pdf", views.statutory_pdf, name="statutory_pdf"),
    path(P + "my-copy/", views.person_copy, name="person_copy"),
    path(P + "my-copy.pdf", views.person_copy_pdf, name="person_copy_pdf"),
]
