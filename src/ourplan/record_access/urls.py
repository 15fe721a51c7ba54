from django.urls import path

from ourplan.record_access import views

app_name = "record_access"

urlpatterns = [
    path("me/record-access/", views.mine, name="mine"),
    path("me/record-access/ask/<int:entry_id>/", views.ask, name="ask"),
    path("record-access/questions/", views.questions, name="questions"),
    path("record-access/questions/<int:question_id>/", views.question, name="question"),
    path("record-access/governance-leads/", views.leads, name="leads"),
    path(
        "record-access/governance-leads/<int:lead_id>/remove/",
        views.lead_remove,
        name="lead_remove",
    ),
]
