from django.urls import path

from ourplan.plans.views import documents, goals, plan, reviews, safety

app_name = "plans"

P = "people/<uuid:person_id>/plan/"

urlpatterns = [
    path(P, plan.plan_home, name="plan"),
    path(P + "start/", plan.plan_start, name="start"),
    path(P + "about-me/", plan.about_me, name="about_me"),
    path(P + "staying-well/", plan.staying_well, name="staying_well"),
    path(P + "crisis/", plan.crisis, name="crisis"),
    path(P + "crisis/edit/", plan.crisis_edit, name="crisis_edit"),
    path(P + "strengths/new/", plan.strength_new, name="strength_new"),
    path(P + "strengths/<int:strength_id>/edit/", plan.strength_edit, name="strength_edit"),
    path(P + "goals/new/", goals.goal_new, name="goal_new"),
    path(P + "goals/<int:goal_id>/", goals.goal_detail, name="goal"),
    path(P + "goals/<int:goal_id>/edit/", goals.goal_edit, name="goal_edit"),
    path(P + "goals/<int:goal_id>/steps/new/", goals.step_new, name="step_new"),
    path(P + "goals/<int:goal_id>/progress/", goals.goal_rate, name="goal_rate"),
    path(P + "goals/<int:goal_id>/achieved/", goals.goal_achieve, name="goal_achieve"),
    path(P + "steps/<int:step_id>/edit/", goals.step_edit, name="step_edit"),
    path(P + "steps/<int:step_id>/status/", goals.step_status, name="step_status"),
    path(P + "safety/new/", safety.safety_new, name="safety_new"),
    path(P + "safety/<int:item_id>/", safety.safety_edit, name="safety_edit"),
    path(P + "review/", reviews.review, name="review"),
    path(P + "versions/", reviews.versions, name="versions"),
    path(P + "versions/compare/", reviews.version_compare, name="version_compare"),
    path(P + "versions/<int:number>/", reviews.version, name="version"),
    path(P + "versions/<int:number>/sign/", reviews.version_sign, name="version_sign"),
    path(
        P + "versions/<int:number>/not-signed/",
        reviews.version_not_signed,
        name="version_not_signed",
    ),
    path(P + "statutory/", documents.statutory, name="statutory"),
    path(P + "statutory.pdf", documents.statutory_pdf, name="statutory_pdf"),
    path(P + "my-copy/", documents.person_copy, name="person_copy"),
    path(P + "my-copy.pdf", documents.person_copy_pdf, name="person_copy_pdf"),
]
