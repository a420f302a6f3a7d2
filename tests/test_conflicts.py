"""回避 from relationships: one case per kind of conflict with the evidence sentence it shows,
the look-back years, enforcement in seat_reviewer (every check audited, refused ones too), in
the batch optimiser and on the panel page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import (
    AuditEvent,
    ExpertProfile,
    ExpertWork,
    Proposal,
    ProposalPartner,
    ReviewAssignment,
)
from challenge.reviewing import operations as panels
from challenge.reviewing.conflicts import find_conflicts
from challenge.states import (
    ChallengeState,
    PanelSeatState,
    ProposalState,
    Role,
    WorkKind,
)
from challenge.timeutil import utcnow

YEAR = utcnow().year
LAST = YEAR - 1
BEFORE = (utcnow() - timedelta(days=400)).year  # the year of a bid 400 days ago


def bid(make, challenge, lead_user, partners=(), members=(), declared="", submitted=None,
        state=ProposalState.QUALIFIED):
    """A submitted bid row on *challenge* led by *lead_user*'s organisation."""
    proposal = Proposal(
        challenge_id=challenge.id, lead_org_id=lead_user.organization_id,
        team_lead_id=lead_user.id, state=state, title="方案", technical_approach="路线",
        requested_fen=100, budget=[], members=list(members), declared_conflicts=declared,
        submitted_at=submitted or utcnow(), version_no=1,
        partners=[ProposalPartner(position=n, organization_name=o.name, organization_id=o.id)
                  for n, o in enumerate(partners)])
    db.session.add(proposal)
    db.session.flush()
    return proposal


def expert(make, name, org=None, affiliations="", relations="", works=()):
    user = make.user(Role.REVIEWER, name=name, org=org)
    db.session.add(ExpertProfile(
        user_id=user.id, name=name, organization_id=user.organization_id,
        organization_name=user.org_name, fields="熔喷", keywords="熔喷,驻极",
        affiliations=affiliations, relations=relations,
        works=[ExpertWork(kind=kind, title=title, year=year, authors=authors, position=n)
               for n, (kind, title, year, authors) in enumerate(works)]))
    db.session.flush()
    return user


@pytest.fixture
def world(make, people):
    """A 榜 under review with one bid: lead 揭榜大学 (team lead 王揭榜), partner 合作研究所,
    members 李成员 (of 成员所在公司) and Wang Wu; the team asks for 赵专家 to be kept off."""
    admin = people["admin"]
    issuer = make.user(Role.ENTERPRISE, org=make.org("发榜公司"), name="发榜人甲")
    board = make.challenge(issuer, ChallengeState.REVIEWING, admin=admin, title="熔喷布过滤效率",
                           field="新材料", summary="熔喷非织造布驻极。")
    lead = make.user(Role.SOLVER, org=make.org("揭榜大学"), name="王揭榜")
    partner = make.org("合作研究所")
    make.org("成员所在公司")
    bid(make, board, lead, partners=[partner],
        members=[{"name": "王揭榜", "title": "教授", "role": "负责人"},
                 {"name": "李成员", "title": "工程师", "role": "测试", "organization": "成员所在公司"},
                 {"name": "Wang Wu", "title": "", "role": "仿真"}],
        declared="赵专家：曾与我单位有经济纠纷")
    db.session.commit()
    return {"admin": admin, "board": board, "issuer": issuer, "lead": lead, "partner": partner}


def org_named(name):
    from challenge.models import Organization
    return db.session.scalar(select(Organization).where(Organization.name == name))


def old_board(make, w, title, issuer=None, state=ChallengeState.REVIEWING, solver=None):
    return make.challenge(issuer or make.user(Role.ENTERPRISE), state, admin=w["admin"],
                          solver=solver, title=title, field="新材料", summary="旧榜。")


# -- one case per kind: (kind, how the reviewer is made, the evidence sentence) ---------------

def _issuer(make, w):
    return expert(make, "发榜方专家", org=org_named("发榜公司"))


def _bidder(make, w):
    return expert(make, "合作方专家", org=w["partner"])


def _member(make, w):
    return expert(make, "李 成员", org=org_named("成员所在公司"))  # the member, an expert too


def _member_org(make, w):
    return expert(make, "成员单位专家", org=org_named("成员所在公司"))


def _history(make, w):
    return expert(make, "跳槽专家", affiliations=f"{YEAR - 3}–{LAST} 揭榜大学\n2001-2005 发榜公司")


def _consortium(make, w):
    mine = make.org("老伙伴公司")
    reviewer = expert(make, "联合体专家", org=mine)
    old = old_board(make, w, "旧榜联合体")
    bid(make, old, make.user(Role.SOLVER, org=mine), partners=[org_named("揭榜大学")],
        submitted=utcnow() - timedelta(days=400))
    return reviewer


def _team(make, w):
    reviewer = expert(make, "老队友专家")
    old = old_board(make, w, "旧榜同队")
    bid(make, old, reviewer, members=[{"name": "李 成员", "title": "", "role": "",
                                       "organization": "成员所在公司"}],
        submitted=utcnow() - timedelta(days=400))
    return reviewer


def _contract(make, w):
    mine = make.org("甲方公司")
    reviewer = expert(make, "甲方专家", org=mine)
    old_board(make, w, "旧榜签约", issuer=make.user(Role.ENTERPRISE, org=mine),
              state=ChallengeState.CONTRACTED, solver=make.user(Role.SOLVER, org=org_named("揭榜大学")))
    return reviewer


def _panel(make, w):
    reviewer = expert(make, "同组专家")
    namesake = expert(make, "李成员", org=org_named("成员所在公司"))  # the member also reviews
    old = old_board(make, w, "旧榜评审")
    for person in (reviewer, namesake):
        db.session.add(ReviewAssignment(challenge_id=old.id, reviewer_id=person.id,
                                        assigned_by_id=w["admin"].id))
    db.session.flush()
    return reviewer


def _coauthor(make, w):
    return expert(make, "合著专家", works=[(WorkKind.PAPER, "驻极体稳定性研究", LAST, "合著专家, 李　成员")])


def _patent(make, w):
    return expert(make, "专利专家", works=[(WorkKind.PATENT, "一种熔喷模头", YEAR, "WU  wang; 专利专家")])


def _declared_by_team(make, w):
    return expert(make, "赵专家")


def _relative(make, w):
    return expert(make, "导师专家", relations="李成员：学生\n某人：表亲")


def _declined(make, w):
    reviewer = expert(make, "自请回避专家")
    db.session.add(ReviewAssignment(challenge_id=w["board"].id, reviewer_id=reviewer.id,
                                    assigned_by_id=w["admin"].id, state=PanelSeatState.DECLINED,
                                    declined_at=utcnow(), conflict_note="曾指导该团队"))
    db.session.flush()
    return reviewer


CASES = [
    ("issuer", _issuer, "与发榜单位相同"),
    ("bidder", _bidder, "与揭榜单位（合作研究所）相同"),
    ("member", _member, "本人列于揭榜团队名单（成员所在公司）"),
    ("member_org", _member_org, "与揭榜团队成员李成员同属成员所在公司"),
    ("history", _history, f"{YEAR - 3}–{LAST} 年任职于揭榜方单位（揭榜大学）"),
    ("consortium", _consortium, f"{BEFORE} 年与揭榜方单位揭榜大学组成联合体揭榜「旧榜联合体」"),
    ("team", _team, f"{BEFORE} 年与揭榜团队成员李成员共同揭榜「旧榜同队」"),
    ("contract", _contract, f"{YEAR} 年甲方公司与揭榜大学签订合同「旧榜签约」"),
    ("panel", _panel, f"{YEAR} 年与揭榜团队成员李成员同在「旧榜评审」评审组"),
    ("coauthor", _coauthor, f"{LAST} 年与揭榜团队成员李成员合著《驻极体稳定性研究》"),
    ("coauthor", _patent, f"{YEAR} 年与揭榜团队成员Wang Wu共同申请专利《一种熔喷模头》"),
    ("declared_by_team", _declared_by_team, "揭榜方（揭榜大学）申请其回避：曾与我单位有经济纠纷"),
    ("relative", _relative, "本人声明与揭榜团队成员李成员的关系：学生"),
    ("declined", _declined, "已声明回避：曾指导该团队"),
]


@pytest.mark.parametrize("kind, build, evidence", CASES, ids=[c[1].__name__.strip("_") for c in CASES])
def test_each_relationship_is_a_conflict_with_its_evidence(make, world, kind, build, evidence):
    reviewer = build(make, world)
    db.session.commit()
    found = find_conflicts(world["board"], [reviewer])[reviewer.id]
    assert any(c.kind == kind and c.evidence.startswith(evidence) for c in found), found
    # the old dict API carries the same sentence
    assert evidence in panels.conflicts_for(world["board"], [reviewer])[reviewer.id]


def test_a_reviewer_without_relationships_is_free(make, world):
    clean = expert(make, "无关专家", affiliations="2001–2005 揭榜大学", relations="张三：表弟",
                   works=[(WorkKind.PAPER, "无关论文", LAST, "无关专家, 陌生人")])
    # namesakes of 李成员 at other organisations: on a past panel, and on a past team with them
    namesake = expert(make, "李成员")
    old = old_board(make, world, "旧榜同名")
    for person in (clean, namesake):
        db.session.add(ReviewAssignment(challenge_id=old.id, reviewer_id=person.id,
                                        assigned_by_id=world["admin"].id))
    bid(make, old_board(make, world, "旧榜同名队"), clean,
        members=[{"name": "李成员", "title": "", "role": ""}])
    db.session.commit()
    assert find_conflicts(world["board"], [clean]) == {}
    assert panels.conflicts_for(world["board"], [clean]) == {}


def test_look_back_years_are_configurable(app, make, world, monkeypatch):
    reviewer = expert(make, "旧同事", affiliations=f"{YEAR - 5}–{YEAR - 2} 揭榜大学",
                      works=[(WorkKind.PAPER, "旧论文", YEAR - 2, "李成员")])
    db.session.commit()
    assert {c.kind for c in find_conflicts(world["board"], [reviewer])[reviewer.id]} == {
        "history", "coauthor"}
    monkeypatch.setitem(app.config, "REVIEW_CONFLICT_YEARS", 1)
    assert find_conflicts(world["board"], [reviewer]) == {}


def test_a_work_without_a_year_still_counts_and_says_no_year(make, world):
    reviewer = expert(make, "无年份专家", works=[(WorkKind.PAPER, "未注年份", None, "李成员")])
    db.session.commit()
    found = find_conflicts(world["board"], [reviewer])[reviewer.id]
    assert [c.evidence for c in found] == ["与揭榜团队成员李成员合著《未注年份》"]


def _checks(board):
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "challenge", AuditEvent.object_id == board.id,
        AuditEvent.action == "conflict_check").order_by(AuditEvent.id)))


def test_seat_reviewer_refuses_with_the_evidence_and_audits_the_check(make, world):
    board, admin = world["board"], world["admin"]
    conflicted = _relative(make, world)
    clean = expert(make, "清白专家")
    db.session.commit()
    with pytest.raises(Refused, match="本人声明与揭榜团队成员李成员的关系：学生"):
        panels.seat_reviewer(board, conflicted, admin)
    db.session.rollback()
    assert panels.record_refused_checks() == 1
    panels.seat_reviewer(board, clean, admin)
    db.session.commit()
    refused, seated = _checks(board)
    assert refused.changes["reviewer"] == [None, conflicted.id]
    assert refused.changes["conflicts"] == [None, ["本人声明与揭榜团队成员李成员的关系：学生"]]
    assert refused.changes["outcome"] == [None, "refused"]
    assert seated.changes["reviewer"] == [None, clean.id]
    assert seated.changes["conflicts"] == [None, []]
    assert seated.changes["outcome"] == [None, "seated"]
    assert seated.changes["years"] == [None, 3]
    assert panels.record_refused_checks() == 0  # written once


def test_the_panel_page_shows_evidence_and_the_server_refuses_a_forged_seat(client, auth, make,
                                                                            world):
    board = world["board"]
    conflicted = _coauthor(make, world)
    db.session.commit()
    auth.login(world["admin"])
    page = client.get(f"/admin/panels/{board.id}").get_data(as_text=True)
    listed = page.split('data-testid="conflicts"')[1].split("</details>")[0]
    assert "合著专家" in listed
    assert f"{LAST} 年与揭榜团队成员李成员合著《驻极体稳定性研究》" in listed
    response = client.post(f"/admin/panels/{board.id}", data={"reviewer": conflicted.id},
                           follow_redirects=True)
    assert "须回避" in response.get_data(as_text=True)
    assert not db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.challenge_id == board.id, ReviewAssignment.reviewer_id == conflicted.id))
    [check] = _checks(board)
    assert check.changes["outcome"] == [None, "refused"]
    assert check.actor_id == world["admin"].id
    trail = client.get(f"/admin/audit/?type=challenge&id={board.id}&action=conflict_check")
    text = trail.get_data(as_text=True)
    assert "回避审查" in text and "回避事由" in text
    assert f"{LAST} 年与揭榜团队成员李成员合著《驻极体稳定性研究》" in text


def test_the_optimiser_never_proposes_a_related_reviewer(make, world):
    board = world["board"]
    board.reviewers_required = 2
    related = [_coauthor(make, world), _relative(make, world), _team(make, world)]
    free = [expert(make, f"自由专家{n}") for n in range(2)]
    db.session.commit()
    plans, result = panels.propose_panels([board])
    [plan] = plans
    by_id = {c.reviewer.id: c for c in plan.candidates}
    for person in related:
        assert person.id not in plan.proposed
        assert by_id[person.id].conflicts and by_id[person.id].conflict
    assert sorted(plan.proposed) == sorted(p.id for p in free)
    assert not any(board.id == need and r in {p.id for p in related} for need, r in result.pairs)


# -- where the relationships come from: the profile, the import, the bid form ------------------

def test_the_profile_declares_history_relations_and_co_authors(client, auth, make, world):
    reviewer = make.user(Role.REVIEWER, name="档案专家")
    db.session.commit()
    auth.login(reviewer)
    page = client.get("/me/profile").get_data(as_text=True)
    assert 'name="affiliations"' in page and 'name="relations"' in page
    assert 'name="works-0-authors"' in page
    data = {"name": "档案专家", "title": "研究员", "fields": "熔喷", "keywords": "驻极",
            "bio": "", "affiliations": "去年在揭榜大学\n2020–2021 某所", "relations": "李成员：学生",
            "works-0-kind": "paper", "works-0-title": "驻极机理", "works-0-abstract": "",
            "works-0-year": str(LAST), "works-0-authors": "李成员, 档案专家"}
    html = client.post("/me/profile", data=data).get_data(as_text=True)
    assert "第 1 行无法识别" in html and "去年在揭榜大学" in html  # next to the field, kept
    assert db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == reviewer.id)) is None
    data["affiliations"] = f"{LAST}– 揭榜大学\n2020–2021 某所"
    assert client.post("/me/profile", data=data).status_code == 302
    profile = db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == reviewer.id))
    assert profile.works[0].authors == "李成员, 档案专家"
    page = client.get("/me/profile").get_data(as_text=True)
    assert f"{LAST}– 揭榜大学" in page and 'value="李成员, 档案专家"' in page
    found = find_conflicts(world["board"], [reviewer])[reviewer.id]
    assert [c.evidence for c in found] == [
        f"{LAST} 年至今任职于揭榜方单位（揭榜大学）",
        f"{LAST} 年与揭榜团队成员李成员合著《驻极机理》",
        "本人声明与揭榜团队成员李成员的关系：学生",
    ]
    edit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "expert_profile", AuditEvent.object_id == profile.id))
    assert edit.changes["relations"][1] == "李成员：学生"


def test_the_importer_reads_co_authors_and_the_export_writes_them(app, people):
    from challenge.experts import importing
    from challenge.experts import operations as expert_ops
    content = importing.write_csv(importing.template_rows())
    report = expert_ops.check_upload("experts.csv", content)
    assert report.problems == []
    assert [w.authors for w in report.valid[0].works] == ["张伟, 李明", ""]
    expert_ops.import_experts(people["admin"], report)
    db.session.commit()
    profile = db.session.scalar(select(ExpertProfile).where(ExpertProfile.source == "import"))
    assert [w.authors for w in profile.works] == ["张伟, 李明", ""]
    [row] = expert_ops.export_rows([profile])
    assert "|2023|张伟, 李明\n" in row[9]
    bad = content.replace("张伟, 李明".encode(), ("甲" * 1001).encode())
    assert any("合作者不能超过 1000 字" in p.message
               for p in expert_ops.check_upload("experts.csv", bad).problems)


def test_the_bid_form_declares_experts_to_keep_off_and_members_organisations(client, auth, make,
                                                                             people):
    from challenge.models import Organization
    from tests import factories
    from tests.test_bidding import bid_form, open_board
    board = open_board(make, people)
    make.org("外单位研究所")
    db.session.commit()
    auth.login(people["solver"])
    form = bid_form(board, submit=None, **{
        "members-1-name": "钱成员", "members-1-title": "", "members-1-role": "测试",
        "members-1-organization": "外单位研究所",
        "declared_conflicts": "赵专家：曾与我单位有经济纠纷\n" + "长" * 51})
    html = client.post(f"/challenges/{board.id}/bid", data=form).get_data(as_text=True)
    assert "姓名不超过 50 字" in html and "曾与我单位有经济纠纷" in html  # shown, kept
    form["declared_conflicts"] = "赵专家：曾与我单位有经济纠纷"
    assert client.post(f"/challenges/{board.id}/bid", data=form).status_code == 302
    proposal = db.session.scalar(select(Proposal).where(Proposal.challenge_id == board.id))
    assert proposal.declared_conflicts == "赵专家：曾与我单位有经济纠纷"
    assert proposal.members[1] == {"name": "钱成员", "title": "", "role": "测试",
                                   "organization": "外单位研究所"}
    assert "曾与我单位有经济纠纷" in client.get(f"/proposals/{proposal.id}/edit").get_data(
        as_text=True)
    auth.logout()
    seated = expert(make, "在座专家")
    factories.to_review(board, [proposal], people["admin"], seated)
    db.session.commit()
    named = expert(make, "赵专家")
    colleague = expert(make, "外所专家", org=db.session.scalar(
        select(Organization).where(Organization.name == "外单位研究所")))
    found = find_conflicts(board, [named, colleague, seated])
    lead = people["solver"].org_name
    assert [c.evidence for c in found[named.id]] == [f"揭榜方（{lead}）申请其回避：曾与我单位有经济纠纷"]
    assert [c.evidence for c in found[colleague.id]] == ["与揭榜团队成员钱成员同属外单位研究所"]
    assert seated.id not in found
    # the reviewer on the panel does not read the team's declaration
    auth.login(seated)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "曾与我单位有经济纠纷" not in page


def test_the_check_costs_the_same_queries_for_two_candidates_or_twelve(make, world):
    """The matcher hands over 50 candidates a time: no query per reviewer."""
    from sqlalchemy import event
    reviewers = [_coauthor(make, world), _relative(make, world)]
    more = reviewers + [expert(make, f"候选{n}", affiliations=f"{LAST}– 某所{n}",
                               works=[(WorkKind.PAPER, f"论文{n}", LAST, "某人")])
                        for n in range(10)]
    db.session.commit()

    def queries(people) -> int:
        db.session.expire_all()
        people = [db.session.get(type(p), p.id) for p in people]
        assert all(p.org_name for p in people)  # loaded with the candidates, as the matcher does
        seen = []

        def listener(*args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            find_conflicts(world["board"], people)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert queries(more) == queries(reviewers)
