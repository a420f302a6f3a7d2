"""统计分析: every figure of the dashboard against a hand-computed world (period edges in
Shanghai time, filters), each figure equal to the total of the records behind it, the export
files, and admin-only access."""

import csv
import io
import re
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from challenge.awarding import operations as award_ops
from challenge.extensions import db
from challenge.models import Challenge, Contract, Proposal, Review, ReviewAssignment
from challenge.states import (
    ChallengeKind,
    ChallengeState,
    Confidentiality,
    FundingMode,
    PanelSeatState,
    Payer,
    ProposalState,
    ReviewState,
    Role,
)
from challenge.stats.figures import dashboard, trend
from challenge.stats.filters import StatsFilter
from challenge.stats.records import FIGURES, drill, figure_for
from challenge.timeutil import SHANGHAI, local_today
from challenge.workflow import perform

WAN = 1_000_000  # 分 per 万元


def sh(y, m, d, hh=10, mm=0) -> datetime:
    """A Shanghai wall-clock instant, as the aware UTC datetime the database stores."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(UTC)


def period(start: str | None = None, end: str | None = None, **extra) -> StatsFilter:
    args = {"period": "custom" if start or end else "all", **extra}
    if start:
        args["start"] = start
    if end:
        args["end"] = end
    f, errors = StatsFilter.from_args(MultiDict(args))
    assert errors == {}
    return f


H1 = ("2026-01-01", "2026-06-30")
H2 = ("2026-07-01", "2026-12-31")


@dataclass
class World:
    a: Challenge   # 六月榜: published 2026-06-30 23:30 Shanghai (15:30 UTC), contracted in August
    b: Challenge   # 七月榜: published 2026-07-01 00:10 Shanghai (2026-06-30 16:10 UTC), closed
    c: Challenge   # withdrawn after submission, never published
    d: Challenge   # a draft
    e: Challenge   # 流榜
    f: Challenge   # failed, contracted in February
    a_contract: Contract
    reviewer: object
    reviewer2: object


def bid(challenge, solver, state: ProposalState, submitted_at: datetime | None) -> Proposal:
    proposal = Proposal(challenge=challenge, lead_org_id=solver.organization_id, team_lead_id=solver.id,
                        state=state, title=f"{solver.organization.name}的方案", technical_approach="路线",
                        requested_fen=challenge.bounty_fen // 2, budget=[], members=[],
                        submitted_at=submitted_at, version_no=1 if submitted_at else 0)
    db.session.add(proposal)
    db.session.flush()
    return proposal


def stamp(challenge: Challenge, **stamps) -> None:
    for name, value in stamps.items():
        setattr(challenge, name, value)


def build_world(make, people) -> World:
    """Six 榜 over two enterprises (regions 示范市高新区 and 临江县) with bids, contracts,
    payments and reviews at chosen instants; the expected figures are worked out by hand
    in the tests below."""
    admin, issuer, other, solver = (people["admin"], people["issuer"], people["other_enterprise"],
                                    people["solver"])
    other.organization.region = "临江县"
    reviewer = people["reviewer"]
    reviewer2 = make.user(Role.REVIEWER, name="专家乙")

    # A: milestone-funded, contract 200 万 with a 30 % subsidy capped at 50 万.
    a = make.challenge(issuer, ChallengeState.PUBLICITY, admin=admin, title="六月榜",
                       kind=ChallengeKind.CHOKEPOINT, field="新材料", funding_mode=FundingMode.MILESTONE,
                       bounty_fen=300 * WAN, investment_fen=1200 * WAN)
    a.publicity_ends_at = datetime.now(UTC) - timedelta(minutes=1)
    a_contract = make.contract(a, admin, solver=solver, sign=True, amount_fen=200 * WAN,
                               subsidy_rate_bp=3000, subsidy_cap_fen=50 * WAN)
    assert a.state is ChallengeState.CONTRACTED and a_contract.subsidy_fen == 50 * WAN
    stamp(a, created_at=sh(2026, 5, 30), submitted_at=sh(2026, 6, 1, 9),
          published_at=sh(2026, 6, 30, 23, 30), contracted_at=sh(2026, 8, 10, 9))
    a_contract.proposal.submitted_at = sh(2026, 7, 5)
    bid(a, people["other_solver"], ProposalState.SUBMITTED, sh(2026, 7, 6, 12))
    bid(a, make.user(Role.SOLVER), ProposalState.DRAFT, None)
    bid(a, make.user(Role.SOLVER), ProposalState.WITHDRAWN, sh(2026, 7, 7))
    first, second = a_contract.milestones
    perform(first, "report", solver, report="完成小试")
    perform(first, "confirm", issuer)
    award_ops.record_payment(a_contract, admin, award_ops.PaymentInput(
        Payer.ENTERPRISE, 80 * WAN, date(2026, 8, 20), first.id, "流水 001"))
    subsidy = award_ops.record_payment(a_contract, admin, award_ops.PaymentInput(
        Payer.GOVERNMENT, 20 * WAN, date(2026, 9, 1), first.id, "财政 001"))
    award_ops.reverse_payment(subsidy, admin, "金额录入有误")  # dated today
    second.due_on = local_today() - timedelta(days=10)  # overdue: due, not reported, contract active

    # B: desensitised, closed (the factory pays the 250 万 contract in full today).
    b = make.challenge(other, ChallengeState.CLOSED, admin=admin, title="七月榜",
                       kind=ChallengeKind.IMPORT_SUBSTITUTION, field="集成电路",
                       confidentiality=Confidentiality.DESENSITIZED, bounty_fen=500 * WAN,
                       investment_fen=600 * WAN)
    stamp(b, created_at=sh(2026, 6, 20), submitted_at=sh(2026, 6, 25),
          published_at=sh(2026, 7, 1, 0, 10), contracted_at=sh(2026, 7, 21, 0, 10),
          accepted_at=sh(2026, 9, 19, 0, 10))
    b_winner = db.session.scalar(select(Proposal).where(Proposal.challenge_id == b.id))
    b_winner.submitted_at = sh(2026, 7, 10)

    c = make.challenge(issuer, ChallengeState.WITHDRAWN, admin=admin, title="撤回榜",
                       kind=ChallengeKind.INDUSTRY_SHORTAGE, field="新材料", bounty_fen=100 * WAN,
                       investment_fen=300 * WAN)
    stamp(c, created_at=sh(2026, 3, 1), submitted_at=sh(2026, 3, 2))
    d = make.challenge(issuer, title="草稿榜")
    stamp(d, created_at=sh(2026, 4, 1))
    e = make.challenge(issuer, ChallengeState.UNCLAIMED, admin=admin, title="流榜",
                       kind=ChallengeKind.CHOKEPOINT, field="生物医药", bounty_fen=50 * WAN,
                       investment_fen=100 * WAN)
    stamp(e, created_at=sh(2026, 1, 5), submitted_at=sh(2026, 1, 10), published_at=sh(2026, 1, 15))

    # F: desensitised, contracted 43 days after publishing, then failed (contract 400 万).
    f = make.challenge(other, ChallengeState.FAILED, admin=admin, title="失败榜",
                       kind=ChallengeKind.CHOKEPOINT, field="新材料",
                       confidentiality=Confidentiality.DESENSITIZED, bounty_fen=800 * WAN,
                       investment_fen=2000 * WAN)
    stamp(f, created_at=sh(2025, 12, 1), submitted_at=sh(2025, 12, 10),
          published_at=sh(2025, 12, 20), contracted_at=sh(2026, 2, 1))
    f_winner = db.session.scalar(select(Proposal).where(Proposal.challenge_id == f.id))
    f_winner.submitted_at = sh(2025, 12, 28)

    # Panels: 专家 sits on A and B (one review submitted, one draft), 专家乙 on F and declined A.
    for board, who, when, state in ((a, reviewer, sh(2026, 7, 8), PanelSeatState.ASSIGNED),
                                    (b, reviewer, sh(2026, 7, 11), PanelSeatState.ASSIGNED),
                                    (f, reviewer2, sh(2025, 12, 29), PanelSeatState.ASSIGNED),
                                    (a, reviewer2, sh(2026, 7, 8), PanelSeatState.DECLINED)):
        db.session.add(ReviewAssignment(challenge_id=board.id, reviewer_id=who.id, state=state,
                                        assigned_by_id=admin.id, assigned_at=when,
                                        declined_at=when if state is PanelSeatState.DECLINED else None))
    db.session.add(Review(challenge_id=a.id, proposal_id=a_contract.proposal_id, reviewer_id=reviewer.id,
                          state=ReviewState.SUBMITTED, scores={"a": 80}, submitted_at=sh(2026, 7, 9)))
    db.session.add(Review(challenge_id=b.id, proposal_id=b_winner.id, reviewer_id=reviewer.id,
                          state=ReviewState.DRAFT, scores={}))
    db.session.commit()
    return World(a, b, c, d, e, f, a_contract, reviewer, reviewer2)


@pytest.fixture
def world(make, people) -> World:
    return build_world(make, people)


# -- the figures, by hand ------------------------------------------------------------------

def test_first_half_year(world):
    v = dashboard(period(*H1)).values
    assert (v["submitted"], v["published"], v["bid_challenges"], v["contracted"], v["accepted"]) == \
        (4, 2, 0, 1, 0)  # A's 23:30 Shanghai publication is June's; B's 00:10 is July's
    assert (v["bounty"], v["investment"]) == (800 * WAN, 2000 * WAN)
    assert (v["invest_ge:1000"], v["invest_ge:500"]) == (1, 1)
    assert (v["contracts"], v["contract_amount"], v["subsidy_committed"]) == (1, 400 * WAN, 0)
    assert (v["bids"], v["published_bids"], v["matched"]) == (0, 2, 1)
    assert (v["days_to_contract"], v["days_to_accept"]) == (43.0, None)
    assert (v["paid_total"], v["assignments"], v["reviews"]) == (0, 0, 0)


def test_second_half_year(world):
    board = dashboard(period(*H2))
    v = board.values
    assert (v["submitted"], v["published"], v["bid_challenges"], v["contracted"], v["accepted"]) == \
        (0, 1, 2, 2, 1)
    assert (v["bounty"], v["investment"]) == (800 * WAN, 1800 * WAN)
    assert (v["invest_ge:1000"], v["invest_ge:500"]) == (1, 2)
    assert (v["contracts"], v["contract_amount"], v["subsidy_committed"]) == (2, 450 * WAN, 50 * WAN)
    assert (v["bids"], v["published_bids"], v["matched"]) == (3, 1, 1)  # no drafts, no withdrawn
    # A: 06-30 23:30 → 08-10 09:00 is 40 d 9.5 h; B: 20 d; the median of two is their mean.
    assert v["days_to_contract"] == round((40 + 9.5 / 24 + 20) / 2, 1) == 30.2
    assert (v["days_to_accept"], board.counts["days_to_accept"]) == (60.0, 1)
    assert (v["assignments"], v["reviews"]) == (2, 1)
    assert [(r.name, r.assigned, r.reviewed) for r in board.reviewers] == [("专家", 2, 1)]


def test_all_time(world):
    board = dashboard(period())
    v = board.values
    assert (v["submitted"], v["published"], v["bid_challenges"], v["contracted"], v["accepted"]) == \
        (5, 4, 3, 3, 1)
    assert (v["bounty"], v["investment"]) == (1600 * WAN, 3800 * WAN)
    assert (v["invest_ge:1000"], v["invest_ge:500"]) == (2, 3)
    assert (v["contracts"], v["contract_amount"], v["subsidy_committed"]) == (3, 850 * WAN, 50 * WAN)
    # 80 万 by A's enterprise and B's 250 万; A's 20 万 subsidy was paid and reversed.
    assert (v["paid_enterprise"], v["paid_government"], v["paid_total"]) == (330 * WAN, 0, 330 * WAN)
    assert (v["bids"], v["published_bids"], v["matched"]) == (4, 4, 3)
    assert (v["days_to_contract"], board.counts["days_to_contract"]) == (40.4, 3)
    assert v["overdue"] == 1
    assert (v["assignments"], v["reviews"]) == (3, 1)
    assert board.rate("matched", "published") == 0.75
    assert [(key, value) for key, value, _rate in board.funnel] == [
        ("submitted", 5), ("published", 4), ("bid_challenges", 3), ("contracted", 3), ("accepted", 1)]
    assert [round(rate, 2) for _k, _v, rate in board.funnel[1:]] == [0.8, 0.75, 1.0, 0.33]
    states = dict(board.states)  # of the 榜 collected in the period: the draft was never submitted
    assert (states[ChallengeState.DRAFT], states[ChallengeState.CONTRACTED], states[ChallengeState.FAILED],
            states[ChallengeState.WITHDRAWN], states[ChallengeState.OPEN]) == (0, 1, 1, 1, 0)
    assert sum(states.values()) == v["submitted"]


def test_payments_are_dated_by_the_ledger(world):
    v = dashboard(period("2026-08-01", "2026-09-30")).values
    assert (v["paid_enterprise"], v["paid_government"], v["paid_total"]) == (80 * WAN, 20 * WAN, 100 * WAN)
    v = dashboard(period("2026-08-21", "2026-09-30")).values
    assert (v["paid_enterprise"], v["paid_government"]) == (0, 20 * WAN)


def test_filters_by_kind_field_and_region(world):
    v = dashboard(period(kind="chokepoint")).values
    assert (v["submitted"], v["published"], v["contracted"], v["bounty"]) == (3, 3, 2, 1100 * WAN)
    v = dashboard(period(region="临江县")).values
    assert (v["published"], v["contracted"], v["bounty"], v["contract_amount"]) == \
        (2, 2, 1300 * WAN, 650 * WAN)
    assert v["overdue"] == 0  # A's overdue milestone belongs to the other region
    v = dashboard(period(field="新材料")).values
    assert (v["submitted"], v["published"], v["contracted"]) == (3, 2, 2)
    board = dashboard(period())
    assert {g.label: (g.published, g.contracted) for g in board.by_region} == {
        "示范市高新区": (2, 1), "临江县": (2, 2)}
    assert {g.label: g.published for g in board.by_field} == {"新材料": 2, "集成电路": 1, "生物医药": 1}
    assert [(g.args, g.published, g.bounty) for g in board.by_kind][:2] == [
        ({"kind": "chokepoint"}, 3, 1100 * WAN), ({"kind": "import_substitution"}, 1, 500 * WAN)]


def test_period_edges_in_shanghai_time(world):
    june, july = period("2026-06-01", "2026-06-30"), period("2026-07-01", "2026-07-31")
    assert [c.title for c in db.session.scalars(drill(FIGURES["published"], june).query)] == ["六月榜"]
    assert [c.title for c in db.session.scalars(drill(FIGURES["published"], july).query)] == ["七月榜"]
    lower, upper = july.utc_bounds()
    assert (lower.astimezone(UTC), upper.astimezone(UTC)) == (
        datetime(2026, 6, 30, 16, tzinfo=UTC), datetime(2026, 7, 31, 16, tzinfo=UTC))
    buckets, granularity = trend(period("2026-06-01", "2026-07-31"))
    assert granularity == "month"
    assert [(b.label, b.published, b.contracted) for b in buckets] == [("2026-06", 1, 0), ("2026-07", 1, 1)]
    assert (buckets[0].start, buckets[1].end) == (date(2026, 6, 1), date(2026, 7, 31))
    # The last half-year up to 31 December starts on 1 July: B is in, A is not.
    f, _errors = StatsFilter.from_args(MultiDict({"period": "last_half_year"}), today=date(2026, 12, 31))
    assert (f.start, f.end) == (date(2026, 7, 1), date(2026, 12, 31))
    assert dashboard(f).values["published"] == 1
    f, _errors = StatsFilter.from_args(MultiDict({"period": "this_year"}), today=date(2026, 6, 30))
    assert dashboard(f).values["published"] == 2  # A (the last half hour of June) and E


def test_trend_of_the_whole_history_and_long_periods(world):
    buckets, granularity = trend(period())
    assert granularity == "month" and buckets[0].label == "2025-12" and buckets[-1].label == "2026-08"
    assert sum(b.published for b in buckets) == 4 and sum(b.contracted for b in buckets) == 3
    buckets, granularity = trend(period("2020-01-01", "2026-12-31"))
    assert granularity == "year" and [b.label for b in buckets] == [str(y) for y in range(2020, 2027)]
    assert [(b.published, b.contracted) for b in buckets[-2:]] == [(1, 0), (3, 3)]


def test_thresholds_come_from_the_config(app, world):
    app.config["STATS_THRESHOLDS_WAN"] = (1500, 100)
    try:
        v = dashboard(period()).values
        assert (v["invest_ge:1500"], v["invest_ge:100"]) == (1, 3)
        assert "invest_ge:1000" not in v and figure_for("invest_ge:1000") is None
    finally:
        app.config["STATS_THRESHOLDS_WAN"] = (1000, 500)


# -- every figure equals the records behind it ---------------------------------------------

ROW_AMOUNT = {"bounty": lambda c: c.bounty_fen, "investment": lambda c: c.investment_fen,
              "contract_amount": lambda k: k.amount_fen, "subsidy_committed": lambda k: k.subsidy_fen,
              "paid_total": lambda e: e.amount_fen, "paid_enterprise": lambda e: e.amount_fen,
              "paid_government": lambda e: e.amount_fen, "fiscal_paid": lambda e: e.amount_fen,
              "tech_contract_amount": lambda o: o.tech_contract_fen, "outcome_sales": lambda o: o.sales_fen}
# Counts that add up a number per record (patents per outcome report) rather than count records.
ROW_COUNT = {"patents_filed": lambda o: o.patents_filed, "patents_granted": lambda o: o.patents_granted}


def all_keys(board, world) -> list[str]:
    return [*FIGURES, *(f"state:{s.value}" for s in ChallengeState),
            *(f"invest_ge:{t}" for t in board.thresholds),
            *(f"{name}:{who.id}" for name in ("assignments", "reviews")
              for who in (world.reviewer, world.reviewer2))]


def expected_of(board, key, world):
    name, _sep, arg = key.partition(":")
    if key.startswith("state:"):
        return dict((s.value, n) for s, n in board.states)[arg]
    if arg and name in ("assignments", "reviews"):
        found = {r.id: (r.assigned, r.reviewed) for r in board.reviewers}.get(int(arg), (0, 0))
        return found[0 if name == "assignments" else 1]
    return board.values[key]


@pytest.mark.parametrize("bounds", [H1, H2, (None, None), ("2026-08-01", "2026-09-30")])
def test_every_figure_equals_its_records(world, bounds):
    f = period(*bounds)
    board = dashboard(f)
    for key in all_keys(board, world):
        figure = figure_for(key)
        rows = db.session.scalars(drill(figure, f).query).all()
        expected = expected_of(board, key, world)
        if figure.unit == "money":
            assert sum(ROW_AMOUNT[key](row) for row in rows) == expected, key
        elif figure.unit == "days":
            later, earlier = (("contracted_at", "published_at") if key == "days_to_contract"
                              else ("accepted_at", "contracted_at"))
            days = [(getattr(c, later) - getattr(c, earlier)).total_seconds() / 86400 for c in rows]
            assert (round(statistics.median(days), 1) if days else None) == expected, key
            assert len(rows) == board.counts[key]
        elif key in ROW_COUNT:
            assert sum(ROW_COUNT[key](row) for row in rows) == expected, key
        else:
            assert len(rows) == expected, key
            assert len({row.id for row in rows}) == len(rows), key  # nothing listed twice


def data_value(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{re.escape(testid)}" data-value="([^"]*)"', html)
    assert found, testid
    return found.group(1)


def test_every_link_on_the_dashboard_leads_to_a_list_with_the_same_total(client, auth, people, world):
    auth.login(people["admin"])
    page = client.get("/admin/statistics?period=all")
    assert page.status_code == 200
    board = dashboard(period())
    keys = [k for k in all_keys(board, world) if not (":" in k and k.split(":")[0] in
                                                      ("assignments", "reviews"))]
    keys += [f"assignments:{world.reviewer.id}", f"reviews:{world.reviewer.id}",
             f"assignments:{world.reviewer2.id}"]
    for key in keys:
        shown = data_value(page.text, f"figure-{key.replace(':', '-')}")
        figure = figure_for(key)
        listing = client.get("/admin/statistics/records", query_string={"figure": key, "period": "all"})
        assert listing.status_code == 200, key
        if figure.unit == "money" or key in ROW_COUNT:
            assert data_value(listing.text, "records-total") == shown == str(board.values[key]), key
        elif figure.unit == "days":
            assert float(data_value(listing.text, "records-median")) == float(shown), key
            assert int(data_value(listing.text, "records-count")) == board.counts[key], key
        else:
            assert data_value(listing.text, "records-count") == shown, key
            assert int(shown) == expected_of(board, key, world), key


def test_records_list_rows_and_keeps_the_filter(client, auth, people, world):
    auth.login(people["admin"])
    page = client.get("/admin/statistics/records", query_string={
        "figure": "contracted", "period": "custom", "start": H2[0], "end": H2[1]})
    assert "六月榜" in page.text and "七月榜" in page.text and "失败榜" not in page.text
    assert data_value(page.text, "records-count") == "2"
    assert 'value="2026-07-01"' in page.text  # the period stays in the form
    overdue = client.get("/admin/statistics/records?figure=overdue&period=all")
    assert "第2阶段" in overdue.text and world.a_contract.number in overdue.text
    ledger = client.get("/admin/statistics/records?figure=paid_government&period=all")
    assert "冲正" in ledger.text and data_value(ledger.text, "records-total") == "0"
    assert client.get("/admin/statistics/records?figure=nonsense").status_code == 404
    assert client.get("/admin/statistics/records?figure=invest_ge:123").status_code == 404
    assert client.get("/admin/statistics/records?figure=reviews:999999").status_code == 404


def test_bad_filter_input_is_shown_next_to_the_field(client, auth, people, world):
    auth.login(people["admin"])
    page = client.get("/admin/statistics?period=custom&start=2026-13-01&end=2026-01-01&kind=bogus")
    assert page.status_code == 200
    assert "开始日期格式应为" in page.text and "未知的榜单类型" in page.text
    assert 'value="2026-13-01"' in page.text  # what was typed is kept
    page = client.get("/admin/statistics?period=custom&start=2026-06-01&end=2026-01-01")
    assert "结束日期不能早于开始日期" in page.text
    records = client.get("/admin/statistics/records?figure=published&period=custom&start=x")
    assert records.status_code == 200 and "开始日期格式应为" in records.text
    export = client.get("/admin/statistics/export.xlsx?period=custom&start=x")
    assert export.status_code == 302 and "/admin/statistics?" in export.headers["Location"]


def test_dashboard_shows_charts_and_date_rules(client, auth, people, world):
    auth.login(people["admin"])
    page = client.get("/admin/statistics?period=all")
    html = page.text
    assert html.count("<svg") >= 4  # funnel, by type, by field, trend
    main = html.split("<main")[1].split("</main>")[0]
    assert 'class="stats-chart' in main and "<script" not in main and "style=" not in main
    for rule in ("按企业提交审核的日期", "按发布日期", "按揭榜方案提交日期", "按榜单签约日期",
                 "按榜单验收通过日期", "按台账付款日期"):
        assert rule in html
    assert "/admin/statistics/records?figure=published" in html  # bars and numbers drill down
    empty = client.get("/admin/statistics?period=custom&start=2030-01-01&end=2030-12-31")
    assert empty.status_code == 200 and data_value(empty.text, "figure-submitted") == "0"


def test_charts_escape_what_enterprises_typed(client, auth, make, people):
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                   field='<script>alert("x")</script>')
    auth.login(people["admin"])
    html = client.get("/admin/statistics?period=all").text
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_nice_axis_maxima():
    from challenge.stats.charts import nice_ceiling

    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 12, 180, 2600)] == [1, 1, 5, 10, 20, 200, 5000]


# -- export --------------------------------------------------------------------------------

def test_excel_export(client, auth, people, world):
    auth.login(people["admin"])
    response = client.get("/admin/statistics/export.xlsx?period=all")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")  # a real server refuses anything else in a header
    assert disposition.startswith("attachment") and "filename*=UTF-8''%E7%BB%9F%E8%AE%A1" in disposition
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    ws = wb["统计指标"]
    assert [c.value for c in ws[1]] == ["类别", "指标", "数值", "单位", "统计口径"]
    assert ws.freeze_panes == "A2"
    rows = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=2)}
    bounty = rows[("金额", "揭榜总金额")]
    assert bounty[2].value == 1600 and isinstance(bounty[2].value, (int, float))
    assert bounty[2].number_format == "#,##0.00" and bounty[3].value == "万元"
    assert rows[("流程漏斗", "征集需求")][2].value == 5
    assert rows[("金额", "政府补助承诺")][2].value == 50
    assert rows[("金额", "总投入 ≥ 1000 万元的签约榜单")][2].value == 2
    assert rows[("周期", "发布→签约天数（中位数）（3 个榜）")][2].value == 40.4
    assert rows[("转化率", "匹配率（有合格方案的榜 ÷ 发布）")][2].value == 0.75
    assert rows[("转化率", "匹配率（有合格方案的榜 ÷ 发布）")][2].number_format == "0.0%"
    assert rows[("各状态榜单", "已撤榜")][2].value == 1
    kinds = wb["按榜单类型"]
    assert [c.value for c in kinds[1]] == ["榜单类型", "发布榜单", "签约榜单", "揭榜总金额（万元）",
                                           "带动研发投入（万元）"]
    assert [c.value for c in kinds[2]] == ["卡脖子技术", 3, 2, 1100, 3200]
    assert kinds.freeze_panes == "A2" and kinds["D2"].number_format == "#,##0.00"
    assert [c.value for c in wb["评审工作量"][2]] == ["专家", people["reviewer"].org_name, 2, 1]
    assert "全部时间" in wb["筛选条件"]["B2"].value


def test_csv_export_with_filters(client, auth, people, world):
    auth.login(people["admin"])
    response = client.get("/admin/statistics/export.csv",
                          query_string={"period": "custom", "start": H2[0], "end": H2[1]})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["类别", "指标", "数值", "单位", "统计口径"]
    by_label = {row[1]: row for row in rows[1:]}
    assert by_label["揭榜总金额"][2:4] == ["800.00", "万元"]
    assert by_label["政府补助承诺"][2] == "50.00"
    assert by_label["签约榜单"][2] == "2"
    assert by_label["发布→签约天数（中位数）（2 个榜）"][2] == "30.2"
    assert rows[-1][:2] == ["筛选条件", "2026-07-01 至 2026-12-31"]
    assert client.get("/admin/statistics/export.pdf").status_code == 404


# -- who may see it ------------------------------------------------------------------------

ADMIN_URLS = ["/admin/statistics", "/admin/statistics/records?figure=published",
              "/admin/statistics/export.xlsx", "/admin/statistics/export.csv"]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["issuer", "solver", "reviewer"])
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_only_the_bureau_sees_the_dashboard(client, auth, people, role, url):
    auth.login(people[role])
    assert client.get(url).status_code == 403


def test_admin_nav_links_to_the_dashboard(client, auth, people):
    auth.login(people["admin"])
    html = client.get("/admin/").text
    assert 'href="/admin/statistics"' in html and "统计分析" in html
    auth.logout()
    auth.login(people["solver"])
    assert 'href="/admin/statistics"' not in client.get("/").text


def test_dashboard_statements_run_two_at_a_time_on_their_own_connections(app):
    """side_by_side: results in the order given, each job in a worker thread with its own
    app context (and so its own session and connection)."""
    import threading

    from challenge.stats.figures import side_by_side

    def job(n):
        return lambda: (n, threading.current_thread().name, id(db.session()),
                        db.session.execute(select(n)).scalar())

    here = id(db.session())
    results = side_by_side(*[job(n) for n in range(4)])
    assert [r[0] for r in results] == [r[3] for r in results] == [0, 1, 2, 3]
    assert all(name.startswith("statistics") for _n, name, _s, _v in results)
    assert here not in {session for _n, _t, session, _v in results}
