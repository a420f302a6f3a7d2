"""The bureau's exports: Chinese headers, money as numbers in 万元, real Excel dates in Shanghai
time, frozen header row, the same rows in CSV (UTF-8 with BOM), filters honoured, admins only."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from challenge import uploads
from challenge.awarding import operations as award_ops
from challenge.exports import writers
from challenge.extensions import db
from challenge.models import AuditEvent, Proposal, Review
from challenge.states import (
    ChallengeKind,
    ChallengeState,
    FundingMode,
    OrgType,
    Payer,
    ProposalState,
    ReviewState,
    Role,
)
from challenge.timeutil import SHANGHAI, local_today, utcnow
from challenge.workflow import perform

NAMES = ("challenges", "bids", "reviews", "contracts", "milestones", "ledger", "audit")


def xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == writers.XLSX_MIME
    return load_workbook(io.BytesIO(response.data))


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel reads Chinese right
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def by_header(rows: list[list]) -> list[dict]:
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def login_admin(auth, people):
    auth.login(people["admin"])
    return people["admin"]


# -- 榜 --------------------------------------------------------------------------------------

def test_challenge_export_has_chinese_headers_numbers_dates_and_a_frozen_header(client, auth, make,
                                                                                people):
    login_admin(auth, people)
    issuer = people["issuer"]
    issuer.organization.region = "示范市高新区"
    board = make.challenge(issuer, ChallengeState.OPEN, admin=people["admin"], title="熔喷布过滤",
                           bounty_fen=123_456_789, investment_fen=900_000_000)
    response = client.get("/admin/exports/challenges.xlsx")
    book = xlsx(response)
    sheet = book["榜单"]
    assert sheet.freeze_panes == "A2"
    rows = sheet_rows(sheet)
    header = rows[0]
    for title in ("榜编号", "榜单名称", "状态", "榜单类型", "发榜单位", "榜额（万元）", "研发总投入（万元）",
                  "量化技术指标", "发布时间", "揭榜截止"):
        assert title in header
    assert sheet.cell(row=1, column=1).font.b  # bold header
    found = by_header(rows)
    assert [r["榜编号"] for r in found] == [board.id]
    row = found[0]
    assert row["榜单名称"] == "熔喷布过滤" and row["状态"] == "揭榜中" and row["榜单类型"] == "卡脖子技术"
    assert row["榜额（万元）"] == pytest.approx(123.456789)  # exact in the cell, 2 places on screen
    money_cell = sheet.cell(row=2, column=header.index("榜额（万元）") + 1)
    assert money_cell.number_format == "#,##0.00" and money_cell.data_type == "n"
    published_cell = sheet.cell(row=2, column=header.index("发布时间") + 1)
    assert isinstance(published_cell.value, datetime) and published_cell.is_date
    assert published_cell.number_format == "yyyy-mm-dd hh:mm"
    shanghai = board.published_at.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)
    assert published_cell.value == shanghai  # wall-clock time in Asia/Shanghai, not UTC
    assert row["量化技术指标"].startswith("过滤效率：≥99.97%")
    assert "导出说明" in book.sheetnames

    disposition = response.headers["Content-Disposition"]
    stamp = local_today().isoformat()
    assert f'filename="challenges-{stamp}.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote(f'榜单-{stamp}.xlsx')}" in disposition


def test_csv_has_bom_and_the_same_rows(client, auth, make, people):
    login_admin(auth, people)
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"], title="甲榜",
                   bounty_fen=300_000_000)
    make.challenge(people["issuer"], ChallengeState.SCREENING, title="=HYPERLINK(\"x\")",
                   bounty_fen=1_234_567)
    book_rows = sheet_rows(xlsx(client.get("/admin/exports/challenges.xlsx"))["榜单"])
    response = client.get("/admin/exports/challenges.csv")
    assert response.mimetype == "text/csv"
    text_rows = csv_rows(response)
    assert text_rows[0] == book_rows[0]
    assert len(text_rows) == len(book_rows) == 3
    for book_row, text_row in zip(by_header(book_rows), by_header(text_rows), strict=True):
        assert text_row["榜编号"] == str(book_row["榜编号"])
        assert Decimal(text_row["榜额（万元）"]) == Decimal(str(book_row["榜额（万元）"]))
        assert text_row["状态"] == book_row["状态"]
    titles = {r["榜单名称"] for r in by_header(text_rows)}
    assert titles == {"甲榜", "'=HYPERLINK(\"x\")"}  # CSV: a formula-looking cell is quoted
    assert {r["榜额（万元）"] for r in by_header(text_rows)} == {"300.00", "1.234567"}
    # The workbook keeps it as text, not a formula.
    assert '=HYPERLINK("x")' in {r["榜单名称"] for r in by_header(book_rows)}
    assert response.headers["Content-Disposition"].endswith(
        quote(f"榜单-{local_today().isoformat()}.csv"))


def test_challenge_export_honours_the_stats_filter_and_the_list_state(client, auth, make, people):
    login_admin(auth, people)
    north = people["issuer"]
    north.organization.region = "北区"
    south = make.user(Role.ENTERPRISE, org=make.org(region="南区"))
    db.session.commit()
    a = make.challenge(north, ChallengeState.OPEN, admin=people["admin"], title="北区卡脖子",
                       field="新材料")
    make.challenge(north, ChallengeState.OPEN, admin=people["admin"], title="北区进口替代",
                   kind=ChallengeKind.IMPORT_SUBSTITUTION, field="新材料")
    make.challenge(south, ChallengeState.OPEN, admin=people["admin"], title="南区卡脖子",
                   field="新材料")
    make.challenge(north, ChallengeState.SCREENING, title="北区待审", field="新材料")
    make.challenge(north, ChallengeState.OPEN, admin=people["admin"], title="北区电子", field="电子信息")

    def titles(query):
        rows = by_header(sheet_rows(xlsx(client.get(f"/admin/exports/challenges.xlsx?{query}"))["榜单"]))
        return sorted(r["榜单名称"] for r in rows)

    assert titles("kind=chokepoint&field=新材料&region=北区&state=open") == ["北区卡脖子"]
    assert titles("kind=chokepoint&field=新材料&region=北区") == ["北区卡脖子", "北区待审"]
    assert titles("state=all&field=电子信息") == ["北区电子"]
    # The period: 榜 created inside [start, end] (Shanghai days).
    today = local_today()
    assert titles(f"period=custom&start={today.isoformat()}&end={today.isoformat()}&region=南区") \
        == ["南区卡脖子"]
    assert titles(f"period=custom&end={(today - timedelta(days=1)).isoformat()}") == []
    # CSV honours the same filters.
    rows = by_header(csv_rows(client.get("/admin/exports/challenges.csv?kind=chokepoint&region=北区"
                                         "&state=open&field=新材料")))
    assert [r["榜编号"] for r in rows] == [str(a.id)]


def test_admin_challenge_list_offers_the_export_of_its_tab(client, auth, people):
    login_admin(auth, people)
    page = client.get("/admin/challenges?state=open").get_data(as_text=True)
    assert "/admin/exports/challenges.xlsx?state=open" in page
    assert "/admin/exports/challenges.csv?state=open" in page


def test_bad_filter_is_explained_not_exported(client, auth, people):
    login_admin(auth, people)
    response = client.get("/admin/exports/challenges.xlsx?period=custom&start=2026-13-01")
    assert response.status_code == 400
    assert "开始日期格式应为" in response.get_data(as_text=True)
    assert client.get("/admin/exports/nothing.xlsx").status_code == 404
    assert client.get("/admin/exports/challenges.pdf").status_code == 404


# -- bids with scores, review details ---------------------------------------------------------

def _bid(challenge, name, state=ProposalState.QUALIFIED, requested=50_000_000):
    solver = _solver(name)
    proposal = Proposal(challenge=challenge, lead_org_id=solver.organization_id,
                        team_lead_id=solver.id, state=state, title=f"{name}方案",
                        technical_approach="路线", requested_fen=requested, budget=[], members=[],
                        submitted_at=utcnow() - timedelta(days=3), version_no=1)
    db.session.add(proposal)
    db.session.flush()
    return proposal


def _solver(name):
    from tests.factories import make_org, make_user

    return make_user(Role.SOLVER, org=make_org(name=f"{name}大学", type=OrgType.UNIVERSITY), name=name)


def _review(proposal, reviewer, totals: tuple[int, int, int, int, int], state=ReviewState.SUBMITTED):
    keys = ("approach", "indicators", "team", "plan", "budget")
    db.session.add(Review(challenge_id=proposal.challenge_id, proposal_id=proposal.id,
                          reviewer_id=reviewer.id, state=state, scores=dict(zip(keys, totals, strict=True)),
                          comment="意见" if state is ReviewState.SUBMITTED else "",
                          submitted_at=utcnow() if state is ReviewState.SUBMITTED else None))


@pytest.fixture
def scored(make, people):
    """A 榜 under review: bid A has five reviews (trimmed), B three, C is disqualified."""
    board = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"],
                           title="评审中的榜")
    a, b = _bid(board, "甲"), _bid(board, "乙")
    c = _bid(board, "丙", state=ProposalState.DISQUALIFIED)
    reviewers = [make.user(Role.REVIEWER, name=f"专家{n}") for n in range(5)]
    for reviewer, points in zip(reviewers, ((30, 25, 20, 15, 10), (20, 20, 10, 10, 5),
                                           (25, 20, 15, 10, 10), (10, 5, 5, 5, 5),
                                           (28, 22, 18, 12, 9)), strict=True):
        _review(a, reviewer, points)  # totals 100, 65, 80, 30, 89 → trimmed mean of 65, 80, 89
    for reviewer, points in zip(reviewers[:3], ((15, 15, 10, 10, 5), (20, 15, 10, 5, 5),
                                               (10, 10, 10, 10, 5)), strict=True):
        _review(b, reviewer, points)  # totals 55, 55, 45 → 51.67, below the pass mark
    _review(b, reviewers[3], (1, 1, 1, 1, 1), state=ReviewState.DRAFT)  # drafts never count
    db.session.commit()
    return board, a, b, c, reviewers


def test_bids_export_carries_aggregate_score_rank_and_pass(client, auth, people, scored):
    board, a, b, c, _reviewers = scored
    login_admin(auth, people)
    book = xlsx(client.get(f"/admin/exports/bids.xlsx?challenge={board.id}"))
    rows = by_header(sheet_rows(book["揭榜方案及评分"]))
    assert [r["方案编号"] for r in rows] == [a.id, b.id, c.id]
    first, second, third = rows
    assert first["评审份数"] == 5 and first["综合得分"] == pytest.approx(78.0)
    assert first["计分方法"] == "去掉最高分和最低分后平均" and first["分差"] == 70
    assert first["评分分歧较大"] == "是" and first["排名"] == 1 and first["达到合格分"] == "是"
    assert second["评审份数"] == 3 and second["综合得分"] == pytest.approx(51.67)
    assert second["计分方法"] == "平均分" and second["排名"] == 2 and second["达到合格分"] == "否"
    assert third["方案状态"] == "资格不合格" and third["综合得分"] is None and third["排名"] is None
    assert first["牵头单位"] == "甲大学" and first["申请金额（万元）"] == 50
    sheet = book["揭榜方案及评分"]
    header = sheet_rows(sheet)[0]
    assert sheet.cell(row=2, column=header.index("综合得分") + 1).number_format == "0.00"
    text = by_header(csv_rows(client.get(f"/admin/exports/bids.csv?challenge={board.id}")))
    assert [(r["综合得分"], r["排名"]) for r in text] == [("78.00", "1"), ("51.67", "2"), ("", "")]


def test_review_export_has_a_row_per_reviewer_bid_and_criterion(client, auth, people, scored):
    board, a, b, _c, reviewers = scored
    login_admin(auth, people)
    rows = by_header(sheet_rows(xlsx(client.get(f"/admin/exports/reviews.xlsx?challenge={board.id}"))
                                ["评审明细"]))
    assert len(rows) == (5 + 4) * 5  # a: five reviews; b: three submitted and a draft
    mine = [r for r in rows if r["方案编号"] == a.id and r["评审专家"] == "专家0"]
    assert [(r["评分项"], r["满分"], r["得分"]) for r in mine] == [
        ("技术方案先进性与可行性", 30, 30), ("指标响应度", 25, 25), ("团队能力与前期基础", 20, 20),
        ("实施计划与里程碑", 15, 15), ("经费预算合理性", 10, 10)]
    assert {r["该专家总分"] for r in mine} == {100}
    assert mine[0]["专家邮箱"] == reviewers[0].email and mine[0]["评分状态"] == "已提交"
    draft = [r for r in rows if r["方案编号"] == b.id and r["评审专家"] == "专家3"]
    assert {r["评分状态"] for r in draft} == {"草稿"} and draft[0]["提交时间"] is None
    # A period excludes reviews never submitted.
    today = local_today().isoformat()
    rows = by_header(csv_rows(client.get(
        f"/admin/exports/reviews.csv?challenge={board.id}&period=custom&start={today}&end={today}")))
    assert len(rows) == 8 * 5 and "草稿" not in {r["评分状态"] for r in rows}


# -- contracts, milestones, ledger -----------------------------------------------------------

@pytest.fixture
def paid_contract(make, people):
    admin, issuer = people["admin"], people["issuer"]
    board = make.challenge(issuer, ChallengeState.CONTRACTED, admin=admin, solver=people["solver"],
                           funding_mode=FundingMode.MILESTONE, bounty_fen=200_000_000)
    contract = board_contract(board)
    first, _second = contract.milestones
    perform(first, "report", people["solver"], report="样机")
    perform(first, "confirm", issuer)
    paid_on = local_today() - timedelta(days=2)
    entry = award_ops.record_payment(contract, admin, award_ops.PaymentInput(
        Payer.ENTERPRISE, 12_345_678, paid_on, first.id, "银行流水 001"))
    award_ops.reverse_payment(entry, admin, "金额有误")
    award_ops.record_payment(contract, admin, award_ops.PaymentInput(
        Payer.ENTERPRISE, 10_000_000, paid_on, first.id, "银行流水 002"))
    db.session.commit()
    return board, contract, paid_on


def board_contract(board):
    from challenge.awarding.rules import contracts_of

    (contract,) = contracts_of(board)
    return contract


def test_contract_milestone_and_ledger_exports(client, auth, people, paid_contract):
    board, contract, paid_on = paid_contract
    login_admin(auth, people)
    rows = by_header(sheet_rows(xlsx(client.get("/admin/exports/contracts.xlsx"))["合同"]))
    assert [r["合同编号"] for r in rows] == [contract.number]
    row = rows[0]
    assert row["榜编号"] == board.id and row["合同状态"] == "执行中" and row["资助方式"] == "里程碑资助"
    assert row["合同金额（万元）"] == pytest.approx(contract.amount_fen / 1_000_000)
    assert row["企业已付（万元）"] == pytest.approx(10.0)  # 12.345678 paid, reversed, 10 paid
    assert row["里程碑数"] == 2 and isinstance(row["开始日期"], datetime)

    book = xlsx(client.get("/admin/exports/milestones.xlsx"))
    milestones = by_header(sheet_rows(book["合同里程碑"]))
    assert [(m["序号"], m["状态"]) for m in milestones] == [(1, "企业已确认，待评审"), (2, "未到期/待报告")]
    assert milestones[0]["已支付（万元）"] == pytest.approx(10.0)
    assert milestones[0]["支付比例"] == pytest.approx(0.4)
    header = sheet_rows(book["合同里程碑"])[0]
    due = book["合同里程碑"].cell(row=2, column=header.index("到期日") + 1)
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    assert due.value.date() == contract.milestones[0].due_on

    ledger = by_header(sheet_rows(xlsx(client.get("/admin/exports/ledger.xlsx"))["支付台账"]))
    # In date order: both payments on their day, the reversal on the day it was recorded.
    assert [(e["类型"], e["金额（万元）"]) for e in ledger] == [
        ("支付", pytest.approx(12.345678)), ("支付", pytest.approx(10.0)),
        ("冲正", pytest.approx(-12.345678))]
    assert ledger[2]["冲正的流水号"] == ledger[0]["流水号"]
    assert {e["付款方"] for e in ledger} == {"企业榜金"} and ledger[0]["凭证号"] == "银行流水 001"
    assert ledger[0]["日期"].date() == paid_on
    text = by_header(csv_rows(client.get("/admin/exports/ledger.csv")))
    assert [e["金额（万元）"] for e in text] == ["12.345678", "10.00", "-12.345678"]
    assert text[0]["日期"] == paid_on.isoformat()
    # The ledger's period is the payment date.
    rows = by_header(csv_rows(client.get(
        f"/admin/exports/ledger.csv?period=custom&end={paid_on.isoformat()}")))
    assert [e["类型"] for e in rows] == ["支付", "支付"]
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    assert csv_rows(client.get(f"/admin/exports/ledger.csv?period=custom&start={tomorrow}"))[1:] == []
    # Another region's 榜 has no contracts.
    assert by_header(csv_rows(client.get("/admin/exports/contracts.csv?region=无此地区"))) == []


# -- writers -------------------------------------------------------------------------------

def test_a_sheet_full_to_excels_limit_continues_on_the_next(monkeypatch):
    monkeypatch.setattr(writers, "EXCEL_MAX_ROWS", 4)  # header + 3 rows per sheet
    book = writers.XlsxBook()
    columns = (writers.Column("编号", writers.INT), writers.Column("金额（万元）", writers.MONEY))
    assert book.add_table("台账", columns, ((n, n * 1_000_000) for n in range(1, 8))) == 7
    with book.save() as handle:
        saved = load_workbook(handle)
    assert saved.sheetnames == ["台账", "台账(2)", "台账(3)"]
    assert [r[0] for r in sheet_rows(saved["台账(2)"])] == ["编号", 4, 5, 6]
    assert saved["台账(3)"].freeze_panes == "A2"


def test_money_text_and_times():
    assert writers.money_text(123_456_789) == "123.456789"
    assert writers.money_text(300_000_000) == "300.00"
    assert writers.money_text(-5_000) == "-0.005"
    late = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 March in Shanghai
    assert writers.excel_time(late) == datetime(2026, 3, 2, 0, 30)
    assert uploads.attachment_header("榜单.csv", "challenges.csv") == (
        "attachment; filename=\"challenges.csv\"; filename*=UTF-8''%E6%A6%9C%E5%8D%95.csv")


# -- who may export --------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", ["issuer", "solver", "reviewer"])
def test_only_the_bureau_exports(client, auth, people, name, role):
    auth.login(people[role])
    for fmt in ("xlsx", "csv"):
        assert client.get(f"/admin/exports/{name}.{fmt}").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/exports/reviews.xlsx")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/admin/exports/").status_code == 302


def test_export_centre_lists_every_export_and_keeps_filters(client, auth, people):
    login_admin(auth, people)
    page = client.get("/admin/exports/?period=all&kind=chokepoint&region=北区").get_data(as_text=True)
    for name in NAMES[:-1]:
        for fmt in ("xlsx", "csv"):  # asked for in the background, never run in the request
            assert (f'action="/admin/exports/{name}.{fmt}/background?period=all&amp;kind=chokepoint'
                    f'&amp;region=%E5%8C%97%E5%8C%BA"') in page
    assert f'href="/admin/exports/{NAMES[0]}.xlsx' not in page
    assert "/admin/audit/" in page


def test_each_export_is_itself_audited(client, auth, people):
    admin = login_admin(auth, people)
    client.get("/admin/exports/ledger.csv?period=all").get_data()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.actor_id == admin.id and event.object_type == "export"
    assert event.changes["table"] == "ledger" and event.changes["format"] == "csv"

