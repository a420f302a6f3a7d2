"""专家库: import from .xlsx / .csv with a row-level report, templates, export round trip, the list,
edits and deactivation by the bureau, and a solver's own profile with works rows."""

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from challenge.experts.importing import COLUMNS, MAX_BYTES
from challenge.extensions import db
from challenge.models import AuditEvent, ExpertProfile, ExpertWork, Organization
from challenge.states import OrgType, WorkKind

from .conftest import USE_POSTGRES, _config, isolated_app

HEADER = [c.title for c in COLUMNS]
KEYS = [c.key for c in COLUMNS]


def person(**values) -> dict:
    base = {
        "name": "张伟", "title": "教授", "organization": "江淮理工大学", "org_type": "高校",
        "region": "示范市", "fields": "新材料；高分子材料", "keywords": "熔喷, 驻极，过滤材料",
        "email": "zhangwei@example.edu.cn", "phone": "13800001234",
        "works": "论文|聚丙烯熔喷材料驻极稳定性研究|研究驻极电荷的衰减机理。|2023\n"
                 "专利|一种高效低阻熔喷过滤材料||2022",
        "bio": "长期从事高分子非织造材料研究。",
    }
    base.update(values)
    return base


GOOD = [
    person(),
    person(name="李娜", title="研究员", organization="示范市先进材料研究院", org_type="科研院所",
           email="", phone="", works="项目|高性能空气过滤材料关键技术\n其他|熔喷产线驻极工艺规范", bio=""),
]
BAD = person(name="王强", organization="", org_type="公司", email="wang@", phone="12345",
             works="论文\n奖项|某奖|说明|2020\n专利|一种装置||20x1")


def xlsx_file(people: list[dict], header: list[str] = HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row, p in enumerate(people, start=2):
        for column, key in enumerate(KEYS, start=1):
            cell = sheet.cell(row=row, column=column)
            cell.value = p.get(key) or None
            cell.data_type = "s" if cell.value else "n"  # typed text, even "=…"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(people: list[dict], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for p in people:
        writer.writerow([p.get(k, "") for k in KEYS])
    return buffer.getvalue().encode(encoding)


def upload(client, content: bytes, filename: str = "experts.xlsx", valid_only: bool = False):
    data = {"file": (io.BytesIO(content), filename)}
    if valid_only:
        data["valid_only"] = "y"
    if len(content) < 400_000:
        return client.post("/admin/experts/import", data=data, content_type="multipart/form-data")
    # The test client spools big bodies to a temporary file it never closes (a ResourceWarning,
    # an error here); encode those in memory instead.
    data["file"] = FileStorage(io.BytesIO(content), filename=filename)
    boundary, body = encode_multipart(data)
    return client.post("/admin/experts/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def profiles() -> list[ExpertProfile]:
    return db.session.scalars(select(ExpertProfile).order_by(ExpertProfile.id)).all()


def import_events() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "expert_import")).all()


@pytest.fixture
def admin(people, auth):
    auth.login(people["admin"])
    return people["admin"]


def test_good_xlsx_import(client, admin, make):
    make.org("示范市先进材料研究院", type=OrgType.INSTITUTE)
    response = upload(client, xlsx_file(GOOD))
    assert response.status_code == 302 and "/admin/experts/" in response.headers["Location"]
    zhang, li = profiles()
    assert (zhang.name, zhang.title, zhang.organization_name) == ("张伟", "教授", "江淮理工大学")
    assert zhang.organization.type is OrgType.UNIVERSITY and zhang.organization.region == "示范市"
    assert zhang.fields == "新材料,高分子材料" and zhang.keyword_list == ["熔喷", "驻极", "过滤材料"]
    assert (zhang.email, zhang.phone, zhang.source, zhang.active) == (
        "zhangwei@example.edu.cn", "13800001234", "import", True)
    assert [(w.kind, w.title, w.abstract, w.year) for w in zhang.works] == [
        (WorkKind.PAPER, "聚丙烯熔喷材料驻极稳定性研究", "研究驻极电荷的衰减机理。", 2023),
        (WorkKind.PATENT, "一种高效低阻熔喷过滤材料", "", 2022)]
    assert li.organization.type is OrgType.INSTITUTE  # linked to the registered organization
    assert li.email is None and li.phone is None
    assert [w.kind for w in li.works] == [WorkKind.PROJECT, WorkKind.OTHER]
    event, = import_events()
    assert event.action == "import" and event.actor_id == admin.id
    assert event.changes == {"file": "experts.xlsx", "rows": 2, "imported": 2, "skipped": 0,
                             "skipped_rows": [], "new_organizations": 1}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已导入 2 位专家" in page and "张伟" in page and "李娜" in page


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_good_csv_import(client, admin, encoding):
    response = upload(client, csv_file(GOOD, encoding), "专家名单.csv")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [p.name for p in profiles()] == ["张伟", "李娜"]
    assert profiles()[0].works[0].title == "聚丙烯熔喷材料驻极稳定性研究"


def test_import_with_a_bad_row_reports_it_and_imports_nothing(client, admin):
    response = upload(client, xlsx_file([GOOD[0], BAD, GOOD[1]]))
    assert response.status_code == 302
    report_url = response.headers["Location"]
    assert profiles() == [] and import_events() == []

    page = client.get(report_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "共 3 行数据：2 行无误，1 行有误" in html and "尚未导入任何数据" in html
    problems = _problem_rows(html)
    assert {row for row, _, _ in problems} == {"第 3 行"}
    expected = {
        ("单位*", "必填"), ("单位类型", "无法识别"), ("邮箱", "邮箱格式不正确"),
        ("手机", "11 位手机号"), ("代表性成果", "第 1 项“论文”格式不对"),
        ("代表性成果", "第 2 项的类型“奖项”无法识别"), ("代表性成果", "第 3 项的年份“20x1”"),
    }
    for column, words in expected:
        assert any(c == column and words in m for _, c, m in problems), (column, words, problems)

    # Confirming without ticking "仅导入无误的行" imports nothing.
    html = client.post(report_url, data={}).get_data(as_text=True)
    assert "请修改后重新上传，或勾选“仅导入无误的行”" in html and profiles() == []

    # Ticking it imports the good rows only, without uploading again.
    response = client.post(report_url, data={"valid_only": "y"})
    assert response.status_code == 302
    assert [p.name for p in profiles()] == ["张伟", "李娜"]
    event, = import_events()
    assert event.changes["imported"] == 2 and event.changes["skipped_rows"] == [3]
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "跳过有误的 1 行（第 3 行）" in flashed
    # The stashed upload is gone: a second confirmation cannot import twice.
    again = client.post(report_url, data={"valid_only": "y"})
    assert again.status_code == 302 and again.headers["Location"].endswith("/admin/experts/import")
    assert len(profiles()) == 2


def _problem_rows(html: str) -> list[tuple[str, str, str]]:
    import re

    table = html.split('data-testid="problems"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td>(.*?)</td></tr>", table, re.S)
    return [tuple(cell.replace("&#34;", '"').strip() for cell in row) for row in rows]


def test_valid_only_ticked_at_upload_imports_the_good_rows_at_once(client, admin):
    response = upload(client, csv_file([BAD, GOOD[0]]), "experts.csv", valid_only=True)
    assert response.status_code == 302 and "/import/" not in response.headers["Location"]
    assert [p.name for p in profiles()] == ["张伟"]
    assert import_events()[0].changes["skipped_rows"] == [2]


def test_a_file_with_only_bad_rows_offers_no_import(client, admin):
    response = upload(client, xlsx_file([BAD]), valid_only=True)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "没有可以导入的行" in html and "导入无误的行" not in html
    assert client.post(response.headers["Location"], data={"valid_only": "y"}).status_code == 200
    assert profiles() == []


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


BAD_FILES = [
    ("notes.txt", b"name,org\n", "只支持 .xlsx 和 .csv"),
    ("experts.xls", b"\xd0\xcf\x11\xe0 old excel", "只支持 .xlsx 和 .csv"),
    ("experts.xlsx", b"this is not a spreadsheet", "不是有效的 Excel"),
    ("experts.xlsx", _zip_without_workbook(), "无法读取该 Excel 文件"),
    ("experts.csv", xlsx_file(GOOD), "不是 CSV 文本"),
    ("experts.csv", b"", "文件是空的"),
    ("experts.csv", "姓名*,单位*\n".encode(), "没有数据行"),
    ("experts.csv", "名字,学校\n张伟,江淮理工大学\n".encode(), "缺少必填列：姓名*、单位*"),
    ("experts.csv", b"\xff\xfe\x00\x00" * 10, "不是 CSV 文本"),
    ("experts.csv", b"a" * (MAX_BYTES + 1), "不能超过 5 MB"),
]


@pytest.mark.parametrize("filename,content,message", BAD_FILES,
                         ids=[f"{n}:{m}" for n, _, m in BAD_FILES])
def test_a_bad_file_gets_a_message_not_a_500(client, admin, filename, content, message):
    response = upload(client, content, filename)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and "is-invalid" in html
    assert profiles() == [] and import_events() == []


def test_too_many_rows_is_refused(client, admin):
    rows = [person(name=f"专家{i}") for i in range(5001)]
    html = upload(client, csv_file(rows), "experts.csv").get_data(as_text=True)
    assert "数据超过 5000 行" in html and profiles() == []


def test_no_file_and_gone_report(client, admin):
    html = client.post("/admin/experts/import", data={},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "请选择要导入的文件" in html
    # An unknown token goes back to the upload page; a path is no token at all.
    for token, status in (("0" * 32, 302), ("nonsense", 302), ("../../etc/passwd", 404)):
        response = client.get(f"/admin/experts/import/{token}")
        assert response.status_code == status, token


def test_duplicates_in_the_file_and_in_the_pool(client, admin, make):
    org = make.org("江淮理工大学", type=OrgType.UNIVERSITY)
    db.session.add(ExpertProfile(name="张伟", organization=org, organization_name=org.name))
    db.session.commit()
    rows = [person(), person(name="陈晨"), person(name="陈晨", title="副教授"),
            person(name="陈晨", organization="东州大学")]
    response = upload(client, xlsx_file(rows))
    problems = _problem_rows(client.get(response.headers["Location"]).get_data(as_text=True))
    assert ("第 2 行", "姓名*", "专家库中已有同名同单位的专家“张伟”（江淮理工大学）。") in problems
    assert ("第 4 行", "姓名*", "与第 3 行重复（同名同单位）。") in problems
    assert {row for row, _, _ in problems} == {"第 2 行", "第 4 行"}  # same name, other unit: fine


def test_organization_type_must_match_the_registered_one(client, admin, make):
    make.org("江淮理工大学", type=OrgType.UNIVERSITY)
    rows = [person(org_type="企业"), person(name="甲", organization="新单位", org_type="企业"),
            person(name="乙", organization="新单位", org_type="高校"),
            person(name="丙", org_type="")]
    response = upload(client, xlsx_file(rows), valid_only=True)
    assert response.status_code == 302
    names = {p.name: p for p in profiles()}
    assert set(names) == {"甲", "丙"}
    assert names["丙"].organization.type is OrgType.UNIVERSITY
    assert names["甲"].organization.type is OrgType.ENTERPRISE
    assert import_events()[0].changes["skipped_rows"] == [2, 4]


def test_headers_may_carry_notes_and_change_order(client, admin):
    header = ["单位*（全称）", "姓名 *", "手机", "备注"]
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(["江淮理工大学", "赵六", 13900001111, "忽略我"])
    book.active.append([None, None, None, None])
    book.active.append(["东州大学", "钱七", "+86 139-0000-2222", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, buffer.getvalue())
    assert response.status_code == 302
    assert [(p.name, p.organization_name, p.phone) for p in profiles()] == [
        ("赵六", "江淮理工大学", "13900001111"), ("钱七", "东州大学", "13900002222")]
    assert profiles()[0].organization.type is OrgType.OTHER


def test_excel_row_numbers_count_blank_rows(client, admin):
    rows = [GOOD[0], {}, {}, BAD]  # two blank rows: the bad one is row 5 in Excel
    response = upload(client, xlsx_file(rows))
    problems = _problem_rows(client.get(response.headers["Location"]).get_data(as_text=True))
    assert {row for row, _, _ in problems} == {"第 5 行"}


def test_template_downloads(client, admin):
    response = client.get("/admin/experts/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet, notes = book.worksheets
    assert [c.value for c in sheet[1]] == HEADER == [
        "姓名*", "职称", "单位*", "单位类型", "地区", "研究领域", "关键词", "邮箱", "手机", "代表性成果",
        "简介"]
    assert sheet.freeze_panes == "A2" and all(c.font.bold for c in sheet[1])
    assert sheet.max_row == 2 and sheet["A2"].value == "张伟"
    assert notes.title == "说明" and [c.value for c in notes[1]][:3] == ["列名", "必填", "说明"]
    assert [notes.cell(row=i, column=1).value for i in range(2, 2 + len(HEADER))] == HEADER

    response = client.get("/admin/experts/template.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(response.data.decode("utf-8-sig")))) == HEADER

    # The template's example row is itself a valid import.
    assert upload(client, client.get("/admin/experts/template.xlsx").data, "t.xlsx").status_code == 302
    assert [p.name for p in profiles()] == ["张伟"] and len(profiles()[0].works) == 2


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_imports_again(client, admin, fmt):
    tricky = person(name="孙八", organization="东州大学", org_type="高校",
                    bio="=SUM(A1:A3) 不应被当成公式", keywords="-40℃ 低温；@提及", email="", phone="",
                    works="其他|+86 专线建设方案")
    assert upload(client, xlsx_file([*GOOD, tricky])).status_code == 302
    before = [_snapshot(p) for p in profiles()]
    response = client.get(f"/admin/experts/export.{fmt}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
        assert [c.value for c in sheet[1]] == HEADER and sheet.freeze_panes == "A2"
        bio = sheet.cell(row=4, column=11)
        assert bio.value.startswith("=SUM") and bio.data_type != "f"  # text, not a formula

    db.session.execute(delete(ExpertProfile))
    db.session.commit()
    assert upload(client, response.data, f"export.{fmt}").status_code == 302
    after = [_snapshot(p) for p in profiles()]
    assert after == before


def _snapshot(p: ExpertProfile) -> tuple:
    return (p.name, p.title, p.organization_name, p.fields, p.keywords, p.email, p.phone, p.bio,
            [(w.kind, w.title, w.abstract, w.year) for w in p.works])


def test_export_follows_the_filters(client, admin):
    upload(client, xlsx_file(GOOD))
    response = client.get("/admin/experts/export.csv?q=李娜")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r[0] for r in rows] == ["姓名*", "李娜"]


def test_list_search_filters_counts_and_pages(client, admin, make):
    upload(client, xlsx_file([person(name=f"专家{i:02d}", keywords="熔喷" if i % 2 else "储能")
                              for i in range(35)]))
    page = client.get("/admin/experts/").get_data(as_text=True)
    assert 'data-testid="count-active">35<' in page and "下一页" in page
    page2 = client.get("/admin/experts/?page=2").get_data(as_text=True)
    assert "专家04" in page2 and "专家34" not in page2
    found = client.get("/admin/experts/?q=储能").get_data(as_text=True)
    assert 'data-testid="count-all">18<' in found and "专家01" not in found
    assert "没有符合条件的专家" in client.get("/admin/experts/?q=不存在的词").get_data(as_text=True)
    assert "没有符合条件的专家" in client.get("/admin/experts/?source=self").get_data(as_text=True)
    assert "专家00" in client.get("/admin/experts/?source=import&q=专家00").get_data(as_text=True)
    assert client.get("/admin/experts/?q=100%25_").status_code == 200


def test_empty_pool_invites_an_import(client, admin):
    page = client.get("/admin/experts/").get_data(as_text=True)
    assert "专家库中还没有专家" in page and "/admin/experts/import" in page


def test_admin_edits_a_profile_and_each_change_is_audited(client, admin):
    upload(client, xlsx_file(GOOD[:1]))
    profile = profiles()[0]
    form = {"name": "张伟", "title": "二级教授", "org_name": "东州大学", "org_type": "university",
            "email": "", "phone": "139 0000 1111", "fields": profile.fields,
            "keywords": profile.keywords, "bio": profile.bio,
            "works-0-kind": "patent", "works-0-title": "一种高效低阻熔喷过滤材料", "works-0-abstract": "",
            "works-0-year": "2022",
            "works-1-kind": "project", "works-1-title": "", "works-1-abstract": "", "works-1-year": "",
            "works-2-kind": "project", "works-2-title": "省重点研发计划", "works-2-abstract": "负责人",
            "works-2-year": "2024"}
    response = client.post(f"/admin/experts/{profile.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    profile = db.session.get(ExpertProfile, profile.id)
    assert profile.title == "二级教授" and profile.organization_name == "东州大学"
    assert profile.organization.type is OrgType.UNIVERSITY
    assert profile.email is None and profile.phone == "13900001111"
    assert [(w.kind, w.title, w.position) for w in profile.works] == [
        (WorkKind.PATENT, "一种高效低阻熔喷过滤材料", 0), (WorkKind.PROJECT, "省重点研发计划", 1)]
    assert db.session.scalar(select(func.count(ExpertWork.id))) == 2  # the old rows are gone
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "expert_profile", AuditEvent.action == "edit")).one()
    assert event.changes["title"] == ["教授", "二级教授"]
    assert event.changes["organization"] == ["江淮理工大学", "东州大学"]
    assert event.changes["email"] == ["zhangwei@example.edu.cn", None]
    assert event.changes["works"][1] == ["专利|一种高效低阻熔喷过滤材料||2022",
                                         "项目|省重点研发计划|负责人|2024"]
    page = client.get(f"/admin/experts/{profile.id}/edit").get_data(as_text=True)
    assert "修改档案" in page and "二级教授" in page

    bad = dict(form, name="", phone="12345", **{"works-0-year": "去年", "works-2-title": "",
                                                 "works-2-abstract": "只有摘要"})
    html = client.post(f"/admin/experts/{profile.id}/edit", data=bad).get_data(as_text=True)
    for message in ("请输入姓名", "请输入 11 位手机号", "年份应为四位数字", "请填写成果标题"):
        assert message in html
    assert "只有摘要" in html  # nothing typed is lost
    mismatch = dict(form, org_name="江淮理工大学", org_type="enterprise")
    html = client.post(f"/admin/experts/{profile.id}/edit", data=mismatch).get_data(as_text=True)
    assert "该单位已登记为「高校」" in html
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edit")).all()) == 1


def listed(client, url: str) -> list[str]:
    import re

    html = client.get(url).get_data(as_text=True)
    table = html.split('data-testid="experts"', 1)[1].split("</table>", 1)[0] \
        if 'data-testid="experts"' in html else ""
    return re.findall(r'class="fw-semibold">([^<]+)</a>', table)


def test_deactivate_hides_from_the_active_list_and_is_audited(client, admin):
    upload(client, xlsx_file(GOOD))
    zhang = profiles()[0]
    response = client.post(f"/admin/experts/{zhang.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert listed(client, "/admin/experts/") == ["李娜"]
    assert listed(client, "/admin/experts/?status=inactive") == ["张伟"]
    assert listed(client, "/admin/experts/?status=all") == ["李娜", "张伟"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "deactivate")).one()
    assert (event.object_type, event.object_id, event.changes) == (
        "expert_profile", zhang.id, {"active": [True, False]})
    client.post(f"/admin/experts/{zhang.id}/active", data={"active": "1"})
    assert listed(client, "/admin/experts/") == ["李娜", "张伟"]
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "activate")).one()


def test_deactivate_button_asks_first(client, admin):
    upload(client, xlsx_file(GOOD[:1]))
    page = client.get("/admin/experts/").get_data(as_text=True)
    assert "data-confirm=" in page


def test_solver_profile_page_saves_works_rows(client, auth, people):
    solver = people["solver"]
    auth.login(solver)
    page = client.get("/me/profile").get_data(as_text=True)
    assert 'id="add-work"' in page and 'name="works-0-title"' in page and 'name="results"' not in page
    data = {"name": "揭榜人", "title": "副教授", "fields": "储能", "keywords": "固态电池",
            "bio": "从事固态电池研究。",
            "works-0-kind": "paper", "works-0-title": "硫化物固态电解质界面研究",
            "works-0-abstract": "界面稳定性。", "works-0-year": "2024",
            "works-1-kind": "patent", "works-1-title": "一种电解质的制备方法",
            "works-1-abstract": "", "works-1-year": ""}
    assert client.post("/me/profile", data=data).status_code == 302
    profile = db.session.scalars(select(ExpertProfile).where(
        ExpertProfile.user_id == solver.id)).one()
    assert profile.source == "self" and profile.organization_id == solver.organization_id
    assert [(w.kind, w.title, w.year) for w in profile.works] == [
        (WorkKind.PAPER, "硫化物固态电解质界面研究", 2024), (WorkKind.PATENT, "一种电解质的制备方法", None)]
    page = client.get("/me/profile").get_data(as_text=True)
    assert "硫化物固态电解质界面研究" in page and 'value="2024"' in page
    # Removing a row keeps the rest; the audit trail shows before → after.
    for key in ("kind", "title", "abstract", "year"):
        data.pop(f"works-1-{key}")
    client.post("/me/profile", data=data)
    db.session.expire_all()
    assert [w.title for w in profile.works] == ["硫化物固态电解质界面研究"]
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "expert_profile").order_by(AuditEvent.id)).all()
    assert len(events) == 2
    assert events[1].changes["works"][1] == ["论文|硫化物固态电解质界面研究|界面稳定性。|2024"]
    bad = dict(data, **{"works-0-title": "", "works-0-year": "2024"})
    html = client.post("/me/profile", data=bad).get_data(as_text=True)
    assert "请填写成果标题" in html


def test_admin_created_reviewer_profile_is_marked_admin(client, admin):
    client.post("/admin/users/new", data={
        "role": "reviewer", "name": "评审甲", "email": "r@example.cn", "password": "long-enough-1",
        "org_name": "示范市研究院", "org_type": "institute", "region": "", "title": "研究员",
        "fields": "储能"})
    assert [(p.name, p.source) for p in profiles()] == [("评审甲", "admin")]


def test_only_admins_reach_the_pool(client, auth, people):
    for who in ("solver", "reviewer", "issuer"):
        auth.login(people[who])
        assert upload(client, xlsx_file(GOOD)).status_code == 403
        auth.logout()
    assert profiles() == []


@pytest.mark.skipif(USE_POSTGRES, reason="a private SQLite database walks the migrations")
def test_migration_moves_results_lines_into_works(tmp_path: Path):
    app = isolated_app(_config(f"sqlite:///{tmp_path / 'old.sqlite'}"))
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO expert_profiles (id, user_id, name, title, organization_name, fields, "
                "keywords, results, bio, active, updated_at, created_at) VALUES "
                "(1, NULL, '甲', '', '某所', '', '', :results, '', 1, '2026-01-01', '2026-01-01')"),
                {"results": "论文：一\n\n  专利：二  \n"})
        upgrade()
        rows = db.session.execute(sa.text(
            "SELECT kind, title, position FROM expert_works ORDER BY position")).all()
        assert [tuple(r) for r in rows] == [("other", "论文：一", 0), ("other", "专利：二", 1)]
        assert db.session.get(ExpertProfile, 1).source == "import"
        db.session.remove()
        db.engine.dispose()


def test_demo_experts_get_typed_works(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    kinds = {w.kind for w in db.session.scalars(select(ExpertWork))}
    assert kinds >= {WorkKind.PAPER, WorkKind.PATENT, WorkKind.PROJECT}
    titles = db.session.scalars(select(ExpertWork.title)).all()
    assert not any(t.startswith(("论文：", "发明专利：", "项目：")) for t in titles)
    assert db.session.scalar(select(func.count(Organization.id))) > 0
    sources = set(db.session.scalars(select(ExpertProfile.source)))
    assert sources <= {"self", "import"} and "import" in sources
