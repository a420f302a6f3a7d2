"""清廉评审, the reader's side: the 评审承诺书 a seated reviewer signs before any bid or a
confidential body opens, 盲评 (blind scoring: no bidding organisation or team name anywhere a
reviewer can reach until every review is in), and bids flagged when their texts name their own
organisation."""

import hashlib
import io
import re
from collections import deque
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import select

from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, Notification, OutboundEmail, Proposal, ReviewPledge
from challenge.reviewing import blind, scoring
from challenge.reviewing import operations as panels
from challenge.states import ChallengeState, Confidentiality, OrgType, Role
from challenge.workflow import perform
from tests.factories import pledge
from tests.test_bidding import PDF, bid_form, open_board
from tests.test_scoring import FULL, score_form

# -- the world: two bids whose organisations and people a blind reviewer must never read ------

LEAD_ORG, LEAD_REGION = "宁波微纳新材料科技有限公司", "浙江省宁波市"
PARTNER_ORG = "甬江先进材料研究院"
OTHER_ORG = "星河光电股份有限公司"
MEMBER_ORG = "东海理工大学"  # a team member's own organisation (the lead's when left blank)
PEOPLE = ("章明远", "柯静怡", "欧阳澜", "司马青")
ATTACHMENT = "宁波微纳章明远技术方案.pdf"
SECRETS = (LEAD_ORG, "微纳新材料", PARTNER_ORG, OTHER_ORG, "星河光电", MEMBER_ORG, *PEOPLE,
           ATTACHMENT)


def _bid(client, auth, board, solver, **overrides):
    auth.login(solver)
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board, **overrides))
    proposal = db.session.scalars(select(Proposal).where(
        Proposal.lead_org_id == solver.organization_id)).one()
    auth.logout()
    return proposal


@pytest.fixture
def world(client, auth, make, people):
    """An open 榜, two bids (one naming its own organisation and a member in its texts, with
    an identifying attachment name), the deadline passed, both qualified, two reviewers seated
    and pledged. Blind is left for each test to set."""
    board = open_board(make, people)
    lead = make.org(name=LEAD_ORG, region=LEAD_REGION, type=OrgType.ENTERPRISE)
    other = make.org(name=OTHER_ORG, type=OrgType.ENTERPRISE)
    first = make.user(Role.SOLVER, org=lead, name=PEOPLE[0])
    second = make.user(Role.SOLVER, org=other, name=PEOPLE[2])
    db.session.commit()
    named = _bid(client, auth, board, first, title="微纳新材料驻极熔喷方案",
                 technical_approach="依托微纳新材料十年熔喷积累，由柯静怡博士负责中试。",
                 **{"partners-0-organization": PARTNER_ORG, "members-0-name": PEOPLE[0],
                    "members-1-name": PEOPLE[1], "members-1-title": "博士",
                    "members-1-role": "中试", "members-1-organization": MEMBER_ORG})
    auth.login(first)
    client.post(f"/proposals/{named.id}/attachments", content_type="multipart/form-data",
                data={"file": (io.BytesIO(PDF), ATTACHMENT)})
    auth.logout()
    plain = _bid(client, auth, board, second, title="梯度结构过滤材料",
                 **{"partners-0-organization": None, "partners-0-role": None,
                    "members-0-name": PEOPLE[3]})
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    for bid in (named, plain):
        perform(bid, "qualify", people["admin"])
    board.reviewers_required = 2
    reviewers = [make.user(Role.REVIEWER, org=make.org(type=OrgType.UNIVERSITY), name=f"盲审专家{n}")
                 for n in range(2)]
    for reviewer in reviewers:
        pledge(board, panels.seat_reviewer(board, reviewer, people["admin"]))
    db.session.commit()
    return board, (named, plain), reviewers


def set_blind(client, auth, admin, board, on=True):
    auth.login(admin)
    response = client.post(f"/admin/panels/{board.id}", data={"blind": ["off", "on"] if on else ["off"]},
                           follow_redirects=True)
    auth.logout()
    return response


def crawl(client, starts=("/", "/reviews", "/me/notifications"), limit=250) -> dict[str, str]:
    """Every page reachable by GET from *starts* by following the site's own links (never
    signing out), as text: HTML bodies, and for a download its Content-Disposition and body."""
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        if response.status_code in (301, 302, 303):
            response.close()
            seen[path] = ""
            queue.append(response.headers["Location"])
            continue
        disposition = unquote(response.headers.get("Content-Disposition", ""))
        text = response.get_data(as_text=not disposition) if not disposition else (
            disposition + response.get_data().decode("utf-8", "replace"))
        seen[path] = text
        response.close()
        if "text/html" in response.headers.get("Content-Type", ""):
            for href in re.findall(r'href="([^"#]+)', text):
                href = href.replace("&amp;", "&")
                parts = urlsplit(href)
                if (parts.netloc or not href.startswith("/") or "/static/" in href
                        or href.startswith("/auth/logout")):
                    continue
                queue.append(href)
    return seen


def leaks(pages: dict[str, str], secrets=SECRETS) -> list[tuple[str, str]]:
    return [(path, secret) for path, text in pages.items() for secret in secrets if secret in text]


def mail_and_notices(user) -> str:
    notes = db.session.scalars(select(Notification.message).where(Notification.user_id == user.id))
    mails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.to_address == user.email))
    return "\n".join([*map(str, notes), *(f"{m.subject}\n{m.body}" for m in mails)])


# -- 盲评: the leak scan ----------------------------------------------------------------------

def test_a_blind_reviewer_reaches_no_organisation_or_team_name_until_every_review_is_in(
        client, auth, people, world):
    board, bids, (first, second) = world
    set_blind(client, auth, people["admin"], board)
    db.session.expire_all()
    assert board.blind_review

    auth.login(first)
    pages = crawl(client)
    # The crawl reaches what a reviewer reads: both bids, their score pages, the attachment.
    attachment = bids[0].attachments[0]
    for path in (f"/proposals/{bids[0].id}", f"/proposals/{bids[1].id}",
                 f"/reviews/proposals/{bids[0].id}",
                 f"/proposals/{bids[0].id}/attachments/{attachment.id}"):
        assert path in pages, path
    assert leaks(pages) == []
    # named 附件 1 (Attachment 1 once the crawl has followed the footer's English switch)
    download = pages[f"/proposals/{bids[0].id}/attachments/{attachment.id}"]
    assert "附件 1.pdf" in download or "Attachment 1.pdf" in download
    assert blind.MASK in pages[f"/proposals/{bids[0].id}"]  # its own words, masked
    # One reviewer has scored everything: the panel still owes reviews, nothing opens.
    for bid in bids:
        client.post(f"/reviews/proposals/{bid.id}", data=score_form(FULL))
    assert leaks(crawl(client)) == []
    assert leaks({"mail": mail_and_notices(first)}) == []
    auth.logout()

    auth.login(second)
    for bid in bids:
        client.post(f"/reviews/proposals/{bid.id}", data=score_form(FULL))
    auth.logout()
    assert scoring.panel_complete(board)
    auth.login(first)  # every review in: the panel's scores name the bidders again
    opened = client.get(f"/panels/{board.id}/scores").get_data(as_text=True)
    assert LEAD_ORG in opened and OTHER_ORG in opened


def test_without_blind_the_same_crawl_finds_the_names(client, auth, people, world):
    """The control: the crawler does reach the pages that would leak."""
    board, bids, (first, _second) = world
    auth.login(first)
    found = {secret for _path, secret in leaks(crawl(client))}
    assert {LEAD_ORG, PARTNER_ORG, OTHER_ORG, PEOPLE[0], PEOPLE[1], ATTACHMENT} <= found


def test_the_bureau_and_the_bidder_still_read_names_in_blind_mode(client, auth, people, world):
    board, bids, _reviewers = world
    set_blind(client, auth, people["admin"], board)
    auth.login(people["admin"])
    page = client.get(f"/proposals/{bids[0].id}").get_data(as_text=True)
    assert LEAD_ORG in page and PEOPLE[1] in page and ATTACHMENT in page
    auth.logout()
    auth.login(bids[0].team_lead)
    assert LEAD_ORG in client.get(f"/proposals/{bids[0].id}").get_data(as_text=True)


# -- 盲评: the switch --------------------------------------------------------------------------

def test_blind_is_set_by_the_bureau_before_any_review_and_audited(client, auth, people, world):
    board, bids, (first, _second) = world
    auth.login(first)
    assert client.post(f"/admin/panels/{board.id}", data={"blind": "on"}).status_code == 403
    auth.logout()
    assert "已设为盲评" in set_blind(client, auth, people["admin"], board).get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "challenge", AuditEvent.object_id == board.id,
        AuditEvent.action == "set_blind_review")).all()
    assert [e.changes for e in events] == [{"blind_review": [False, True]}]
    auth.login(first)
    client.post(f"/reviews/proposals/{bids[0].id}", data=score_form(FULL))
    auth.logout()
    page = set_blind(client, auth, people["admin"], board, on=False).get_data(as_text=True)
    assert "已有评审专家提交评分，不能再更改盲评设置" in page
    db.session.expire_all()
    assert board.blind_review


def test_blind_cannot_be_set_on_a_board_not_under_review(make, people):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    with pytest.raises(Refused, match="只有评审中的榜可以设置盲评"):
        blind.set_blind(board, True, people["admin"])


# -- the pledge --------------------------------------------------------------------------------

@pytest.fixture
def unsigned(make, people):
    """A confidential 榜 under review with a qualified bid and one reviewer seated, unsigned."""
    admin = people["admin"]
    board = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=admin,
                           confidentiality=Confidentiality.DESENSITIZED, detail="保密细节 PX-7")
    from tests.factories import make_winner

    bid = make_winner(board)
    from challenge.states import ProposalState

    bid.state = ProposalState.QUALIFIED
    seat = panels.seat_reviewer(board, people["reviewer"], admin)
    db.session.commit()
    return board, bid, seat


def gated(board, bid):
    return {"score": f"/reviews/proposals/{bid.id}", "bid": f"/proposals/{bid.id}",
            "body": f"/challenges/{board.id}/body"}


@pytest.mark.parametrize("page", ["score", "bid", "body"])
def test_before_the_pledge_every_reader_page_leads_to_it(client, auth, people, unsigned, page):
    board, bid, _seat = unsigned
    auth.login(people["reviewer"])
    response = client.get(gated(board, bid)[page])
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/reviews/panels/{board.id}/pledge")
    assert "PX-7" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_before_the_pledge_the_list_hides_the_bids_and_saving_a_score_is_refused(
        client, auth, people, unsigned):
    board, bid, _seat = unsigned
    auth.login(people["reviewer"])
    page = client.get("/reviews").get_data(as_text=True)
    assert 'data-testid="pledge-needed"' in page and bid.title not in page
    with pytest.raises(Refused):
        scoring.save_review(people["reviewer"], bid, FULL, "")


def test_signing_opens_every_reader_page_and_is_recorded_and_audited(client, auth, people, unsigned):
    board, bid, seat = unsigned
    auth.login(people["reviewer"])
    page = client.post(f"/reviews/panels/{board.id}/pledge", data={}).get_data(as_text=True)
    assert "请勾选同意评审承诺书" in page and 'aria-invalid="true"' in page
    assert db.session.scalars(select(ReviewPledge)).all() == []
    response = client.post(f"/reviews/panels/{board.id}/pledge", data={"agree": "yes", "next": bid.id})
    assert response.headers["Location"] == f"/reviews/proposals/{bid.id}"
    for path in gated(board, bid).values():
        assert client.get(path).status_code == 200, path
    assert "PX-7" in client.get(f"/challenges/{board.id}/body").get_data(as_text=True)
    [signed] = db.session.scalars(select(ReviewPledge)).all()
    assert (signed.seat_id, signed.reviewer_id) == (seat.id, people["reviewer"].id)
    assert "不以任何方式与揭榜单位" in signed.text
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_pledge")).all()
    assert (event.object_type, event.object_id, event.actor_id) == (
        "review_assignment", seat.id, people["reviewer"].id)
    assert event.changes["text_sha256"] == [None, hashlib.sha256(signed.text.encode()).hexdigest()]
    # Once per seat; the bureau's panel page shows who signed.
    with pytest.raises(Refused, match="已签署"):
        blind.sign_pledge(seat, people["reviewer"])
    auth.logout()
    auth.login(people["admin"])
    assert f'data-testid="pledged-{seat.id}"' in client.get(
        f"/admin/panels/{board.id}").get_data(as_text=True)


def test_only_the_seated_reviewer_signs_their_seat(client, auth, make, people, unsigned):
    board, _bid, seat = unsigned
    stranger = make.user(Role.REVIEWER)
    db.session.commit()
    auth.login(stranger)
    assert client.get(f"/reviews/panels/{board.id}/pledge").status_code == 403
    with pytest.raises(Refused):
        blind.sign_pledge(seat, stranger)


# -- flagging bids that name their own organisation -------------------------------------------

@pytest.mark.parametrize("name, region, expected", [
    (LEAD_ORG, LEAD_REGION, ["宁波微纳新材料科技有限公司", "宁波微纳新材料科技", "微纳新材料科技",
                              "微纳新材料", "微纳"]),
    ("示范市先进材料研究院", "示范市高新区", ["示范市先进材料研究院", "先进材料研究院"]),
    ("示范智能装备有限公司", "示范市高新区", ["示范智能装备有限公司", "示范智能装备"]),  # not 智能装备
    ("东南大学", "江苏省南京市", ["东南大学"]),
])
def test_short_forms_of_an_organisation_name(name, region, expected):
    assert blind.short_forms(name, region) == expected


@pytest.mark.parametrize("field, text, found", [
    ("technical_approach", "宁波微纳新材料科技有限公司拥有中试线。", ["宁波微纳新材料科技有限公司"]),
    ("technical_approach", "我们微纳团队已量产。", ["微纳"]),
    ("technical_approach", "与甬江先进材料研究院合作中试。", [PARTNER_ORG]),
    ("title", "微纳新材料熔喷方案", ["微纳新材料"]),
    ("technical_approach", "采用梯度结构与驻极工艺，智能装备在线检测。", []),
])
def test_texts_naming_the_bidders_own_organisations_are_found(make, people, field, text, found):
    from challenge.models import ProposalPartner

    solver = make.user(Role.SOLVER, org=make.org(name=LEAD_ORG, region=LEAD_REGION))
    board = open_board(make, people)
    proposal = Proposal(challenge=board, lead_org_id=solver.organization_id, team_lead_id=solver.id,
                        title="熔喷方案", technical_approach="", requested_fen=1, budget=[], members=[],
                        partners=[ProposalPartner(organization_name=PARTNER_ORG, role="中试")])
    setattr(proposal, field, text)
    db.session.add(proposal)
    db.session.flush()
    assert blind.mentions(proposal) == found


def test_an_identifying_file_name_is_found(client, auth, make, people, world):
    board, (named, plain), _reviewers = world
    assert ATTACHMENT.startswith("宁波微纳")
    assert "微纳新材料" in blind.mentions(named) and blind.mentions(plain) == []


def test_the_bidder_is_warned_at_submit_and_the_bureau_sees_the_flag(client, auth, make, people):
    board = open_board(make, people)
    solver = make.user(Role.SOLVER, org=make.org(name=LEAD_ORG, region=LEAD_REGION))
    db.session.commit()
    auth.login(solver)
    page = client.get(f"/challenges/{board.id}/bid").get_data(as_text=True)
    assert 'data-testid="anonymity-notice"' in page
    page = client.post(f"/challenges/{board.id}/bid", follow_redirects=True, data=bid_form(
        board, technical_approach="微纳新材料十年熔喷积累。")).get_data(as_text=True)
    assert "方案已提交" in page and "出现了本单位或合作单位的名称（微纳新材料）" in page
    auth.logout()
    auth.login(people["admin"])
    bid = db.session.scalars(select(Proposal)).one()
    listing = client.get(f"/challenges/{board.id}/proposals").get_data(as_text=True)
    assert f'data-testid="named-{bid.id}"' in listing and "微纳新材料" in listing


def test_a_clean_bid_is_not_flagged(client, auth, make, people):
    board = open_board(make, people)
    solver = make.user(Role.SOLVER, org=make.org(name=LEAD_ORG, region=LEAD_REGION))
    db.session.commit()
    auth.login(solver)
    page = client.post(f"/challenges/{board.id}/bid", data=bid_form(board),
                       follow_redirects=True).get_data(as_text=True)
    assert "方案已提交" in page and "出现了本单位" not in page


def test_a_blind_reviewer_is_told_that_identifying_words_were_masked(client, auth, people, world):
    board, (named, plain), (first, _second) = world
    set_blind(client, auth, people["admin"], board)
    auth.login(first)
    masked = client.get(f"/reviews/proposals/{named.id}").get_data(as_text=True)
    clean = client.get(f"/reviews/proposals/{plain.id}").get_data(as_text=True)
    assert "已被遮盖" in masked and "已被遮盖" not in clean
    assert 'data-testid="blind-note"' in clean
