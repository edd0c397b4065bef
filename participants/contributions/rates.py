"""Which rate and which minimum wage are in force for a month (rates live in data)."""

from dataclasses import dataclass, field
from datetime import date

from ..models import ContributionRate, MinimumWage
from .facts import MemberFacts, month_index

# --- which rate is in force ------------------------------------------------------------------


@dataclass(frozen=True)
class RateTable:
    """The contribution rates in force in one month."""

    by_segment_class: dict[tuple[str, int], ContributionRate]

    def rate_for(self, p: MemberFacts) -> ContributionRate | None:
        return self.by_segment_class.get((p.segment_id, p.care_class)) or self.by_segment_class.get(
            (p.segment_id, 0)
        )


@dataclass
class RateBook:
    """Every contribution rate, loaded once: the table in force for any month, no queries."""

    rates: list[ContributionRate]
    _tables: dict[int, RateTable] = field(default_factory=dict)

    def table(self, month: date) -> RateTable:
        key = month_index(month)
        if key not in self._tables:
            chosen: dict[tuple[str, int], ContributionRate] = {}
            # Newest first per (segment, class): the first one valid in `month` is in force.
            for rate in sorted(self.rates, key=lambda r: r.valid_from, reverse=True):
                if month_index(rate.valid_from) <= key:
                    chosen.setdefault((rate.segment_id, rate.care_class), rate)
            self._tables[key] = RateTable(chosen)
        return self._tables[key]


def rate_book() -> RateBook:
    return RateBook(list(ContributionRate.objects.all()))


@dataclass
class WageBook:
    """Regional minimum wages, loaded once. Kemendagri codes nest (district "320101" lies in
    regency "3201", in province "32"): a family's district finds its UMK, else the UMP, each
    the figure in force in the bill's own month (DESIGN.md 4.3)."""

    by_region: dict[str, list[tuple[date, int]]]

    def floor(self, district_code: str, month: date) -> int | None:
        for code in (district_code[:4], district_code[:2]):
            for valid_from, amount in self.by_region.get(code, ()):
                if valid_from <= month:
                    return amount
        return None


def wage_book() -> WageBook:
    by_region: dict[str, list[tuple[date, int]]] = {}
    for region_id, valid_from, amount in MinimumWage.objects.order_by(
        "region_id", "-valid_from"
    ).values_list("region_id", "valid_from", "monthly_amount"):
        by_region.setdefault(region_id, []).append((valid_from, amount))
    return WageBook(by_region)
