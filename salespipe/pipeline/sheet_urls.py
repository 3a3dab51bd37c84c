"""The creation form and the sheet, in the `pipeline` namespace (included by `urls.py`)."""

from django.urls import path

from salespipe.pipeline import create_views, lookup_views, sheet_views

urlpatterns = [
    path("opportunities/new/", create_views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", sheet_views.sheet, name="opportunity"),
    path("opportunities/<int:pk>/fields/", sheet_views.save_fields, name="opportunity_save"),
    path("opportunities/<int:pk>/delete/", sheet_views.delete, name="opportunity_delete"),
    path("opportunities/<int:pk>/estimate/", sheet_views.estimate_mode, name="estimate_mode"),
    path(
        "opportunities/<int:pk>/estimate/currency/",
        sheet_views.estimate_currency,
        name="estimate_currency",
    ),
    path("opportunities/<int:pk>/estimate/lines/", sheet_views.line_add, name="line_add"),
    path(
        "opportunities/<int:pk>/estimate/lines/<int:line_id>/",
        sheet_views.line_update,
        name="line_update",
    ),
    path(
        "opportunities/<int:pk>/estimate/lines/<int:line_id>/duplicate/",
        sheet_views.line_duplicate,
        name="line_duplicate",
    ),
    path(
        "opportunities/<int:pk>/estimate/lines/<int:line_id>/delete/",
        sheet_views.line_delete,
        name="line_delete",
    ),
    path("opportunities/<int:pk>/activities/", sheet_views.activities, name="sheet_activities"),
    path(
        "opportunities/<int:pk>/activities/<int:action_id>/done/",
        sheet_views.action_done,
        name="sheet_action_done",
    ),
    path("opportunities/<int:pk>/contacts/", sheet_views.contacts, name="sheet_contacts"),
    path(
        "opportunities/<int:pk>/contacts/<int:link_id>/remove/",
        sheet_views.contact_unlink,
        name="sheet_contact_unlink",
    ),
    path("opportunities/<int:pk>/history/", sheet_views.history, name="sheet_history"),
    path("opportunities/lookup/salespeople/", lookup_views.salespeople, name="lookup_salespeople"),
    path("opportunities/tags/", lookup_views.tags, name="tags"),
    path("opportunities/tags/<int:tag_id>/", lookup_views.tag_edit, name="tag_edit"),
]
