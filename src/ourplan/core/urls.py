from django.urls import path

from ourplan.core import views

app_name = "core"

urlpatterns = [
    path("me/record-access/", views.my_record_access, name="my_record_access"),
]
