"""The outcome-report schedule and the rules of a report: pure functions of a contract and of
the typed values (no writes). A contract accepted on day D owes one report from the solver and
one from the issuing enterprise on D + 1 year and on D + 3 years (Shanghai dates)."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from ..models import Contract
from ..models.outcome import OUTCOME_PARTIES, OUTCOME_YEARS
from ..states import ContractState
from ..timeutil import local_date

PARTY_LABELS = {"solver": _l("揭榜方"), "enterprise": _l("发榜单位")}
MAX_PATENTS = 10_000


@dataclass(frozen=True)
class Slot:
    """One report owed: who, which anniversary, when, by which organisation."""

    party: str
    year: int
    due_on: date
    organization_id: int


def years_after(day: date, years: int) -> date:
    """The same calendar day *years* later; 29 February falls on 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def schedule(contract: Contract) -> list[Slot]:
    """The reports an accepted contract owes (none before acceptance, none for a contract that
    failed or was eliminated)."""
    if contract.state is not ContractState.ACCEPTED or contract.ended_at is None:
        return []
    accepted_on = local_date(contract.ended_at)
    orgs = {"solver": contract.solver_org_id, "enterprise": contract.challenge.issuer_org_id}
    return [Slot(party, year, years_after(accepted_on, year), orgs[party])
            for year in OUTCOME_YEARS for party in OUTCOME_PARTIES]


def reminder_due(due_on: date, reminded_on: date | None, today: date, ahead_days: int) -> bool:
    """Two reminders at most for an unsubmitted report: one when it falls due within
    *ahead_days*, one more once it is overdue (if the first came before the due date)."""
    if reminded_on is None:
        return today >= date.fromordinal(due_on.toordinal() - ahead_days)
    return today > due_on and reminded_on <= due_on


def patents_problem(filed: int | None, granted: int | None, earlier_filed: int = 0,
                    earlier_granted: int = 0) -> tuple[str, str] | None:
    """(field, message) when the patent counts do not add up. Each report counts the period
    since the party's previous report, so a patent filed then may be granted now: what is
    granted over all the party's reports cannot exceed what was filed over them."""
    if filed is None:
        return "patents_filed", str(_l("请填写 0 到 %(n)s 之间的整数。", n=MAX_PATENTS))
    if granted is None:
        return "patents_granted", str(_l("请填写 0 到 %(n)s 之间的整数。", n=MAX_PATENTS))
    if granted + earlier_granted > filed + earlier_filed:
        return "patents_granted", str(_l("累计授权专利数（%(g)s）不能多于累计申请专利数（%(f)s）。",
                                         g=granted + earlier_granted, f=filed + earlier_filed))
    return None


def registration_problem(number: str, amount_fen: int | None) -> tuple[str, str] | None:
    """A technology-contract amount needs its registration number, and the other way round."""
    if amount_fen and not number:
        return "tech_contract_no", str(_l("填写了成交额，请同时填写技术合同登记号。"))
    if number and not amount_fen:
        return "tech_contract_amount", str(_l("填写了技术合同登记号，请同时填写成交额。"))
    return None
