"""Defects a new user met (issue 11, item 8), each replayed through the rendered pages."""

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import AuditEvent, Challenge
from challenge.posting.operations import AUDITED_FIELDS
from challenge.states import ChallengeKind, ChallengeState, Confidentiality, FundingMode

from .formpage import form_values

RESTRICTED = {
    "eligible_org_types": "university,institute",
    "eligible_regions": "示范市,邻省某市",
    "qualifications": "具有 CNAS 认可实验室\n近三年无失信记录",
    "industry_tags": "纺织,医用防护,新材料",
    "kind": ChallengeKind.IMPORT_SUBSTITUTION,
    "funding_mode": FundingMode.MILESTONE,
    "confidentiality": Confidentiality.DESENSITIZED,
    "contact_email": "wang@example.cn",
    "bounty_fen": 123_456_789,
    "investment_fen": 900_000_000,
    "period_months": 18,
    "indicators": [
        {"name": "过滤效率", "target": "≥99.97", "unit": "%", "method": "NaCl 法"},
        {"name": "阻力", "target": "≤80", "unit": "Pa", "method": ""},
        {"name": "驻极保持率", "target": "≥90", "unit": "", "method": "70℃ 24h 老化后复测"},
    ],
}


def snapshot(challenge: Challenge) -> dict:
    db.session.expire_all()
    fresh = db.session.get(Challenge, challenge.id)
    found = {name: getattr(fresh, name) for name in AUDITED_FIELDS}
    found["indicators"] = [(i.name, i.target, i.unit, i.method) for i in fresh.indicators]
    return found


@pytest.mark.parametrize("editor,state", [("issuer", ChallengeState.DRAFT),
                                          ("admin", ChallengeState.SCREENING)])
def test_saving_the_edit_page_unchanged_keeps_every_field(client, auth, make, people, editor, state):
    """The form as rendered, posted back untouched, changes nothing: above all the eligible
    organisation types, which used to come back unticked and open the 榜 to everyone."""
    challenge = make.challenge(people["issuer"], state, admin=people["admin"], **RESTRICTED)
    before = snapshot(challenge)
    auth.login(people[editor])
    page = client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True)
    sent = form_values(page, "challenge-form")
    assert sorted(sent.getlist("eligible_org_types")) == ["institute", "university"]
    sent["save"] = "1"
    response = client.post(f"/challenges/{challenge.id}/edit", data=sent)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert snapshot(challenge) == before
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edit")).all() == []


def test_bureau_wording_edit_changes_only_the_wording(client, auth, make, people):
    challenge = make.challenge(people["issuer"], ChallengeState.SCREENING, admin=people["admin"],
                               **RESTRICTED)
    before = snapshot(challenge)
    auth.login(people["admin"])
    sent = form_values(client.get(f"/challenges/{challenge.id}/edit").get_data(as_text=True),
                       "challenge-form")
    sent["summary"], sent["edit_note"], sent["save"] = "凝练后的公开摘要。", "凝练表述", "1"
    assert client.post(f"/challenges/{challenge.id}/edit", data=sent).status_code == 302
    after = snapshot(challenge)
    assert after.pop("summary") == "凝练后的公开摘要。"
    before.pop("summary")
    assert after == before
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edit")).one()
    assert list(event.changes) == ["summary"]
