"""发榜 through the HTTP interface: drafting with validation, submitting, screening, withdrawing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import AuditEvent, Challenge
from challenge.states import ChallengeState, Confidentiality, FundingMode
from challenge.timeutil import local_today


def form_data(**overrides) -> dict:
    data = {
        "title": "车规级芯片封装可靠性提升", "kind": "chokepoint", "field": "集成电路",
        "industry_tags": "汽车电子,封装测试", "summary": "提升车规级功率芯片封装在高温循环下的可靠性。",
        "detail": "现有 QFN 封装在 -40~150℃ 循环 500 次后出现分层，需要达到 AEC-Q100 Grade 0。",
        "indicators-0-name": "温度循环次数", "indicators-0-target": "≥1000", "indicators-0-unit": "次",
        "indicators-0-method": "AEC-Q100 TC 试验",
        "indicators-1-name": "分层面积", "indicators-1-target": "≤5", "indicators-1-unit": "%",
        "indicators-1-method": "C-SAM 扫描",
        "bounty": "500", "investment": "1500.5", "funding_mode": "milestone", "max_winners": "1",
        "deadline": (local_today() + timedelta(days=45)).isoformat(), "period_months": "18",
        "eligible_org_types": ["university", "institute"], "eligible_regions": "示范市",
        "qualifications": "", "confidentiality": "desensitized", "contact_name": "李工",
        "contact_phone": "0512-66881234", "contact_email": "li@example.cn", "save": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def issuer(people, auth):
    auth.login(people["issuer"])
    return people["issuer"]


def test_enterprise_saves_a_draft_with_every_field(client, issuer):
    response = client.post("/challenges/new", data=form_data())
    assert response.status_code == 302
    challenge = db.session.scalars(select(Challenge)).one()
    assert challenge.state is ChallengeState.DRAFT
    assert challenge.issuer_org_id == issuer.organization_id
    assert challenge.bounty_fen == 500_000_000 and challenge.investment_fen == 1_500_500_000
    assert challenge.funding_mode is FundingMode.MILESTONE
    assert challenge.confidentiality is Confidentiality.DESENSITIZED
    assert [i.name for i in challenge.indicators] == ["温度循环次数", "分层面积"]
    assert challenge.eligible_org_types == "university,institute"
    assert challenge.deadline_at is not None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create")).one()
    assert event.to_state == "draft" and event.changes["title"][1] == "车规级芯片封装可靠性提升"


def test_save_and_submit_in_one_step(client, issuer, people):
    response = client.post("/challenges/new", data=form_data(save=None, submit="1"))
    challenge = db.session.scalars(select(Challenge)).one()
    assert response.headers["Location"].endswith(f"/challenges/{challenge.id}")
    assert challenge.state is ChallengeState.SCREENING and challenge.submitted_at is not None


BAD_INPUT = [
    ({"bounty": "-5"}, "bounty", "金额必须大于 0"),
    ({"bounty": "abc"}, "bounty", "请输入数字"),
    ({"bounty": ""}, "bounty", "请填写金额"),
    ({"bounty": "1.0000001"}, "bounty", "最多精确到分"),
    ({"bounty": "9999999999"}, "bounty", "超出合理范围"),
    ({"investment": "100"}, "investment", "不应低于榜额"),
    ({"deadline": "2026-13-45"}, "deadline", "日期格式应为"),
    ({"deadline": "明天"}, "deadline", "日期格式应为"),
    ({"deadline": "2020-01-01"}, "deadline", "必须晚于今天"),
    ({"title": ""}, "title", "请填写榜单名称"),
    ({"title": "长" * 81}, "title", "不超过 80 个字"),
    ({"summary": "字" * 2001}, "summary", "不超过 2000 字"),
    ({"detail": "字" * 10001}, "detail", "不超过 10000 字"),
    ({"contact_phone": "12345"}, "contact_phone", "请输入手机号或带区号的固定电话"),
    ({"contact_email": "not-an-email"}, "contact_email", "邮箱格式不正确"),
    ({"max_winners": "0"}, "max_winners", "应在 1 到 10 之间"),
    ({"max_winners": "x"}, "max_winners", None),
    ({"funding_mode": "horse_race", "max_winners": "1"}, "max_winners", "赛马制至少需要 2 个"),
    ({"period_months": "-3"}, "period_months", "应在 1 到 120 个月之间"),
    ({"indicators-0-name": "", "indicators-0-target": "", "indicators-0-unit": "",
      "indicators-0-method": "", "indicators-1-name": "", "indicators-1-target": "",
      "indicators-1-unit": "", "indicators-1-method": ""}, "indicators", "请至少填写一项量化技术指标"),
    ({"indicators-1-target": ""}, "indicators-1-target", "必填"),
    ({"kind": "nonsense"}, "kind", None),
]


# Left empty, these stop only a submission: a draft may be saved without them
# (tests/test_new_user_defects.py); every other bad input stops a draft too.
NEEDED_ONLY_TO_SUBMIT = {"bounty:", "indicators:", "indicators-1-target:"}
BAD_INPUT_BY_BUTTON = [
    pytest.param(o, f, m, button, id=f"{case}-{button}")
    for o, f, m in BAD_INPUT for case in [f"{f}:{list(o.values())[0]!s:.12}"]
    for button in ("save", "submit") if not (button == "save" and case in NEEDED_ONLY_TO_SUBMIT)]


@pytest.mark.parametrize("overrides,field,message,button", BAD_INPUT_BY_BUTTON)
def test_bad_input_shows_a_message_and_saves_nothing(client, issuer, overrides, field, message,
                                                      button):
    data = form_data(**{**overrides, "save": None, button: "1"})
    response = client.post("/challenges/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("indicators-error" if field == "indicators" else "is-invalid") in html
    if message:
        assert message in html
    assert count(Challenge) == 0 and count(AuditEvent) == 0
    # Nothing the user typed is lost: the other fields come back filled in.
    if field != "title":
        assert "车规级芯片封装可靠性提升" in html
    assert "李工" in html
    if field != "indicators":
        assert "C-SAM 扫描" in html


def test_admin_returns_with_reason_and_enterprise_sees_it_and_resubmits(client, auth, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
    auth.login(people["admin"])
    response = client.post(f"/admin/challenges/{challenge.id}/return", data={"ret-reason": ""})
    assert "请填写理由" in response.get_data(as_text=True)
    assert db.session.get(Challenge, challenge.id).state is ChallengeState.SCREENING
    client.post(f"/admin/challenges/{challenge.id}/return",
                data={"ret-reason": "请把过滤效率指标写成可检测的数值"})
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).state is ChallengeState.DRAFT

    auth.logout()
    auth.login(people["issuer"])
    page = client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert "请把过滤效率指标写成可检测的数值" in page
    client.post(f"/challenges/{challenge.id}/edit", data=form_data(save=None, submit="1"))
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).state is ChallengeState.SCREENING


def test_admin_edits_wording_and_the_change_is_audited(client, auth, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"],
                               title="熔喷布过滤")
    auth.login(people["admin"])
    data = form_data(title="熔喷非织造布过滤效率与阻力协同提升", save="1",
                     edit_note="与企业沟通后凝练")
    response = client.post(f"/challenges/{challenge.id}/edit", data=data)
    assert response.status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edit")).one()
    assert event.changes["title"] == ["熔喷布过滤", "熔喷非织造布过滤效率与阻力协同提升"]
    assert event.reason == "与企业沟通后凝练" and event.actor_id == people["admin"].id
    page = client.get(f"/admin/challenges/{challenge.id}").get_data(as_text=True)
    assert "修改内容" in page and "榜单名称" in page and "<del>熔喷布过滤</del>" in page
    assert "待审核 → " not in page and "草稿 → 待审核" in page


def test_admin_publishes_with_deadline(client, auth, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
    auth.login(people["admin"])
    html = client.post(f"/admin/challenges/{challenge.id}/publish",
                       data={"deadline": ""}).get_data(as_text=True)
    assert "发布时必须设定揭榜截止日期" in html
    html = client.post(f"/admin/challenges/{challenge.id}/publish",
                       data={"deadline": "2020-01-01"}).get_data(as_text=True)
    assert "必须晚于今天" in html
    day = local_today() + timedelta(days=30)
    response = client.post(f"/admin/challenges/{challenge.id}/publish",
                           data={"deadline": day.isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    published = db.session.get(Challenge, challenge.id)
    assert published.state is ChallengeState.OPEN
    # The deadline is the end of that day in Shanghai, stored in UTC (15:59:59Z).
    assert published.deadline_at.hour == 15 and published.deadline_at.minute == 59
    assert published.deadline_at.date() == day


def test_withdraw_needs_reason_and_confirmation_page(client, issuer, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    page = client.get(f"/challenges/{challenge.id}/withdraw").get_data(as_text=True)
    assert "不能恢复" in page
    html = client.post(f"/challenges/{challenge.id}/withdraw", data={"reason": " "}).get_data(
        as_text=True)
    assert "请填写理由" in html
    client.post(f"/challenges/{challenge.id}/withdraw", data={"reason": "企业已自行攻克"})
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).state is ChallengeState.WITHDRAWN
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "withdraw")).one()
    assert (event.from_state, event.to_state, event.reason) == ("open", "withdrawn", "企业已自行攻克")


def test_enterprise_cannot_edit_after_submitting(client, issuer, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"])
    response = client.post(f"/challenges/{challenge.id}/edit", data=form_data())
    assert response.status_code == 403
    assert db.session.get(Challenge, challenge.id).title == "熔喷布过滤效率提升"


def test_my_challenges_lists_only_my_organization(client, issuer, make, people):
    make.challenge(people["issuer"], title="本企业的榜")
    make.challenge(people["other_enterprise"], title="别家企业的榜")
    html = client.get("/my/challenges").get_data(as_text=True)
    assert "本企业的榜" in html and "别家企业的榜" not in html


def test_close_expired_moves_open_past_deadline(app, make, people, runner):
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    fresh = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    challenge.deadline_at = challenge.deadline_at - timedelta(days=60)
    db.session.commit()
    result = runner.invoke(args=["close-expired"])
    assert result.exit_code == 0 and "截止 1 个榜" in result.output
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).state is ChallengeState.REVIEWING
    assert db.session.get(Challenge, fresh.id).state is ChallengeState.OPEN
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "close")).one()
    assert event.actor_id is None and event.from_state == "open"


def test_deadline_check_also_runs_on_access(client, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    challenge.deadline_at = challenge.deadline_at - timedelta(days=60)
    db.session.commit()
    client.get("/")
    db.session.expire_all()
    assert db.session.get(Challenge, challenge.id).state is ChallengeState.REVIEWING
