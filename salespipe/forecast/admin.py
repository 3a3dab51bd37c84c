from django.contrib import admin

from salespipe.forecast.models import SalesTarget
from salespipe.org.admin_scope import ScopedAdmin


@admin.register(SalesTarget)
class SalesTargetAdmin(ScopedAdmin[SalesTarget]):
    list_display = ["portfolio", "month", "amount"]
    list_filter = [("portfolio", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["portfolio"]
    date_hierarchy = "month"
