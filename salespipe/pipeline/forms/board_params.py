"""What a board's address says: the portfolio or group shown, and its filters (SPEC B7-B10).

The header form sends two compound choices, `scope` (`portfolio:ID` or `group:ID`) and
`seller` (`salesperson:ID`, `team:ID` or `department:ID`), because each is one drop-down;
they are read here into the plain parameters of `BoardFilters`, and `canonical()` gives the
address a link or a reload keeps: `?portfolio=ID&team=ID&sort=amount…`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from salespipe.lib.parse import integer
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import ByStage

SELLER_KINDS = ("salesperson", "team", "department")
# Live searches are drawn in the page and never sent; the closed lists use their own `q`.
_CLIENT_ONLY = ("q", "reach")


@dataclass(frozen=True)
class BoardQuery:
    portfolio_id: int | None
    group_id: int | None
    filters: BoardFilters

    @classmethod
    def from_params(cls, params: QueryDict) -> "BoardQuery":
        params = params.copy()
        scope = params.get("scope", "")
        if ":" in scope:
            kind, _sep, value = scope.partition(":")
            if kind in ("portfolio", "group") and integer(value) is not None:
                params.pop("portfolio", None)
                params.pop("group", None)
                params[kind] = value
        seller = params.get("seller")
        if seller is not None:
            for kind in SELLER_KINDS:
                params.pop(kind, None)
            kind, _sep, value = seller.partition(":")
            if kind in SELLER_KINDS and integer(value) is not None:
                params[kind] = value
        for name in _CLIENT_ONLY:
            params.pop(name, None)
        portfolio_id = integer(params.get("portfolio"))
        group_id = None if portfolio_id is not None else integer(params.get("group"))
        return cls(portfolio_id, group_id, BoardFilters.from_params(params))

    def layout(self) -> ByStage:
        """The board this address shows, for the selectors."""
        return ByStage(self.portfolio_id, self.group_id)

    @property
    def errors(self) -> Mapping[str, str]:
        """What the address says beyond its filters that could not be read, as a calendar's
        months can be: nothing on a board (a portfolio not found is out of scope)."""
        return {}

    @property
    def scope_value(self) -> str:
        if self.portfolio_id is not None:
            return f"portfolio:{self.portfolio_id}"
        if self.group_id is not None:
            return f"group:{self.group_id}"
        return ""

    @property
    def seller_value(self) -> str:
        for kind in SELLER_KINDS:
            value = getattr(self.filters, kind)
            if value is not None:
                return f"{kind}:{value}"
        return ""

    def params(self) -> dict[str, str]:
        result: dict[str, str] = {}
        if self.portfolio_id is not None:
            result["portfolio"] = str(self.portfolio_id)
        elif self.group_id is not None:
            result["group"] = str(self.group_id)
        result.update(self.filters.to_params())
        return result

    def canonical(self) -> str:
        """The query string, with its "?", that gives this board back."""
        params = self.params()
        return f"?{urlencode(params)}" if params else ""
