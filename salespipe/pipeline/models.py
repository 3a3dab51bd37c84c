"""Stage templates, portfolios and the opportunities that move through them."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salespipe.customers.models import Account, Contact
from salespipe.lib.money import weighted
from salespipe.lib.phones import phone_search_key
from salespipe.lib.text import search_key
from salespipe.org.models import Company, Currency


class StageStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("opportunity status", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    ABANDONED = "abandoned", _("Abandoned")
    OUT_OF_TARGET = "out_of_target", _("Out of target")


class LossStatus(models.TextChoices):
    """The outcome statuses a loss reason may give (SPEC B17)."""

    LOST = OpportunityStatus.LOST.value, OpportunityStatus.LOST.label
    ABANDONED = OpportunityStatus.ABANDONED.value, OpportunityStatus.ABANDONED.label
    OUT_OF_TARGET = OpportunityStatus.OUT_OF_TARGET.value, OpportunityStatus.OUT_OF_TARGET.label


CLOSED_STATUSES = frozenset(
    {
        OpportunityStatus.WON,
        OpportunityStatus.LOST,
        OpportunityStatus.ABANDONED,
        OpportunityStatus.OUT_OF_TARGET,
    }
)

# The opportunity fields a stage may make mandatory, with the label a user reads.
MANDATORY_FIELD_CHOICES: list[tuple[str, str | Promise]] = [
    ("amount", _("Amount")),
    ("days", _("Days")),
    ("expected_signature_date", _("Expected signature date")),
    ("contact", _("Contact")),
    ("phone", _("Phone")),
    ("mobile", _("Mobile")),
    ("function", _("Function")),
    ("email", _("Email")),
    ("description", _("Description")),
    ("tags", _("Tags")),
]
MANDATORY_FIELD_NAMES = frozenset(name for name, _label in MANDATORY_FIELD_CHOICES)


def validate_mandatory_fields(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("A list of field names is expected."))
    unknown = sorted(set(value) - MANDATORY_FIELD_NAMES)
    if unknown:
        raise ValidationError(
            _("These fields can't be made mandatory: %(fields)s."),
            params={"fields": ", ".join(unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A field is listed twice."))


class StageTemplate(models.Model):
    """An ordered list of stages; the portfolios built from one template form a group."""

    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("stage template")
        verbose_name_plural = _("stage templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    template = models.ForeignKey(
        StageTemplate, on_delete=models.CASCADE, related_name="stages", verbose_name=_("template")
    )
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=8, choices=StageStatus.choices, default=StageStatus.OPEN
    )
    mandatory_fields = models.JSONField(
        _("mandatory fields"),
        default=list,
        blank=True,
        validators=[validate_mandatory_fields],
        help_text=_("The opportunity fields that must be filled to enter this stage."),
    )
    # X1: an opportunity left this long without a change goes stale.
    stale_after_days = models.PositiveIntegerField(
        _("stale after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "After how many days without a change an open opportunity in this stage is shown "
            "as stale, unless an action is planned for it and not late. Empty: never."
        ),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["template", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=100),
                name="stage_probability_percent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StageStatus.values), name="stage_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["template", "order"], name="stage_template_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_won(self) -> bool:
        return self.status == StageStatus.WON

    @property
    def is_open(self) -> bool:
        return self.status == StageStatus.OPEN


class Portfolio(models.Model):
    # Every user may list and open every portfolio (SPEC B7); what it shows is scoped, and
    # only a portfolio of the user's companies takes new opportunities (`access.held`).
    listed_for_everyone = True

    name = models.CharField(_("name"), max_length=120)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="portfolios", verbose_name=_("company")
    )
    template = models.ForeignKey(
        StageTemplate,
        on_delete=models.PROTECT,
        related_name="portfolios",
        verbose_name=_("stage template"),
    )
    default_stage = models.ForeignKey(
        Stage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default stage"),
        help_text=_("The stage new opportunities start in; empty: the first stage."),
    )

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="portfolio_name_per_company")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.default_stage_id is not None and self.template_id is not None:
            stage = self.default_stage
            if stage is not None and stage.template_id != self.template_id:
                raise ValidationError(
                    {"default_stage": _("The default stage must be a stage of the template.")}
                )
            if stage is not None and not stage.is_open:
                raise ValidationError({"default_stage": _("The default stage must be open.")})


class TagKind(models.TextChoices):
    OPPORTUNITY = "opportunity", _("Opportunity")
    OTHER = "other", _("Other")


class Tag(models.Model):
    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TagKind.choices, default=TagKind.OPPORTUNITY
    )
    color = models.CharField(
        _("colour"),
        max_length=7,
        default="#64748b",
        validators=[
            RegexValidator(
                r"^#(?:[0-9a-fA-F]{3}){1,2}$", _("A colour written #rgb or #rrggbb is expected.")
            )
        ],
        help_text=_("A CSS colour such as #2563eb."),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="tag_name_per_kind")]

    def __str__(self) -> str:
        return self.name


class LossReason(models.Model):
    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(_("status"), max_length=16, choices=LossStatus.choices)

    class Meta:
        verbose_name = _("loss reason")
        verbose_name_plural = _("loss reasons")
        ordering = ["status", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LossStatus.values), name="loss_reason_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SaleTypeMode(models.TextChoices):
    QUANTITY = "quantity", _("Quantity × unit price")
    DAYS = "days", _("Days and amount")
    AMOUNT = "amount", _("Amount only")


class SaleType(models.Model):
    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    name = models.CharField(_("name"), max_length=120, unique=True)
    mode = models.CharField(_("mode"), max_length=16, choices=SaleTypeMode.choices)

    class Meta:
        verbose_name = _("sale type")
        verbose_name_plural = _("sale types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EstimateLineField(models.Model):
    """A custom field of estimate lines; the first four by position are shown (SPEC S3)."""

    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    label = models.CharField(_("label"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("estimate line custom field")
        verbose_name_plural = _("estimate line custom fields")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class EstimateMode(models.TextChoices):
    GENERAL = "general", _("General estimate")
    DETAILED = "detailed", _("Detailed estimate")


NAME_KEY_LENGTH = 200


def name_sort_key(name: str) -> str:
    """`name` as the sort by name compares it, cut to its column: removing accents may
    lengthen a name ("ß" is "ss")."""
    return search_key(name)[:NAME_KEY_LENGTH]


class Opportunity(models.Model):
    name = models.CharField(_("call name"), max_length=200)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("company")
    )
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("portfolio"),
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.OPEN,
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("account")
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("currency")
    )
    days = models.DecimalField(_("days"), max_digits=8, decimal_places=2, null=True, blank=True)
    estimate_mode = models.CharField(
        _("estimate"), max_length=10, choices=EstimateMode.choices, default=EstimateMode.GENERAL
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("salesperson"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("contact"),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    function = models.CharField(_("function"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    expected_signature_date = models.DateField(_("expected signature date"), null=True, blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="opportunities", verbose_name=_("tags")
    )
    description = models.TextField(_("description"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    loss_reason = models.ForeignKey(
        LossReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("loss reason"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Derived on save, for the phone search of SPEC B12.
    phone_key = models.CharField(max_length=32, editable=False, blank=True)
    mobile_key = models.CharField(max_length=32, editable=False, blank=True)
    # The name as the sort by name compares it (B9): case and accents ignored, so that
    # "Téléphonie" comes before "Tierce" on every database.
    name_key = models.CharField(max_length=NAME_KEY_LENGTH, editable=False, blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["portfolio", "status", "stage"], name="opp_board"),
            models.Index(fields=["status", "expected_signature_date"], name="opp_calendar"),
            models.Index(fields=["company", "status"], name="opp_company_status"),
            # Keyset pages of the API sorted by date stay index-driven deep in the list (P3).
            models.Index(
                fields=["company", "expected_signature_date", "id"], name="opp_company_signature"
            ),
            models.Index(fields=["company", "created_at", "id"], name="opp_company_created"),
            models.Index(fields=["company", "updated_at", "id"], name="opp_company_updated"),
            # A column's open cards in their default order (B9): where a card goes after a
            # change (B21) is found by walking back from it, whatever the column's length.
            models.Index(
                fields=["portfolio", "stage", "expected_signature_date", "id"],
                condition=Q(status="open"),
                name="opp_column_signature",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OpportunityStatus.values), name="opp_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="opp_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(days__isnull=True) | Q(days__gte=0), name="opp_days_not_negative"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="opp_version_positive"),
            # An outcome carries its date; an open opportunity carries none.
            models.CheckConstraint(
                condition=~Q(status=OpportunityStatus.WON) | Q(signed_on__isnull=False),
                name="opp_won_has_signed_on",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=list(LossStatus.values))
                | (Q(lost_on__isnull=False) & Q(loss_reason__isnull=False)),
                name="opp_lost_has_reason_and_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_keys()
        super().save(*args, **kwargs)

    def refresh_keys(self) -> None:
        self.name_key = name_sort_key(self.name)
        self.phone_key = phone_search_key(self.phone)
        self.mobile_key = phone_search_key(self.mobile)

    @property
    def is_open(self) -> bool:
        return self.status == OpportunityStatus.OPEN

    @property
    def probability(self) -> int:
        return self.stage.probability

    @property
    def weighted_amount(self) -> Decimal | None:
        return weighted(self.amount, self.stage.probability)

    @property
    def weighted_days(self) -> Decimal | None:
        return weighted(self.days, self.stage.probability)


class ColumnTotal(models.Model):
    """The open opportunities of a portfolio's stage in one currency, counted and summed
    (SPEC B4): what a board without filters shows in its columns' headers and its summary.

    Kept by database triggers on the opportunities (migration 0004), in the transaction of
    the change, whatever the door: a board reads a few rows of these instead of summing
    every open opportunity of the portfolio, so that a move's answer (B21) and the board
    itself cost the same with 100 cards or 100,000. A column's figures are spread over
    eight rows, its opportunities' ids modulo 8 (`shard`), so that concurrent moves rarely
    wait on the same row. Amounts and days are kept in hundredths, as integers: exact on
    every database, however many changes are added up. Only sums are read from here, and
    nothing but the triggers writes here (`services.column_totals` refuses a fixture's rows).

    A later migration that rebuilds the opportunities' table must create the triggers again
    (on SQLite, a rebuild drops them; on PostgreSQL, changing the type of a column they watch
    is refused): `test_column_totals` checks that they are in place after every migration.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    currency = models.ForeignKey(Currency, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)
    # How many of them have an amount: none, and the column has no amount to convert.
    amounts = models.IntegerField(default=0)
    amount_cents = models.BigIntegerField(default=0)
    days_cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "portfolio", "stage", "currency", "shard"],
                name="column_total_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.portfolio_id}/{self.stage_id}/{self.currency_id}#{self.shard}"


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class EstimateLine(models.Model):
    company_path = "opportunity__company"

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="estimate_lines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    sale_type = models.ForeignKey(
        SaleType, on_delete=models.PROTECT, related_name="+", verbose_name=_("sale type")
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    days = models.DecimalField(_("days"), max_digits=8, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=12, choices=Recurrence.choices, default=Recurrence.ONE_OFF
    )
    custom_1 = models.CharField(max_length=200, blank=True)
    custom_2 = models.CharField(max_length=200, blank=True)
    custom_3 = models.CharField(max_length=200, blank=True)
    custom_4 = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("estimate line")
        verbose_name_plural = _("estimate lines")
        ordering = ["opportunity", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="line_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(days__isnull=True) | Q(days__gte=0), name="line_days_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="line_quantity_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.sale_type)


class OpportunityContact(models.Model):
    """A contact linked to an opportunity from its Contacts tab (SPEC S6)."""

    company_path = "opportunity__company"

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="contact_links"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="opportunity_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("linked contact")
        verbose_name_plural = _("linked contacts")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "contact"], name="opp_contact_once")
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} - {self.contact_id}"


class HistoryKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")


class HistoryEntry(models.Model):
    """One recorded change of an opportunity (SPEC S8). Outlives the opportunity it tells of."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="history",
    )
    # The id the opportunity had, kept once it is deleted.
    opportunity_ref = models.PositiveBigIntegerField(_("opportunity id"), db_index=True)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=HistoryKind.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    old_value = models.CharField(_("from"), max_length=255, blank=True)
    new_value = models.CharField(_("to"), max_length=255, blank=True)
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True)
    # X6: the stage a stage entry (created or moved) entered, kept as a key beside its name
    # so that the funnel and the time in each stage survive a stage being renamed.
    entered_stage = models.ForeignKey(
        Stage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stage entered"),
    )

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.field}".strip()


class SalesDocument(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=40)
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opportunity"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class Quote(SalesDocument):
    """Only what the deletion rule of SPEC B18 needs of a quote."""

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="quote_number")]


class Order(SalesDocument):
    """Only what the deletion rule of SPEC B18 needs of an order."""

    class Meta:
        verbose_name = pgettext_lazy("sales document", "order")
        verbose_name_plural = pgettext_lazy("sales document", "orders")
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="order_number")]
