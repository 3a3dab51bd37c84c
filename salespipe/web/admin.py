"""Failed logins in the configuration screens (SPEC SEC3): a superuser sees who is locked
out and lifts a lock by deleting its access attempt. The addresses and usernames of every
company are there, so no other staff user sees them."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from salespipe.org.admin_scope import SuperusersOnlyAdmin


@admin.register(AccessAttempt)
class LockoutAdmin(SuperusersOnlyAdmin, AccessAttemptAdmin):  # type: ignore[misc]  # django-axes ships no types
    pass


@admin.register(AccessLog)
class LoginLogAdmin(SuperusersOnlyAdmin, AccessLogAdmin):  # type: ignore[misc]  # django-axes ships no types
    pass


@admin.register(AccessFailureLog)
class LoginFailureLogAdmin(SuperusersOnlyAdmin, AccessFailureLogAdmin):  # type: ignore[misc]  # django-axes ships no types
    pass
