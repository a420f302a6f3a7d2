"""The bureau's audit trail: filter by object, actor, action and Shanghai days; before → after;
paged; exported with the same filter; admins only."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from challenge.extensions import db
from challenge.models import AuditEvent
from challenge.states import SYSTEM, ChallengeState
from challenge.timeutil import utcnow
from challenge.workflow import perform, record


def event(obj_type="challenge", obj_id=1, action="edit", actor=None, at=None, changes=None,
          from_state=None, to_state=None, reason=""):
    return record(SimpleNamespace(id=obj_id), action, actor, reason=reason, changes=changes,
                  from_state=from_state, to_state=to_state, now=at or utcnow(),
                  object_type=obj_type)


def shown_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="event-(\d+)"', page)]


@pytest.fixture
def trail(make, people):
    """Two 榜 walked through the door, an edit with before → after, and the clock's close."""
    admin, issuer = people["admin"], people["issuer"]
    first = make.challenge(issuer, ChallengeState.REVIEWING, admin=admin, title="第一个榜")
    second = make.challenge(issuer, ChallengeState.OPEN, admin=admin, title="第二个榜")
    edit = event(obj_id=second.id, action="edit", actor=issuer, reason="按专家意见修改",
                 changes={"title": ["旧名称", "第二个榜"], "bounty_fen": [100_000_000, 250_000_000],
                          "kind": ["other", "chokepoint"]})
    db.session.commit()
    return first, second, edit


def test_filter_by_object_shows_its_history_with_state_labels(client, auth, people, trail):
    first, second, _edit = trail
    auth.login(people["admin"])
    page = client.get(f"/admin/audit/?type=challenge&id={first.id}").get_data(as_text=True)
    expected = [e.id for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.object_type == "challenge",
                                    AuditEvent.object_id == first.id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))]
    assert shown_ids(page) == expected and len(expected) == 4  # create, submit, publish, close
    assert "待审核</span> → <strong>揭榜中" in page  # publish: from → to, as labels
    assert "揭榜中</span> → <strong>评审中" in page
    assert "第二个榜" not in page.split('data-testid="audit-trail"')[1]
    assert f'href="/admin/challenges/{first.id}"' in page  # the object opens


def test_before_and_after_are_shown_for_changed_fields(client, auth, people, trail):
    _first, second, edit = trail
    auth.login(people["admin"])
    page = client.get(f"/admin/audit/?type=challenge&id={second.id}&action=edit").get_data(as_text=True)
    assert shown_ids(page) == [edit.id]
    row = page.split(f'data-testid="event-{edit.id}"')[1].split("</tr>")[0]
    assert re.search(r"榜单名称</span>：<del[^>]*>旧名称</del> → <ins[^>]*>第二个榜</ins>", row)
    assert re.search(r"榜额</span>：<del[^>]*>100.00 万元</del> → <ins[^>]*>250.00 万元</ins>", row)
    assert re.search(r"榜单类型</span>：<del[^>]*>其他</del> → <ins[^>]*>卡脖子技术</ins>", row)
    assert "按专家意见修改" in row and people["issuer"].name in row


def test_filter_by_actor_name_id_or_the_system(client, auth, people, trail):
    first, _second, edit = trail
    admin, issuer = people["admin"], people["issuer"]
    auth.login(admin)
    by_name = shown_ids(client.get("/admin/audit/?actor=发榜").get_data(as_text=True))
    by_id = shown_ids(client.get(f"/admin/audit/?actor={issuer.id}").get_data(as_text=True))
    issuer_events = [e.id for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.actor_id == issuer.id))]
    assert sorted(by_name) == sorted(by_id) == sorted(issuer_events) and edit.id in by_id
    system = client.get("/admin/audit/?actor=系统").get_data(as_text=True)
    closes = db.session.scalars(db.select(AuditEvent).where(AuditEvent.actor_id.is_(None))).all()
    assert shown_ids(system) == [e.id for e in closes] and {e.action for e in closes} == {"close"}
    assert client.get("/admin/audit/?actor=无此人").get_data(as_text=True).count("没有符合条件的记录") == 1


def test_filter_by_action(client, auth, people, trail):
    auth.login(people["admin"])
    page = client.get("/admin/audit/?action=publish").get_data(as_text=True)
    publishes = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "publish")).all()
    assert sorted(shown_ids(page)) == sorted(e.id for e in publishes) and len(publishes) == 2
    assert '<option value="publish" selected>' in page


def test_dates_are_shanghai_days_inclusive(client, auth, people):
    admin = people["admin"]
    late_first = event(obj_id=7, action="edit", actor=admin,
                       at=datetime(2026, 3, 1, 15, 59, tzinfo=UTC))   # 23:59 on 1 March in Shanghai
    early_second = event(obj_id=7, action="edit", actor=admin,
                         at=datetime(2026, 3, 1, 16, 0, tzinfo=UTC))  # 00:00 on 2 March in Shanghai
    end_second = event(obj_id=7, action="edit", actor=admin,
                       at=datetime(2026, 3, 2, 15, 59, 59, tzinfo=UTC))
    db.session.commit()
    auth.login(admin)

    def ids(query):
        return sorted(shown_ids(client.get(f"/admin/audit/?type=challenge&id=7&{query}")
                                .get_data(as_text=True)))

    assert ids("start=2026-03-02&end=2026-03-02") == sorted([early_second.id, end_second.id])
    assert ids("end=2026-03-01") == [late_first.id]
    assert ids("start=2026-03-01&end=2026-03-01") == [late_first.id]
    assert ids("start=2026-03-03") == []
    page = client.get("/admin/audit/?type=challenge&id=7").get_data(as_text=True)
    assert "2026-03-01 23:59" in page and "2026-03-02 00:00" in page


def test_bad_filters_are_explained_and_kept(client, auth, people, trail):
    auth.login(people["admin"])
    page = client.get("/admin/audit/?id=12&start=2026-02-30&end=2026-01-01&actor=某人")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "按编号查询时请选择对象类型" in text and "开始日期格式应为" in text
    assert 'value="12"' in text and 'value="某人"' in text
    text = client.get("/admin/audit/?type=challenge&id=abc&start=2026-03-05&end=2026-03-01") \
        .get_data(as_text=True)
    assert "对象编号应为正整数" in text and "结束日期不能早于开始日期" in text


def test_the_trail_is_paged(client, auth, people):
    admin = people["admin"]
    base = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
    made = [event(obj_id=99, actor=admin, at=base + timedelta(minutes=n)) for n in range(60)]
    db.session.commit()
    auth.login(admin)
    first = client.get("/admin/audit/?type=challenge&id=99").get_data(as_text=True)
    second = client.get("/admin/audit/?type=challenge&id=99&page=2").get_data(as_text=True)
    assert shown_ids(first) == [e.id for e in reversed(made)][:50]  # newest first
    assert shown_ids(second) == [e.id for e in reversed(made)][50:]
    assert "共 60 条记录" in first and "page=2" in first


def test_export_honours_the_trail_filter(client, auth, people, trail):
    _first, second, edit = trail
    auth.login(people["admin"])
    page = client.get(f"/admin/audit/?type=challenge&id={second.id}").get_data(as_text=True)
    link = f"/admin/exports/audit.xlsx?type=challenge&amp;id={second.id}"
    assert link in page
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["审计日志"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:7] == ["编号", "时间", "操作人", "操作人邮箱", "对象类型", "对象编号", "操作"]
    assert sheet.freeze_panes == "A2"
    found = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    expected = db.session.scalars(db.select(AuditEvent.id).where(
        AuditEvent.object_type == "challenge", AuditEvent.object_id == second.id)).all()
    assert sorted(found) == sorted(expected)
    row = found[edit.id]
    assert row["对象类型"] == "榜" and row["操作"] == "修改内容" and row["操作人"] == people["issuer"].name
    assert "榜单名称：旧名称 → 第二个榜" in row["变更内容（原值 → 新值）"]
    assert "榜额：100.00 万元 → 250.00 万元" in row["变更内容（原值 → 新值）"]
    assert isinstance(row["时间"], datetime)
    publish = next(r for r in found.values() if r["操作"] == "发布")
    assert (publish["原状态"], publish["新状态"]) == ("待审核", "揭榜中")

    text = client.get(f"/admin/exports/audit.csv?type=challenge&id={second.id}&action=edit")
    assert text.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(text.data.decode("utf-8-sig"))))
    assert lines[0] == header and [line[0] for line in lines[1:]] == [str(edit.id)]


def test_system_actions_read_as_system_in_the_export(client, auth, people, make):
    challenge = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    challenge.deadline_at = utcnow() - timedelta(minutes=1)
    perform(challenge, "close", SYSTEM)
    db.session.commit()
    auth.login(people["admin"])
    lines = list(csv.reader(io.StringIO(client.get("/admin/exports/audit.csv?actor=系统")
                                        .data.decode("utf-8-sig"))))
    assert [(line[2], line[6]) for line in lines[1:]] == [("系统", "截止揭榜")]


@pytest.mark.parametrize("role", ["issuer", "solver", "reviewer"])
def test_only_the_bureau_reads_the_trail(client, auth, people, role):
    auth.login(people[role])
    assert client.get("/admin/audit/").status_code == 403


def test_admin_index_links_the_trail_and_the_exports(client, auth, people):
    auth.login(people["admin"])
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/audit/"' in page and 'href="/admin/exports/"' in page
    assert "暂无审计记录" in client.get("/admin/audit/").get_data(as_text=True)  # the empty state
