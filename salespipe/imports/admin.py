"""The task queue's screen (django-tasks-db) shows every company's background work, with the
ids it was given: superusers only, as the group-wide screens are."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from salespipe.org.admin_scope import SuperusersOnlyAdmin

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(SuperusersOnlyAdmin, DBTaskResultAdmin):
    pass
