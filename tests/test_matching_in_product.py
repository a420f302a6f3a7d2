"""The matcher inside the product: recommended experts with reasons, 为你推荐, near-duplicate
warnings, and indexes kept current incrementally (no restart, no rebuild per request)."""

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import AccessGrant, ChallengeInvitation, ExpertProfile, Notification
from challenge.states import AccessState, ChallengeState, Confidentiality, OrgType, Role


def expert(user=None, name="专家", org=None, fields="", keywords="", bio=""):
    profile = ExpertProfile(user_id=user.id if user else None, name=name,
                            organization_id=org.id if org else None,
                            organization_name=org.name if org else "某研究院",
                            fields=fields, keywords=keywords, bio=bio)
    db.session.add(profile)
    db.session.commit()
    return profile


@pytest.fixture
def meltblown(make, people):
    return make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                          title="医用熔喷布过滤效率提升", field="新材料", industry_tags="医用防护,非织造",
                          summary="提升熔喷非织造布的过滤效率，降低呼吸阻力，改善驻极稳定性。",
                          confidentiality=Confidentiality.DESENSITIZED,
                          detail="秘密：现用驻极电压 28kV，产线型号 RF-9。")


BACKGROUND = [
    ("高端轴承钢纯净度控制", "冶金", "降低轴承钢中的氧化物夹杂，提升疲劳寿命。"),
    ("农产品冷链保鲜", "现代农业", "果蔬产地预冷与冷链运输保鲜技术。"),
    ("车规级芯片封装可靠性", "集成电路", "功率芯片封装在温度循环下的分层问题。"),
    ("高盐废水零排放", "节能环保", "化工园区高盐废水的分盐结晶与资源化。"),
    ("固态电池电解质界面", "新能源", "硫化物固态电解质与正极界面稳定性。"),
    ("工业视觉缺陷检测", "电子信息", "压铸件表面缺陷的机器视觉在线检测。"),
]


@pytest.fixture
def hall(make, people):
    """A hall with unrelated 榜 in it, so term weights mean what they mean in real use."""
    return [make.challenge(people["other_enterprise"], ChallengeState.OPEN, admin=people["admin"],
                           title=t, field=f, summary=s) for t, f, s in BACKGROUND]


@pytest.fixture
def pool(people, make):
    solver_profile = expert(people["solver"], "李教授", people["solver"].organization,
                            fields="非织造材料,过滤材料", keywords="熔喷,驻极,过滤效率")
    reviewer_profile = expert(people["reviewer"], "王研究员", people["reviewer"].organization,
                              fields="过滤与分离", keywords="熔喷材料,驻极体")
    insider = make.user(Role.REVIEWER, org=people["issuer"].organization, name="企业自己的专家")
    insider_profile = expert(insider, "企业自己的专家", people["issuer"].organization,
                             fields="非织造", keywords="熔喷,过滤效率")
    unrelated = expert(None, "张工", None, fields="轴承钢", keywords="夹杂物,真空脱气")
    return {"solver": solver_profile, "reviewer": reviewer_profile, "insider": insider_profile,
            "unrelated": unrelated}


def test_issuer_sees_recommended_experts_with_reasons(client, auth, people, meltblown, pool):
    auth.login(people["issuer"])
    html = client.get(f"/challenges/{meltblown.id}/experts").get_data(as_text=True)
    assert "李教授" in html and "张工" not in html
    assert "熔喷" in html  # the why column names the shared terms
    # Reviewer accounts are the bureau's to know (issue 11): none is listed to the issuer.
    assert "王研究员" not in html and "企业自己的专家" not in html and "评审专家推荐" not in html


def test_bureau_sees_reviewer_candidates_and_conflicts(client, auth, people, meltblown, pool):
    auth.login(people["admin"])
    html = client.get(f"/challenges/{meltblown.id}/experts").get_data(as_text=True)
    # The issuer's own expert is listed apart as conflicted, never as a reviewer.
    conflicted = html.split("需回避的专家")[1]
    assert "企业自己的专家" in conflicted and "与发榜单位相同" in conflicted
    reviewers = html.split("评审专家推荐")[1].split("需回避的专家")[0]
    assert "王研究员" in reviewers and "企业自己的专家" not in reviewers


def test_invite_from_recommendations_notifies_and_grants_on_directed(client, auth, people,
                                                                     make, pool):
    directed = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                              title="熔喷驻极定向攻关", confidentiality=Confidentiality.DIRECTED,
                              summary="熔喷材料驻极稳定性", field="新材料")
    auth.login(people["issuer"])
    response = client.post(f"/challenges/{directed.id}/invite",
                           data={"email": people["solver"].email, "back": "experts"})
    assert response.headers["Location"].endswith(f"/challenges/{directed.id}/experts")
    assert db.session.scalars(select(ChallengeInvitation)).one().user_id == people["solver"].id
    grant = db.session.scalars(select(AccessGrant)).one()
    assert grant.state is AccessState.GRANTED and grant.user_id == people["solver"].id
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == people["solver"].id,
        Notification.message.contains("受邀"))).one()
    html = client.get(f"/challenges/{directed.id}/experts").get_data(as_text=True)
    assert "已邀请" in html


def test_profile_changes_reach_recommendations_without_rebuild(client, auth, people, meltblown,
                                                               pool, app):
    auth.login(people["issuer"])
    client.get(f"/challenges/{meltblown.id}/experts")  # builds the indexes
    experts_index = app.extensions["matching"].experts
    pool["unrelated"].keywords = "熔喷,驻极,过滤效率,低阻"
    pool["unrelated"].fields = "非织造材料"
    db.session.commit()
    html = client.get(f"/challenges/{meltblown.id}/experts").get_data(as_text=True)
    assert "张工" in html
    assert app.extensions["matching"].experts is experts_index  # updated, not rebuilt
    pool["unrelated"].active = False
    db.session.commit()
    assert "张工" not in client.get(f"/challenges/{meltblown.id}/experts").get_data(as_text=True)


def test_solver_home_recommends_open_challenges_with_reasons(client, auth, people, make,
                                                             meltblown, pool):
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                   title="高端轴承钢纯净度控制", field="冶金", summary="降低轴承钢中的氧化物夹杂。")
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                   title="熔喷驻极定向需求", field="新材料", summary="熔喷驻极过滤效率。",
                   confidentiality=Confidentiality.DIRECTED)
    make.challenge(people["issuer"], title="熔喷布草稿", summary="熔喷过滤效率")
    auth.login(people["solver"])
    box = client.get("/me/").get_data(as_text=True).split('data-testid="recommended"')[1]
    box = box.split("找榜")[0]
    assert "医用熔喷布过滤效率提升" in box and "推荐理由" in box and "熔喷" in box
    assert "轴承钢" not in box                      # not a fit
    assert "熔喷驻极定向需求" not in box             # invitation-only, not invited
    assert "熔喷布草稿" not in box                   # not published
    assert "28kV" not in box and "RF-9" not in box   # the confidential body never shows


def test_solver_without_profile_is_asked_to_fill_it(client, auth, people, meltblown):
    auth.login(people["solver"])
    assert "完善专家档案" in client.get("/me/").get_data(as_text=True)


def test_near_duplicate_warning_while_posting(client, auth, people, make, meltblown, hall):
    other = make.org(name="另一家口罩厂", type=OrgType.ENTERPRISE)
    rival = make.user(Role.ENTERPRISE, org=other)
    hidden = make.challenge(rival, title="熔喷布过滤效率提升草稿", summary="熔喷非织造布过滤效率",
                            field="新材料")
    db.session.commit()
    auth.login(people["other_enterprise"])
    items = client.get("/challenges/similar", query_string={
        "title": "熔喷无纺布过滤效率提高", "summary": "希望提高熔喷非织造布的过滤效率并降低阻力",
        "field": "新材料"}).get_json()["items"]
    assert [i["id"] for i in items] == [meltblown.id]  # a rival's draft is never revealed
    assert items[0]["score"] >= 45 and items[0]["terms"]
    assert items[0]["url"] == f"/challenges/{meltblown.id}"
    assert hidden.id not in [i["id"] for i in items]
    nothing = client.get("/challenges/similar", query_string={"title": "航空发动机叶片热障涂层"}).get_json()
    assert nothing["items"] == []


def test_edit_page_shows_near_duplicates_of_a_saved_draft(client, auth, people, make, meltblown,
                                                         hall):
    draft = make.challenge(people["issuer"], title="熔喷布过滤效率与驻极稳定性",
                           summary="提升熔喷非织造布过滤效率，改善驻极稳定性，降低阻力。",
                           field="新材料", industry_tags="医用防护")
    auth.login(people["issuer"])
    html = client.get(f"/challenges/{draft.id}/edit").get_data(as_text=True)
    similar = html.split('data-testid="similar"')[1].split("</div>")[0]
    assert "医用熔喷布过滤效率提升" in similar and "相似度" in similar


def test_a_works_only_edit_reaches_recommendations(client, auth, people, meltblown, make):
    from challenge.experts.operations import save_profile

    profile = expert(people["solver"], "李教授", people["solver"].organization,
                     fields="材料科学", keywords="高分子")
    auth.login(people["solver"])
    assert "医用熔喷布过滤效率提升" not in client.get("/me/").get_data(as_text=True)
    save_profile(people["solver"], profile, {}, [
        {"kind": "paper", "title": "熔喷非织造布驻极工艺与过滤效率", "abstract": "驻极熔喷过滤材料",
         "year": 2024}])
    db.session.commit()
    assert "医用熔喷布过滤效率提升" in client.get("/me/").get_data(as_text=True)


def test_reasons_are_shown_in_plain_words():
    from challenge.matching_service import why

    assert why(["熔喷", "keyword≈熔喷材料", "芯片封装=封装测试", "title≈熔喷布", "熔喷"]) == [
        "熔喷", "熔喷材料", "芯片封装≈封装测试", "熔喷布"]
    assert len(why([f"词{n}" for n in range(20)])) == 6


def test_a_sync_without_changes_touches_nothing(app, people, meltblown, pool):
    from challenge.matching_service import service

    svc = service()  # builds the indexes
    assert svc._changed(ExpertProfile) == [] and svc._changed(type(meltblown)) == []
    pool["unrelated"].keywords = "熔喷"
    db.session.commit()
    assert [p.id for p in svc._changed(ExpertProfile)] == [pool["unrelated"].id]
    assert svc._changed(ExpertProfile) == []
