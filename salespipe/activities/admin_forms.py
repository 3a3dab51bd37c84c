"""The action form of the configuration screens: its company follows what it is about."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salespipe.activities.models import Action


class ActionForm(forms.ModelForm[Action]):
    class Meta:
        model = Action
        fields = [
            "kind",
            "subject",
            "notes",
            "due_at",
            "assignee",
            "done",
            "done_at",
            "opportunity",
            "account",
            "contact",
        ]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        opportunity = cleaned.get("opportunity")
        account = cleaned.get("account")
        contact = cleaned.get("contact")
        if opportunity is None and account is None:
            raise forms.ValidationError(_("An action is about an opportunity or an account."))
        if opportunity is not None and account is not None and opportunity.account_id != account.pk:
            self.add_error("account", _("The account must be the opportunity's account."))
        holder = account if account is not None else opportunity.account  # type: ignore[union-attr]
        if contact is not None and contact.account_id != holder.pk:
            self.add_error("contact", _("The contact must be a contact of that account."))
        # An action belongs to the company of what it is about, never to one picked by hand.
        self.instance.company_id = (
            opportunity.company_id if opportunity is not None else holder.company_id
        )
        if cleaned.get("done") and cleaned.get("done_at") is None:
            cleaned["done_at"] = timezone.now()
        if not cleaned.get("done"):
            cleaned["done_at"] = None
        return cleaned
