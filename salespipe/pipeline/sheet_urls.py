"""The creation form and the sheet, in the `pipeline` namespace (included by `urls.py`)."""

from django.urls import path

from salespipe.pipeline.views import create, lookups, sheet

urlpatterns = [
    path("opportunities/new/", create.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", sheet.sheet, name="opportunity"),
    path("opportunities/<int:pk>/fields/", sheet.save_fields, name="opportunity_save"),
    path("opportunities/<int:pk>/delete/", sheet.delete, name="opportunity_delete"),
    path("opportunities/<int:pk>/estimate/", sheet.estimate_mode, name="estimate_mode"),
    path(
        "opportunities/<int:pk>/estimate/currency/",
        sheet.estimate_currency,
        name="estimate_currency",
    ),
    path("opportunities/<int:pk>/estimate/lines/", sheet.line_add, name="line_add"),
    path(
        "opportunities/<int:pk>/estimate/lines/<int:line_id>/",
        sheet.line_update,
        name="line_update",
    ),
    path(
        "opportunities/<int:pk>/estimate/lines/<int:line_id>/duplicate/",
        sheet.line_duplicate,
        name="line_duplicate",
    ),
    path(
        "opportunities/<int:pk>/estimate/lines/<int:line_id>/delete/",
        sheet.line_delete,
        name="line_delete",
    ),
    path("opportunities/<int:pk>/activities/", sheet.activities, name="sheet_activities"),
    path(
        "opportunities/<int:pk>/activities/<int:action_id>/done/",
        sheet.action_done,
        name="sheet_action_done",
    ),
    path("opportunities/<int:pk>/contacts/", sheet.contacts, name="sheet_contacts"),
    path(
        "opportunities/<int:pk>/contacts/<int:link_id>/remove/",
        sheet.contact_unlink,
        name="sheet_contact_unlink",
    ),
    path("opportunities/<int:pk>/history/", sheet.history, name="sheet_history"),
    path("opportunities/lookup/salespeople/", lookups.salespeople, name="lookup_salespeople"),
    path("opportunities/tags/", lookups.tags, name="tags"),
    path("opportunities/tags/<int:tag_id>/", lookups.tag_edit, name="tag_edit"),
]
