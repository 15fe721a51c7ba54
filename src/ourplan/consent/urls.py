from django.urls import path

from ourplan.consent import views

app_name = "consent"

P = "people/<uuid:person_id>/"

urlpatterns = [
    path(P + "sharing/", views.sharing, name="sharing"),
    path(P + "sharing/with/<uuid:supporter_id>/", views.agreement_edit, name="agreement_edit"),
    path(
        P + "sharing/agreements/<uuid:agreement_id>/stop/",
        views.agreement_stop,
        name="agreement_stop",
    ),
    path(
        P + "sharing/agreements/<uuid:agreement_id>/checked/",
        views.agreement_confirm,
        name="agreement_confirm",
    ),
    path(P + "sharing/crisis/", views.crisis_sharing, name="crisis_sharing"),
    path(P + "sharing/crisis/end/", views.crisis_sharing_end, name="crisis_sharing_end"),
    path(P + "contributions/", views.contributions, name="contributions"),
    path(
        P + "contributions/<int:contribution_id>/respond/",
        views.contribution_respond,
        name="contribution_respond",
    ),
    path(P + "supporters/<uuid:supporter_id>/carer/", views.carer_support, name="carer_support"),
    path("sharing/due/", views.revisits_due, name="revisits_due"),
    path(
        "organisation/contribution-policy/",
        views.contribution_policy,
        name="contribution_policy",
    ),
    path("supporting/", views.supporter_home, name="supporter_home"),
    path("supporting/send/", views.contribute, name="contribute"),
    path("supporting/my-needs/", views.my_needs, name="my_needs"),
    path("supporting/my-needs/check-in/", views.check_in, name="check_in"),
    path("supporting/shared.pdf", views.shared_pdf, name="shared_pdf"),
]
