from django.urls import path

from ourplan.research import views

app_name = "research"

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/<uuid:dataset_id>/", views.dataset, name="dataset"),
]
