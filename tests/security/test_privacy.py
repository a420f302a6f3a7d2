"""Issue 11 item 7, privacy: the enterprise never learns who reviews its 榜 (查阅记录, 推荐专家),
and a reviewer's access to the confidential body and to the bids ends with the panel's work
(the decision opens 公示)."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import AccessLog, ExpertProfile, Proposal
from challenge.reviewing import operations as panels
from challenge.states import ChallengeState, Confidentiality, OrgType, ProposalState, Role
from challenge.timeutil import utcnow
from challenge.workflow import perform
from tests.factories import pledge
from tests.test_bidding import PDF, bid_form

from .wire import Wire

CS, PS = ChallengeState, ProposalState
SECRET = "秘密：驻极电压 28kV，产线型号 RF-9。"


@pytest.fixture
def panel(client, auth, make, people):
    """A 脱敏 榜 under review: one qualified bid with an attachment, one seated reviewer."""
    board = make.challenge(people["issuer"], CS.OPEN, admin=people["admin"],
                           confidentiality=Confidentiality.DESENSITIZED, detail=SECRET,
                           title="医用熔喷布过滤效率提升", field="新材料", industry_tags="医用防护,非织造",
                           summary="提升熔喷非织造布的过滤效率，降低呼吸阻力，改善驻极稳定性。",
                           bounty_fen=300_000_000, indicators=[
                               {"name": "过滤效率", "target": "≥99.97", "unit": "%", "method": "NaCl"},
                               {"name": "呼吸阻力", "target": "≤80", "unit": "Pa", "method": "85L/min"}])
    solver = people["solver"]
    grant = perform_grant(board, solver, people)
    assert grant
    auth.login(solver)
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    bid = db.session.scalars(select(Proposal)).one()
    client.post(f"/proposals/{bid.id}/attachments", data={"file": (io.BytesIO(PDF), "方案.pdf")},
                content_type="multipart/form-data")
    auth.logout()
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    perform(bid, "qualify", people["admin"])
    reviewer = make.user(Role.REVIEWER, org=make.org(name="北方评审研究院", type=OrgType.INSTITUTE),
                         name="评审人甲")
    pledge(board, panels.seat_reviewer(board, reviewer, people["admin"]))
    db.session.commit()
    [attachment] = bid.attachments
    return board, bid, attachment, reviewer


def perform_grant(board, solver, people):
    from challenge.posting import operations as ops

    grant = ops.request_access(board, solver, "研究需要")
    perform(grant, "grant", people["issuer"])
    ops.accept_undertaking(grant, solver)
    db.session.commit()
    return grant


def reviewer_reads(wire: Wire, board, bid, attachment) -> dict[str, int]:
    return {"body": wire.get(f"/challenges/{board.id}/body").status,
            "bid": wire.get(f"/proposals/{bid.id}").status,
            "attachment": wire.get(f"/proposals/{bid.id}/attachments/{attachment.id}").status}


def test_access_log_shows_a_reviewer_as_expert_without_name_or_organisation(live_server, panel,
                                                                            people):
    board, bid, attachment, reviewer = panel
    wire = Wire(live_server)
    wire.login(reviewer.email)
    assert reviewer_reads(wire, board, bid, attachment)["body"] == 200  # logged
    assert db.session.scalars(select(AccessLog).where(AccessLog.user_id == reviewer.id)).all()

    issuer = Wire(live_server)
    issuer.login(people["issuer"].email)
    page = issuer.get(f"/challenges/{board.id}/access").text
    log = page.split('data-testid="access-log"')[1].split("</table>")[0]
    assert "评审专家" in log
    assert reviewer.name not in page and "北方评审研究院" not in page
    assert "127.0.0.1" not in log  # the address would tell as much as the name

    admin = Wire(live_server)
    admin.login(people["admin"].email)
    assert reviewer.name in admin.get(f"/challenges/{board.id}/access").text  # the bureau knows


def test_recommended_experts_page_lists_no_reviewer_to_the_issuer(live_server, panel, people):
    board, _bid, _attachment, reviewer = panel
    for user in (reviewer, people["solver"]):  # the same expertise: both are good matches
        db.session.add(ExpertProfile(user_id=user.id, name=user.name, fields="非织造材料,过滤材料",
                                     keywords="熔喷,驻极,过滤效率", organization_name="某单位"))
    db.session.commit()
    issuer = Wire(live_server)
    issuer.login(people["issuer"].email)
    page = issuer.get(f"/challenges/{board.id}/experts").text
    assert people["solver"].name in page  # solvers to invite are still recommended
    assert reviewer.name not in page and "评审专家推荐" not in page
    admin = Wire(live_server)
    admin.login(people["admin"].email)
    assert reviewer.name in admin.get(f"/challenges/{board.id}/experts").text


def test_reviewer_access_ends_when_the_decision_opens_publicity(live_server, panel, people):
    """Replayed over HTTP: while the panel works the reviewer reads the body and the bid; once
    the bureau decides, the same requests are refused."""
    board, bid, attachment, reviewer = panel
    wire = Wire(live_server)
    wire.login(reviewer.email)
    assert reviewer_reads(wire, board, bid, attachment) == {"body": 200, "bid": 200,
                                                            "attachment": 200}
    perform(bid, "select", people["admin"], reason="唯一合格方案")
    perform(board, "decide", people["admin"], reason="评审结束")
    db.session.commit()
    assert reviewer_reads(wire, board, bid, attachment) == {"body": 403, "bid": 403,
                                                            "attachment": 403}
    assert SECRET not in wire.get(f"/challenges/{board.id}").text


# The reviewer's access, role × state: 200 only while the 榜 is under review.
TABLE = [
    (CS.REVIEWING, PS.QUALIFIED, 200),
    (CS.PUBLICITY, PS.SELECTED, 403),
    (CS.PUBLICITY, PS.NOT_SELECTED, 403),
    (CS.CONTRACTED, PS.SELECTED, 403),
    (CS.ACCEPTED, PS.SELECTED, 403),
    (CS.CLOSED, PS.SELECTED, 403),
    (CS.FAILED, PS.SELECTED, 403),
    (CS.UNCLAIMED, PS.QUALIFIED, 403),
    (CS.WITHDRAWN, PS.QUALIFIED, 403),
]


@pytest.mark.parametrize(("challenge_state", "proposal_state", "expected"), TABLE)
def test_reviewer_access_by_state(client, auth, panel, people, challenge_state, proposal_state,
                                  expected):
    board, bid, attachment, reviewer = panel
    board.state, bid.state = challenge_state, proposal_state  # fixture shortcut: the state only,
    board.contracted_at = board.accepted_at = board.ended_at = utcnow()  # with stamps that fit it
    board.publicity_ends_at = utcnow()
    db.session.commit()
    auth.login(reviewer)
    for url in (f"/challenges/{board.id}/body", f"/proposals/{bid.id}",
                f"/proposals/{bid.id}/attachments/{attachment.id}"):
        response = client.get(url)
        assert response.status_code == expected, url
        response.close()
    auth.logout()
    # The issuer and the bureau keep theirs; the bidder its own bid.
    for who in ("issuer", "admin", "solver"):
        auth.login(people[who])
        assert client.get(f"/proposals/{bid.id}").status_code == 200, who
        auth.logout()
