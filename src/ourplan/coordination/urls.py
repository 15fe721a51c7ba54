from django.urls import path

from ourplan.coordination.views import admin, allocation, contacts, dashboard, inbox, worklist

app_name = "coordination"

urlpatterns = [
    path("worklist/", worklist.worklist, name="worklist"),
    path("worklist/<slug:section>/", worklist.worklist_section, name="worklist_section"),
    path("people/<uuid:person_id>/contacts/", contacts.contacts, name="contacts"),
    path("people/<uuid:person_id>/contacts/new/", contacts.contact_new, name="contact_new"),
    path(
        "people/<uuid:person_id>/contacts/<int:contact_id>/",
        contacts.contact_detail,
        name="contact",
    ),
    path(
        "people/<uuid:person_id>/contacts/<int:contact_id>/outcome/",
        contacts.contact_outcome,
        name="contact_outcome",
    ),
    path(
        "people/<uuid:person_id>/appointments/new/",
        contacts.appointment_new,
        name="appointment_new",
    ),
    path("people/<uuid:person_id>/timeline/", contacts.timeline, name="timeline"),
    path("people/<uuid:person_id>/allocation/", allocation.allocation, name="allocation"),
    path(
        "people/<uuid:person_id>/coordinator-preferences/",
        allocation.preferences,
        name="preferences",
    ),
    path(
        "people/<uuid:person_id>/handovers/<int:handover_id>/",
        allocation.handover,
        name="handover",
    ),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/settings/", inbox.notification_settings, name="notification_settings"),
    path("inbox/<int:notification_id>/", inbox.notification_open, name="notification_open"),
    path("team/dashboard/", dashboard.dashboard, name="dashboard"),
    path("team/dashboard/people/", dashboard.dashboard_people, name="dashboard_people"),
    path(
        "team/dashboard/export.<slug:file_format>",
        dashboard.dashboard_export,
        name="dashboard_export",
    ),
    path(
        "staff/<int:staff_id>/coordinator-profile/",
        admin.coordinator_profile,
        name="coordinator_profile",
    ),
    path("organisation/coordination/", admin.settings, name="settings"),
]
