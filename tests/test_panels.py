"""评榜 panels: batch assignment by expertise within conflicts, seats and load; manual seats;
回避 and replacement. Every seat is checked on the server and audited."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import AuditEvent, ExpertProfile, Notification, Proposal, ReviewAssignment
from challenge.states import ChallengeState, Confidentiality, OrgType, PanelSeatState, Role
from challenge.timeutil import utcnow
from challenge.workflow import perform
from tests.test_bidding import bid_form, open_board


def reviewer(make, name, keywords, org=None):
    user = make.user(Role.REVIEWER, name=name, org=org)
    db.session.add(ExpertProfile(user_id=user.id, name=name, organization_id=user.organization_id,
                                 organization_name=user.org_name, fields=keywords,
                                 keywords=keywords))
    db.session.commit()
    return user


@pytest.fixture
def board(make, people):
    """Two 榜 under review and five reviewers, one of them from the first issuer."""
    admin = people["admin"]
    meltblown = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=admin,
                               title="熔喷布过滤效率提升", field="新材料",
                               summary="熔喷非织造布过滤效率与驻极稳定性。")
    bearing = make.challenge(people["other_enterprise"], ChallengeState.REVIEWING, admin=admin,
                             title="高端轴承钢纯净度控制", field="冶金",
                             summary="轴承钢氧化物夹杂控制与真空脱气。")
    crew = {
        "melt1": reviewer(make, "熔喷专家甲", "熔喷,驻极,过滤效率,非织造"),
        "melt2": reviewer(make, "熔喷专家乙", "熔喷材料,过滤,驻极体"),
        "steel1": reviewer(make, "冶金专家甲", "轴承钢,夹杂物,真空脱气"),
        "steel2": reviewer(make, "冶金专家乙", "特殊钢,纯净度,轴承钢"),
        "insider": reviewer(make, "发榜企业的专家", "熔喷,过滤效率,驻极",
                            org=people["issuer"].organization),
    }
    return meltblown, bearing, crew


def picked(html: str) -> list[str]:
    """Names the proposal pre-selects in its seat drop-downs."""
    return [name.split("（")[0] for name in re.findall(r'<option value="\d+" selected>([^<]+)<', html)]


def seats(challenge):
    return set(db.session.scalars(select(ReviewAssignment.reviewer_id).where(
        ReviewAssignment.challenge_id == challenge.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED)))


def test_batch_proposal_ranks_by_expertise_and_excludes_conflicts(client, auth, people, board):
    meltblown, bearing, crew = board
    for c in (meltblown, bearing):
        c.reviewers_required = 2
    db.session.commit()
    auth.login(people["admin"])
    html = client.post("/admin/panels/propose",
                       data={"challenge": [meltblown.id, bearing.id]}).get_data(as_text=True)
    plan = html.split(f'data-testid="plan-{meltblown.id}"')[1].split('data-testid="plan-')[0]
    assert "发榜企业的专家（与发榜单位相同）" in plan  # excluded and shown as such
    assert sorted(picked(plan)) == ["熔喷专家乙", "熔喷专家甲"]
    bearing_plan = html.split(f'data-testid="plan-{bearing.id}"')[1]
    assert sorted(picked(bearing_plan)) == ["冶金专家乙", "冶金专家甲"]
    assert 'data-testid="problems"' not in html

    form = {"challenge": [meltblown.id, bearing.id],
            f"seat-{meltblown.id}": [crew["melt1"].id, crew["melt2"].id],
            f"seat-{bearing.id}": [crew["steel1"].id, crew["steel2"].id]}
    response = client.post("/admin/panels/confirm", data=form)
    assert response.status_code == 302
    assert seats(meltblown) == {crew["melt1"].id, crew["melt2"].id}
    assert seats(bearing) == {crew["steel1"].id, crew["steel2"].id}
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "assign")) == 4
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == crew["melt1"].id, Notification.message.contains("评审"))) == 1


def test_shortfall_is_named_by_title(client, auth, people, board):
    meltblown, _, crew = board
    meltblown.reviewers_required = 3  # only two eligible people know 熔喷 and the insider must not
    db.session.commit()
    auth.login(people["admin"])
    html = client.post("/admin/panels/propose", data={"challenge": [meltblown.id]}).get_data(
        as_text=True)
    problems = html.split('data-testid="problems"')[1].split("</div>")[0]
    assert "「熔喷布过滤效率提升」只有" in problems and "因利益冲突回避" in problems


def test_shortfall_reads_in_english_with_the_english_title(client, auth, people, board):
    meltblown, _, crew = board
    meltblown.reviewers_required = 3
    meltblown.title_en = "Melt-blown filtration efficiency"
    db.session.commit()
    auth.login(people["admin"])
    html = client.post("/admin/panels/propose?lang=en", data={"challenge": [meltblown.id]}
                       ).get_data(as_text=True)
    problems = html.split('data-testid="problems"')[1].split("</div>")[0]
    assert ("“Melt-blown filtration efficiency” has only 2 reviewers free of conflicts; 3 are "
            "needed (1 more are recused for conflicts of interest)") in problems
    assert "so at most 2 review seats can be filled of the 3 needed" in problems
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in problems)


def test_load_limit_is_respected_across_panels(app, client, auth, people, board, make):
    meltblown, bearing, crew = board
    app.config["REVIEWER_MAX_LOAD"] = 1
    try:
        third = make.challenge(people["other_enterprise"], ChallengeState.REVIEWING,
                               admin=people["admin"], title="熔喷驻极母粒", field="新材料",
                               summary="熔喷驻极母粒国产化。")
        for c in (meltblown, third):
            c.reviewers_required = 1
        db.session.commit()
        auth.login(people["admin"])
        client.post("/admin/panels/propose", data={"challenge": [meltblown.id, third.id]})
        form = {"challenge": [meltblown.id, third.id], f"seat-{meltblown.id}": [crew["melt1"].id],
                f"seat-{third.id}": [crew["melt1"].id]}
        html = client.post("/admin/panels/confirm", data=form).get_data(as_text=True)
        assert "达到上限" in html
        assert seats(meltblown) == set() and seats(third) == set()  # all or nothing
    finally:
        app.config["REVIEWER_MAX_LOAD"] = 5


def test_forged_pick_of_a_conflicted_reviewer_is_refused(client, auth, people, board):
    meltblown, _, crew = board
    auth.login(people["admin"])
    html = client.post("/admin/panels/confirm", data={
        "challenge": [meltblown.id],
        f"seat-{meltblown.id}": [crew["melt1"].id, crew["insider"].id]}).get_data(as_text=True)
    assert "须回避" in html and "与发榜单位相同" in html
    assert seats(meltblown) == set()


def shown_scores(html: str) -> dict[str, int]:
    """What the proposal page shows each candidate's match as: 名字（单位，NN 分，负荷 N）."""
    return {name: int(score) for name, score in re.findall(r">([^<（]+)（[^，<]*，(\d+) 分，负荷", html)}


def test_a_posted_match_score_is_ignored(client, auth, people, board):
    """The seat records the score the server computes (the one the page shows), not a number
    a form sends: the confirm form and the manual seat form both carry a forged one."""
    meltblown, _, crew = board
    meltblown.reviewers_required = 2
    db.session.commit()
    auth.login(people["admin"])
    html = client.post("/admin/panels/propose", data={"challenge": [meltblown.id]}).get_data(
        as_text=True)
    shown = shown_scores(html)
    assert 0 < shown["熔喷专家甲"] < 99 and 0 < shown["熔喷专家乙"] < 99
    assert f'name="score-{meltblown.id}-' not in html  # the page no longer carries a score
    client.post("/admin/panels/confirm", data={
        "challenge": [meltblown.id], f"seat-{meltblown.id}": [crew["melt1"].id],
        f"score-{meltblown.id}-{crew['melt1'].id}": "99"})
    client.post(f"/admin/panels/{meltblown.id}", data={"reviewer": crew["melt2"].id, "score": "99"})
    recorded = dict(db.session.execute(select(ReviewAssignment.reviewer_id, ReviewAssignment.match_score)
                                       .where(ReviewAssignment.challenge_id == meltblown.id)).all())
    assert recorded == {crew["melt1"].id: shown["熔喷专家甲"], crew["melt2"].id: shown["熔喷专家乙"]}


def test_manual_seat_rules(client, auth, people, board, make):
    meltblown, _, crew = board
    meltblown.reviewers_required = 1
    db.session.commit()
    auth.login(people["admin"])
    page = client.post(f"/admin/panels/{meltblown.id}", data={"reviewer": crew["insider"].id},
                       follow_redirects=True).get_data(as_text=True)
    assert "须回避" in page
    client.post(f"/admin/panels/{meltblown.id}", data={"reviewer": crew["melt1"].id})
    page = client.post(f"/admin/panels/{meltblown.id}", data={"reviewer": crew["melt2"].id},
                       follow_redirects=True).get_data(as_text=True)
    assert "评审组已满" in page
    page = client.post(f"/admin/panels/{meltblown.id}", data={"size": "0"},
                       follow_redirects=True).get_data(as_text=True)
    assert "应在 1 到 15 之间" in page
    assert seats(meltblown) == {crew["melt1"].id}
    solver = people["solver"]
    page = client.post(f"/admin/panels/{meltblown.id}", data={"reviewer": solver.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "不是在册的评审专家" in page


def test_reviewer_declines_and_is_replaced(client, auth, people, board):
    meltblown, _, crew = board
    meltblown.reviewers_required = 1
    db.session.commit()
    auth.login(people["admin"])
    client.post(f"/admin/panels/{meltblown.id}", data={"reviewer": crew["melt1"].id})
    auth.logout()

    auth.login(crew["melt1"])
    seat = db.session.scalars(select(ReviewAssignment)).one()
    home = client.get("/me/").get_data(as_text=True)
    assert "熔喷布过滤效率提升" in home and "声明回避" in home
    assert "请填写理由" in client.post(f"/reviews/seats/{seat.id}/decline",
                                    data={"reason": ""}).get_data(as_text=True)
    client.post(f"/reviews/seats/{seat.id}/decline", data={"reason": "与发榜企业有合作项目"})
    db.session.expire_all()
    assert db.session.get(ReviewAssignment, seat.id).state is PanelSeatState.DECLINED
    auth.logout()

    auth.login(crew["melt2"])
    assert client.post(f"/reviews/seats/{seat.id}/decline",
                       data={"reason": "冒名"}).status_code == 403
    auth.logout()

    auth.login(people["admin"])
    html = client.post("/admin/panels/propose", data={"challenge": [meltblown.id]}).get_data(
        as_text=True)
    assert "已声明回避：与发榜企业有合作项目" in html
    assert picked(html) == ["熔喷专家乙"]


def test_panel_member_reads_the_confidential_body_and_it_is_logged(client, auth, people, make):
    admin = people["admin"]
    secret = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=admin,
                            confidentiality=Confidentiality.DIRECTED, detail="保密细节 RF-9")
    expert = reviewer(make, "评审甲", "熔喷", org=make.org(type=OrgType.INSTITUTE))
    auth.login(expert)
    assert client.get(f"/challenges/{secret.id}").status_code == 404
    auth.logout()
    auth.login(admin)
    client.post(f"/admin/panels/{secret.id}", data={"reviewer": expert.id})
    auth.logout()
    auth.login(expert)
    response = client.get(f"/challenges/{secret.id}/body")  # the 评审承诺书 comes first
    assert response.headers["Location"] == f"/reviews/panels/{secret.id}/pledge"
    client.post(f"/reviews/panels/{secret.id}/pledge", data={"agree": "yes"})
    assert "RF-9" in client.get(f"/challenges/{secret.id}/body").get_data(as_text=True)


def test_bidders_people_never_sit_on_the_panel_and_the_panel_reads_qualified_bids(
        client, auth, people, make):
    board = open_board(make, people)
    partner_org = make.org(name="示范市先进材料研究院", type=OrgType.INSTITUTE)
    from_partner = reviewer(make, "合作单位的专家", "熔喷,驻极,过滤效率", org=partner_org)
    from_lead = reviewer(make, "揭榜单位的专家", "熔喷,驻极,过滤效率",
                         org=people["solver"].organization)
    outsider = reviewer(make, "独立专家", "熔喷,驻极,过滤效率")
    auth.login(people["solver"])
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    auth.logout()
    bid = db.session.scalars(select(Proposal)).one()
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    db.session.commit()

    auth.login(people["admin"])
    for expert, org_name in ((from_partner, "示范市先进材料研究院"),
                             (from_lead, people["solver"].org_name)):
        page = client.post(f"/admin/panels/{board.id}", data={"reviewer": expert.id},
                           follow_redirects=True).get_data(as_text=True)
        assert f"与揭榜单位（{org_name}）相同" in page
    client.post(f"/admin/panels/{board.id}", data={"reviewer": outsider.id})
    assert seats(board) == {outsider.id}
    auth.logout()

    auth.login(outsider)
    assert client.get(f"/proposals/{bid.id}").status_code == 403  # not yet qualified
    auth.logout()
    auth.login(people["admin"])
    client.post(f"/proposals/{bid.id}/eligibility", data={"decision": "qualify"})
    auth.logout()
    auth.login(outsider)
    response = client.get(f"/proposals/{bid.id}")  # the 评审承诺书 comes first
    assert response.headers["Location"] == f"/reviews/panels/{board.id}/pledge?next={bid.id}"
    client.post(f"/reviews/panels/{board.id}/pledge", data={"agree": "yes"})
    assert client.get(f"/proposals/{bid.id}").status_code == 200


def test_panel_list_pages_and_counts_seats_per_board(client, auth, make, people, monkeypatch):
    from challenge.reviewing import views

    monkeypatch.setattr(views, "PANELS_PER_PAGE", 1)
    first = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"],
                           title="第一个评审中的榜")
    second = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"],
                            title="第二个评审中的榜")
    for state in (PanelSeatState.ASSIGNED, PanelSeatState.DECLINED):  # a declined seat is not counted
        db.session.add(ReviewAssignment(
            challenge_id=second.id, reviewer_id=make.user(Role.REVIEWER).id, state=state,
            assigned_by_id=people["admin"].id,
            declined_at=utcnow() if state is PanelSeatState.DECLINED else None))
    db.session.commit()
    auth.login(people["admin"])
    pages = [client.get(f"/admin/panels?page={n}").get_data(as_text=True) for n in (1, 2)]
    assert "共 2 个评审中的榜，本页 1 个" in pages[0]
    assert first.title in pages[0] and second.title not in pages[0]
    row = pages[1].split(f'data-testid="panel-{second.id}"')[1].split("</tr>")[0]
    assert f"1 / {second.reviewers_required}" in row
