"""The configuration a client needs to fill an opportunity (SPEC P3).

Read-only but for opportunity tags, which the opportunity form creates and edits (O2).

Portfolios, groups, stages, tags, loss reasons and sale types are shared by every company
(SPEC B7) and readable by every user; companies and collaborators are scoped: a user sees its
own companies and the collaborators who share one with it.
"""

from typing import Literal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from salespipe.api.auth import user_of
from salespipe.api.pagination import Ordering, PageParams, PageResult, paginate
from salespipe.api.schemas import (
    DETAIL_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Page,
    SearchText,
    path_id,
    text_field,
)
from salespipe.org import access
from salespipe.org.models import Collaborator, Company, Department, Team
from salespipe.pipeline.models import (
    LossReason,
    LossStatus,
    Portfolio,
    SaleType,
    SaleTypeMode,
    Stage,
    StageStatus,
    StageTemplate,
    Tag,
    TagKind,
)
from salespipe.pipeline.services import tags as tag_services

router = Router()


# --- schemas ---------------------------------------------------------------------------------


class CompanyOut(Schema):
    id: int
    name: str
    currency: str = Field(description="ISO 4217 code of the company's currency.")

    @staticmethod
    def resolve_currency(obj: Company) -> str:
        return obj.currency_id


class PortfolioOut(Schema):
    id: int
    name: str
    company: int = Field(description="The company whose opportunities it holds.")
    template: int = Field(description="Its stage template; the portfolio group it belongs to.")
    default_stage: int | None = Field(description="The stage new opportunities start in.")

    @staticmethod
    def resolve_company(obj: Portfolio) -> int:
        return obj.company_id

    @staticmethod
    def resolve_template(obj: Portfolio) -> int:
        return obj.template_id

    @staticmethod
    def resolve_default_stage(obj: Portfolio) -> int | None:
        return obj.default_stage_id


class PortfolioGroupOut(Schema):
    id: int = Field(description="The id of the stage template the group is made of.")
    name: str
    portfolios: list[PortfolioOut] = Field(description="The portfolios built from the template.")

    @staticmethod
    def resolve_portfolios(obj: StageTemplate) -> list[Portfolio]:
        return list(obj.portfolios.all())


class StageOut(Schema):
    id: int
    template: int
    name: str
    order: int = Field(description="Its place in the template; the board's columns follow it.")
    probability: int = Field(ge=0, le=100, description="Percent, for weighted amounts.")
    status: StageStatus = Field(
        description="`open`: a column of the board; `won`: offered when marking won."
    )
    mandatory_fields: list[str] = Field(
        description="The opportunity fields that must be filled to enter the stage."
    )

    @staticmethod
    def resolve_template(obj: Stage) -> int:
        return obj.template_id


class TagOut(Schema):
    id: int
    name: str
    kind: TagKind = Field(description="Only tags of kind `opportunity` go on opportunities.")
    color: str = Field(description="A CSS colour.")


class LossReasonOut(Schema):
    id: int
    name: str
    status: LossStatus = Field(description="The status an opportunity lost for it takes.")


class SaleTypeOut(Schema):
    id: int
    name: str
    mode: SaleTypeMode = Field(
        description="Which fields of an estimate line apply: `quantity` (quantity × unit price), "
        "`days` (days and amount) or `amount`."
    )


class NamedOut(Schema):
    id: int
    name: str


class CollaboratorOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    full_name: str
    email: str
    team: int | None
    department: int | None
    is_active: bool

    @staticmethod
    def resolve_full_name(obj: Collaborator) -> str:
        return str(obj)

    @staticmethod
    def resolve_team(obj: Collaborator) -> int | None:
        return obj.team_id

    @staticmethod
    def resolve_department(obj: Collaborator) -> int | None:
        return obj.department_id


# --- filters ---------------------------------------------------------------------------------

ByName = Literal["name", "-name", "id", "-id"]
SORT_DESCRIPTION = "The order of the list; a leading `-` reverses it."


class NameFilters(Schema):
    sort: ByName = Field("name", description=SORT_DESCRIPTION)


class PortfolioFilters(Schema):
    company: Id | None = Field(None, description="Only the portfolios of this company.")
    group: Id | None = Field(
        None, description="Only the portfolios of this group (a stage template id)."
    )
    sort: ByName = Field("name", description=SORT_DESCRIPTION)


class StageFilters(Schema):
    template: Id | None = Field(None, description="Only the stages of this template.")
    portfolio: Id | None = Field(None, description="Only the stages of this portfolio's template.")
    status: StageStatus | None = Field(None, description="Only the open, or only the won stages.")
    sort: Literal["order", "-order", "id", "-id"] = Field("order", description=SORT_DESCRIPTION)


class TagFilters(Schema):
    kind: TagKind | None = Field(None, description="Only the tags of this kind.")
    search: SearchText | None = Field(None, description="The first letters of the name.")
    sort: ByName = Field("name", description=SORT_DESCRIPTION)


class LossReasonFilters(Schema):
    status: LossStatus | None = Field(None, description="Only the reasons of this status.")
    sort: ByName = Field("name", description=SORT_DESCRIPTION)


class CollaboratorFilters(Schema):
    search: SearchText | None = Field(
        None, description="The first letters of the first name, last name or username."
    )
    team: Id | None = Field(None, description="Only the members of this team.")
    department: Id | None = Field(None, description="Only the members of this department.")
    company: Id | None = Field(None, description="Only those scoped on this company.")
    is_active: bool | None = Field(None, description="Only active, or only inactive users.")
    sort: Literal["name", "-name", "username", "-username", "id", "-id"] = Field(
        "name", description=SORT_DESCRIPTION + " `name` sorts by last name."
    )


# --- companies -------------------------------------------------------------------------------


@router.get(
    "/companies",
    response={200: Page[CompanyOut], **READ_ERRORS},
    tags=["configuration"],
    summary="The companies the user is scoped on",
)
def list_companies(
    request: HttpRequest, filters: Query[NameFilters], page: Query[PageParams]
) -> PageResult[Company]:
    companies = access.companies(user_of(request))
    return paginate(companies, page, Ordering.of(filters.sort))


@router.get(
    "/companies/{id}",
    response={200: CompanyOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A company the user is scoped on",
)
def get_company(request: HttpRequest, id: int = path_id("company")) -> Company:
    user = user_of(request)
    return access.get(user, access.companies(user), id)


# --- portfolios and groups -------------------------------------------------------------------


@router.get(
    "/portfolios",
    response={200: Page[PortfolioOut], **READ_ERRORS},
    tags=["configuration"],
    summary="Every portfolio, of every company (SPEC B7)",
)
def list_portfolios(
    request: HttpRequest, filters: Query[PortfolioFilters], page: Query[PageParams]
) -> PageResult[Portfolio]:
    portfolios = access.scoped(user_of(request), Portfolio.objects.all())
    if filters.company is not None:
        portfolios = portfolios.filter(company_id=filters.company)
    if filters.group is not None:
        portfolios = portfolios.filter(template_id=filters.group)
    return paginate(portfolios, page, Ordering.of(filters.sort))


@router.get(
    "/portfolios/{id}",
    response={200: PortfolioOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A portfolio",
)
def get_portfolio(request: HttpRequest, id: int = path_id("portfolio")) -> Portfolio:
    return access.get(user_of(request), Portfolio, id)


def _groups() -> QuerySet[StageTemplate]:
    has_portfolio = Exists(Portfolio.objects.filter(template=OuterRef("pk")))
    return StageTemplate.objects.filter(has_portfolio).prefetch_related(
        Prefetch("portfolios", queryset=Portfolio.objects.order_by("name", "id"))
    )


@router.get(
    "/portfolio-groups",
    response={200: Page[PortfolioGroupOut], **READ_ERRORS},
    tags=["configuration"],
    summary="The portfolio groups: each stage template with the portfolios built from it",
)
def list_portfolio_groups(
    request: HttpRequest,  # noqa: ARG001 (a view is given its request)
    filters: Query[NameFilters],
    page: Query[PageParams],
) -> PageResult[StageTemplate]:
    return paginate(_groups(), page, Ordering.of(filters.sort))


@router.get(
    "/portfolio-groups/{id}",
    response={200: PortfolioGroupOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A portfolio group",
)
def get_portfolio_group(
    request: HttpRequest, id: int = path_id("portfolio group (stage template)")
) -> StageTemplate:
    return access.get(user_of(request), _groups(), id)


# --- stages ----------------------------------------------------------------------------------


@router.get(
    "/stages",
    response={200: Page[StageOut], **READ_ERRORS},
    tags=["configuration"],
    summary="Stages of the templates",
)
def list_stages(
    request: HttpRequest, filters: Query[StageFilters], page: Query[PageParams]
) -> PageResult[Stage]:
    stages = access.scoped(user_of(request), Stage.objects.all())
    if filters.template is not None:
        stages = stages.filter(template_id=filters.template)
    if filters.portfolio is not None:
        stages = stages.filter(template__portfolios=filters.portfolio)
    if filters.status is not None:
        stages = stages.filter(status=filters.status)
    return paginate(stages, page, Ordering.of(filters.sort))


@router.get(
    "/stages/{id}",
    response={200: StageOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A stage",
)
def get_stage(request: HttpRequest, id: int = path_id("stage")) -> Stage:
    return access.get(user_of(request), Stage, id)


# --- tags, loss reasons, sale types ----------------------------------------------------------


@router.get(
    "/tags",
    response={200: Page[TagOut], **READ_ERRORS},
    tags=["configuration"],
    summary="Tags",
)
def list_tags(
    request: HttpRequest, filters: Query[TagFilters], page: Query[PageParams]
) -> PageResult[Tag]:
    tags = access.scoped(user_of(request), Tag.objects.all())
    if filters.kind is not None:
        tags = tags.filter(kind=filters.kind)
    if filters.search is not None:
        tags = tags.filter(name__istartswith=filters.search.strip())
    return paginate(tags, page, Ordering.of(filters.sort))


@router.get(
    "/tags/{id}", response={200: TagOut, **DETAIL_ERRORS}, tags=["configuration"], summary="A tag"
)
def get_tag(request: HttpRequest, id: int = path_id("tag")) -> Tag:
    return access.get(user_of(request), Tag, id)


class TagIn(InputSchema):
    name: str = text_field(60, "The tag's name.")
    color: str = text_field(7, "#rrggbb; grey when left out.", "")


class TagPatch(InputSchema):
    """Only the fields sent change."""

    name: str = text_field(60, "A new name.", None)
    color: str = text_field(7, "A new colour, #rrggbb.", None)


@router.post(
    "/tags",
    response={201: TagOut, **WRITE_ERRORS},
    tags=["configuration"],
    summary="Create an opportunity tag, as from the opportunity form (O2)",
)
def create_tag(request: HttpRequest, payload: TagIn) -> Status[Tag]:
    tag = tag_services.tag_create(
        user=user_of(request), name=payload.name, color=payload.color or None
    )
    return Status(201, tag)


@router.patch(
    "/tags/{id}",
    response={200: TagOut, **WRITE_ERRORS},
    tags=["configuration"],
    summary="Rename or recolour an opportunity tag (O2); other kinds are not editable here",
)
def update_tag(request: HttpRequest, payload: TagPatch, id: int = path_id("tag")) -> Tag:
    return tag_services.tag_update(
        user=user_of(request), tag_id=id, name=payload.name, color=payload.color
    )


@router.get(
    "/loss-reasons",
    response={200: Page[LossReasonOut], **READ_ERRORS},
    tags=["configuration"],
    summary="Loss reasons, each with the status it gives",
)
def list_loss_reasons(
    request: HttpRequest, filters: Query[LossReasonFilters], page: Query[PageParams]
) -> PageResult[LossReason]:
    reasons = access.scoped(user_of(request), LossReason.objects.all())
    if filters.status is not None:
        reasons = reasons.filter(status=filters.status)
    return paginate(reasons, page, Ordering.of(filters.sort))


@router.get(
    "/loss-reasons/{id}",
    response={200: LossReasonOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A loss reason",
)
def get_loss_reason(request: HttpRequest, id: int = path_id("loss reason")) -> LossReason:
    return access.get(user_of(request), LossReason, id)


@router.get(
    "/sale-types",
    response={200: Page[SaleTypeOut], **READ_ERRORS},
    tags=["configuration"],
    summary="Sale types of estimate lines",
)
def list_sale_types(
    request: HttpRequest, filters: Query[NameFilters], page: Query[PageParams]
) -> PageResult[SaleType]:
    sale_types = access.scoped(user_of(request), SaleType.objects.all())
    return paginate(sale_types, page, Ordering.of(filters.sort))


@router.get(
    "/sale-types/{id}",
    response={200: SaleTypeOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A sale type",
)
def get_sale_type(request: HttpRequest, id: int = path_id("sale type")) -> SaleType:
    return access.get(user_of(request), SaleType, id)


# --- teams, departments, collaborators -------------------------------------------------------


@router.get(
    "/teams",
    response={200: Page[NamedOut], **READ_ERRORS},
    tags=["configuration"],
    summary="Teams (a salesperson filter, SPEC B8)",
)
def list_teams(
    request: HttpRequest, filters: Query[NameFilters], page: Query[PageParams]
) -> PageResult[Team]:
    teams = access.scoped(user_of(request), Team.objects.all())
    return paginate(teams, page, Ordering.of(filters.sort))


@router.get(
    "/teams/{id}",
    response={200: NamedOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A team",
)
def get_team(request: HttpRequest, id: int = path_id("team")) -> Team:
    return access.get(user_of(request), Team, id)


@router.get(
    "/departments",
    response={200: Page[NamedOut], **READ_ERRORS},
    tags=["configuration"],
    summary="Departments (a salesperson filter, SPEC B8)",
)
def list_departments(
    request: HttpRequest, filters: Query[NameFilters], page: Query[PageParams]
) -> PageResult[Department]:
    departments = access.scoped(user_of(request), Department.objects.all())
    return paginate(departments, page, Ordering.of(filters.sort))


@router.get(
    "/departments/{id}",
    response={200: NamedOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A department",
)
def get_department(request: HttpRequest, id: int = path_id("department")) -> Department:
    return access.get(user_of(request), Department, id)


_COLLABORATOR_SORTS = {"name": "last_name", "username": "username", "id": "id"}


@router.get(
    "/collaborators",
    response={200: Page[CollaboratorOut], **READ_ERRORS},
    tags=["configuration"],
    summary="The collaborators who share a company with the user",
)
def list_collaborators(
    request: HttpRequest, filters: Query[CollaboratorFilters], page: Query[PageParams]
) -> PageResult[Collaborator]:
    people = access.scoped(user_of(request), Collaborator.objects.all())
    if filters.search is not None:
        typed = filters.search.strip()
        people = people.filter(
            Q(first_name__istartswith=typed)
            | Q(last_name__istartswith=typed)
            | Q(username__istartswith=typed)
        )
    if filters.team is not None:
        people = people.filter(team_id=filters.team)
    if filters.department is not None:
        people = people.filter(department_id=filters.department)
    if filters.company is not None:
        people = people.filter(companies=filters.company)
    if filters.is_active is not None:
        people = people.filter(is_active=filters.is_active)
    ordering = Ordering.of(filters.sort, _COLLABORATOR_SORTS[filters.sort.lstrip("-")])
    return paginate(people, page, ordering)


@router.get(
    "/collaborators/{id}",
    response={200: CollaboratorOut, **DETAIL_ERRORS},
    tags=["configuration"],
    summary="A collaborator who shares a company with the user",
)
def get_collaborator(request: HttpRequest, id: int = path_id("collaborator")) -> Collaborator:
    return access.get(user_of(request), Collaborator, id)
