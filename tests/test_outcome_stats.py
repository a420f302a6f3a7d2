"""The dashboard's outcome figures (issue 15 item 7): 技术合同成交额, 成果登记数, patents, sales,
财政资金实付 and 每元财政资金带动研发投入. Expected figures worked out by hand; every figure
equals its drill-down list, on the page and in the export."""

import csv
import io
import re
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from challenge.extensions import db
from challenge.models import Contract, LedgerEntry
from challenge.outcomes import operations as ops
from challenge.states import ChallengeState, EntryKind, Payer
from challenge.stats.figures import dashboard
from challenge.stats.filters import StatsFilter
from challenge.stats.records import drill, figure_for

WAN = 1_000_000  # 分 per 万元
OUTCOME_KEYS = ("tech_contract_amount", "tech_contracts", "results_registered", "patents_filed",
                "patents_granted", "outcome_sales", "fiscal_paid")


def period(start=None, end=None) -> StatsFilter:
    args = {"period": "custom" if start or end else "all"}
    args |= {k: v for k, v in (("start", start), ("end", end)) if v}
    f, errors = StatsFilter.from_args(MultiDict(args))
    assert errors == {}
    return f


def pay(contract, admin, payer, amount, reverses=None):
    entry = LedgerEntry(contract_id=contract.id, kind=EntryKind.REVERSAL if reverses else EntryKind.PAYMENT,
                        payer=payer, payee=contract.solver_org.name, amount_fen=amount,
                        paid_on=date(2026, 11, 1), recorded_by_id=admin.id,
                        reverses_id=reverses.id if reverses else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def report(contract, party, year, who, **values):
    base = {"tech_contract_no": "", "tech_contract_fen": 0, "results_no": "", "patents_filed": 0,
            "patents_granted": 0, "products": "", "sales_fen": 0, "rd_spend_fen": 0}
    return ops.submit_report(ops.report_for(contract, party, year), who,
                             ops.OutcomeInput(**(base | values)))


@pytest.fixture
def world(make, people):
    """Two accepted 榜: X (总投入 900 万, the factory's default) and Y (600 万). Government money
    on X: 30 万 and 20 万 paid, the 20 万 reversed; on Y: 120 万; an enterprise payment on Y
    (not 财政). Three reports filed, one filed back in January, one still owed."""
    admin, issuer, solver = people["admin"], people["issuer"], people["solver"]
    x = make.challenge(issuer, ChallengeState.ACCEPTED, admin=admin, solver=solver, title="X 榜")
    y = make.challenge(people["other_enterprise"], ChallengeState.ACCEPTED, admin=admin,
                       solver=people["other_solver"], title="Y 榜", investment_fen=600 * WAN)
    xc = db.session.scalars(select(Contract).where(Contract.challenge_id == x.id)).one()
    yc = db.session.scalars(select(Contract).where(Contract.challenge_id == y.id)).one()
    pay(xc, admin, Payer.GOVERNMENT, 30 * WAN)
    wrong = pay(xc, admin, Payer.GOVERNMENT, 20 * WAN)
    pay(xc, admin, Payer.GOVERNMENT, -20 * WAN, reverses=wrong)
    pay(yc, admin, Payer.GOVERNMENT, 120 * WAN)
    pay(yc, admin, Payer.ENTERPRISE, 77 * WAN)
    report(xc, "solver", 1, solver, tech_contract_no="2027440101000001", tech_contract_fen=100 * WAN,
           results_no="9442027Y0001", patents_filed=3, patents_granted=1, sales_fen=200 * WAN)
    report(xc, "enterprise", 1, issuer, results_no="9442027Y0002")
    early = report(yc, "solver", 1, people["other_solver"], tech_contract_no="2027440101000002",
                   tech_contract_fen=50 * WAN + 500_000, patents_filed=2, patents_granted=2)
    early.submitted_at = datetime(2026, 1, 15, 2, tzinfo=UTC)  # 10:00 Shanghai, 15 January
    ops.ensure_schedule(yc)  # Y's enterprise still owes its reports: not counted
    db.session.commit()
    return xc, yc


def test_the_outcome_figures_by_hand(world):
    v = dashboard(period()).values
    assert v["tech_contract_amount"] == 150 * WAN + 500_000      # 100 万 + 50.5 万
    assert (v["tech_contracts"], v["results_registered"]) == (2, 2)
    assert (v["patents_filed"], v["patents_granted"]) == (5, 3)
    assert v["outcome_sales"] == 200 * WAN
    assert v["fiscal_paid"] == 150 * WAN                          # 30 + 20 − 20 + 120 万
    assert v["investment"] == 1500 * WAN                          # 900 + 600 万
    assert dashboard(period()).rate("investment", "fiscal_paid") == 10.0


def test_reports_count_in_the_period_they_were_filed(world):
    january = dashboard(period("2026-01-01", "2026-01-31")).values
    assert (january["tech_contract_amount"], january["tech_contracts"], january["patents_filed"],
            january["results_registered"]) == (50 * WAN + 500_000, 1, 2, 0)
    february = dashboard(period("2026-02-01", "2026-02-28")).values
    assert [february[k] for k in OUTCOME_KEYS[:6]] == [0, 0, 0, 0, 0, 0]


@pytest.mark.parametrize("bounds", [(None, None), ("2026-01-01", "2026-01-31")])
def test_every_outcome_figure_equals_its_records(world, bounds):
    f = period(*bounds)
    board = dashboard(f)
    by_row = {"tech_contract_amount": lambda o: o.tech_contract_fen, "tech_contracts": lambda o: 1,
              "results_registered": lambda o: 1, "patents_filed": lambda o: o.patents_filed,
              "patents_granted": lambda o: o.patents_granted, "outcome_sales": lambda o: o.sales_fen,
              "fiscal_paid": lambda e: e.amount_fen}
    for key in OUTCOME_KEYS:
        rows = db.session.scalars(drill(figure_for(key), f).query).all()
        assert sum(by_row[key](row) for row in rows) == board.values[key], key
        assert len({row.id for row in rows}) == len(rows), key


def value(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{re.escape(testid)}" data-value="([^"]*)"', html)
    assert found, testid
    return found.group(1)


def test_the_dashboard_links_each_figure_to_a_list_with_the_same_total(client, auth, people, world):
    auth.login(people["admin"])
    page = client.get("/admin/statistics?period=all")
    assert page.status_code == 200
    assert float(value(page.text, "leverage")) == 10.0
    expected = {"tech_contract_amount": ("records-total", 150_500_000),
                "tech_contracts": ("records-count", 2),
                "results_registered": ("records-count", 2), "patents_filed": ("records-total", 5),
                "patents_granted": ("records-total", 3), "outcome_sales": ("records-total", 200_000_000),
                "fiscal_paid": ("records-total", 150_000_000)}
    for key, (testid, figure) in expected.items():
        assert value(page.text, f"figure-{key}") == str(figure), key
        listing = client.get("/admin/statistics/records", query_string={"figure": key, "period": "all"})
        assert listing.status_code == 200, key
        assert value(listing.text, testid) == str(figure), key
    listing = client.get("/admin/statistics/records?figure=tech_contract_amount&period=all")
    assert "2027440101000001" in listing.text and "2027440101000002" in listing.text
    assert "X 榜" in listing.text and "Y 榜" in listing.text


def test_the_export_carries_the_outcome_figures_and_the_leverage(client, auth, people, world):
    auth.login(people["admin"])
    response = client.get("/admin/statistics/export.csv?period=all")
    rows = {row[1]: row for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")))}
    assert rows["技术合同成交额"][0] == "成果转化" and rows["技术合同成交额"][2:4] == ["150.50", "万元"]
    assert rows["成果登记数"][2] == "2" and rows["申请专利"][2] == "5" and rows["授权专利"][2] == "3"
    assert rows["财政资金实付（签约榜单）"][2] == "150.00"
    assert rows["每元财政资金带动研发投入（带动研发投入 ÷ 财政资金实付）"][2:4] == ["10.00", "元/元"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/admin/statistics/export.xlsx?period=all").data))
    cells = {(r[0].value, r[1].value): r for r in workbook["统计指标"].iter_rows(min_row=2)}
    leverage = cells[("转化率", "每元财政资金带动研发投入（带动研发投入 ÷ 财政资金实付）")]
    assert leverage[2].value == 10.0 and leverage[2].number_format == "0.00" and leverage[3].value == "元/元"
    assert cells[("成果转化", "技术合同成交额")][2].value == 150.5


def test_overdue_reports_are_counted_whatever_the_period(client, auth, people, world):
    """Reports the job scheduled, past due and not filed: as of today, not by period."""
    _xc, yc = world
    owed = [r for r in ops.reports_of(yc) if r.submitted_at is None]
    assert len(owed) == 3                           # Y's enterprise twice, Y's solver in year 3
    owed[0].due_on = date(2026, 3, 1)
    db.session.commit()
    for f in (period(), period("2020-01-01", "2020-01-31")):
        board = dashboard(f)
        rows = db.session.scalars(drill(figure_for("outcome_overdue"), f).query).all()
        assert board.values["outcome_overdue"] == len(rows) == 1 and rows[0].id == owed[0].id
    auth.login(people["admin"])
    page = client.get("/admin/statistics?period=all")
    assert value(page.text, "figure-outcome_overdue") == "1"
    listing = client.get("/admin/statistics/records?figure=outcome_overdue&period=all")
    assert value(listing.text, "records-count") == "1" and "2026-03-01" in listing.text
