"""专家库 in a real browser: the bureau uploads an Excel file with one bad row → reads the report
(row, column, problem) → imports the valid rows without uploading again → finds the experts in
the pool → edits one expert's works rows (add one, remove one) → deactivates another; a solver
keeps works rows on the own profile page."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import ExpertProfile
from challenge.states import Role, WorkKind
from tests.browser.helpers import login
from tests.test_experts import BAD, GOOD, xlsx_file

pytestmark = pytest.mark.browser


def test_expert_import(browser, live_server, make, shots, tmp_path):
    admin = make.user(Role.ADMIN, email="pool@bureau.cn", name="科技局李科")
    solver = make.user(Role.SOLVER, email="xu@uni.edu.cn", name="徐明远")
    db.session.commit()
    spreadsheet = tmp_path / "专家名单.xlsx"
    spreadsheet.write_bytes(xlsx_file([GOOD[0], BAD, GOOD[1]]))

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, admin.email)

    page.click("nav >> text=专家库")
    expect(page.locator("main")).to_contain_text("专家库中还没有专家")
    shots(page, "empty-pool")
    page.click("main a:has-text('导入专家')")
    expect(page.get_by_test_id("columns")).to_contain_text("代表性成果")
    page.set_input_files("#file", str(spreadsheet))
    shots(page, "upload")
    page.click("main form button[type=submit]")

    # The report: which row, which column, what is wrong; nothing imported yet.
    expect(page.get_by_test_id("summary")).to_contain_text("3 行数据：2 行无误，1 行有误")
    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("第 3 行")
    expect(problems).to_contain_text("邮箱格式不正确")
    expect(problems.locator("tr", has_text="单位*")).to_contain_text("必填")
    expect(page.get_by_test_id("valid-rows")).to_contain_text("李娜")
    shots(page, "report")
    assert db.session.scalars(select(ExpertProfile)).all() == []

    page.click("main form button[type=submit]")  # not ticked: refused, with a reason
    expect(page.locator("#valid_only ~ .invalid-feedback")).to_contain_text("仅导入无误的行")
    page.check("#valid_only")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已导入 2 位专家")
    expect(page.locator(".alert-success")).to_contain_text("第 3 行")
    experts = page.get_by_test_id("experts")
    expect(experts).to_contain_text("张伟")
    expect(experts).to_contain_text("李娜")
    expect(experts).not_to_contain_text("王强")
    shots(page, "imported")

    # Edit 张伟's works: add a project, remove the paper.
    experts.locator("a.fw-semibold", has_text="张伟").click()
    expect(page.locator("#works-1-title")).to_have_value("一种高效低阻熔喷过滤材料")
    page.click("#add-work")
    page.select_option("#works-2-kind", "project")
    page.fill("#works-2-title", "省重点研发计划：高性能空气过滤材料")
    page.fill("#works-2-year", "2024")
    page.locator("#work-rows [data-row]").first.locator("[data-remove-row]").click()
    expect(page.locator("#works-1-title")).to_have_value("省重点研发计划：高性能空气过滤材料")
    shots(page, "edit-works")
    page.click("main form button:has-text('保存')")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.get_by_test_id("history")).to_contain_text("代表性成果")
    shots(page, "edited")
    zhang = db.session.scalars(select(ExpertProfile).where(ExpertProfile.name == "张伟")).one()
    db.session.refresh(zhang)
    assert [(w.kind, w.title) for w in zhang.works] == [
        (WorkKind.PATENT, "一种高效低阻熔喷过滤材料"),
        (WorkKind.PROJECT, "省重点研发计划：高性能空气过滤材料")]

    # Deactivate 李娜 from the list; she leaves the active list.
    page.click("nav >> text=专家库")
    page.get_by_test_id("experts").locator("tr", has_text="李娜").locator("button:has-text('停用')").click()
    expect(page.locator(".alert-success")).to_contain_text("已停用 李娜")
    expect(page.get_by_test_id("experts")).not_to_contain_text("李娜")
    expect(page.get_by_test_id("count-inactive")).to_have_text("1")
    shots(page, "deactivated")
    context.close()

    # A solver keeps works rows on the own profile page with the same row list.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, solver.email)
    page.click("nav >> text=专家档案")
    page.fill("#keywords", "熔喷，驻极")
    page.fill("#works-0-title", "聚丙烯熔喷非织造材料驻极电荷衰减机理")
    page.fill("#works-0-year", "2023")
    page.click("#add-work")
    page.select_option("#works-1-kind", "patent")
    page.fill("#works-1-title", "一种含无机驻极体的高效低阻熔喷过滤材料")
    page.fill("#works-1-abstract", "驻极体颗粒均匀分散，过滤效率≥99%。")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("专家档案已保存")
    expect(page.locator("#works-1-abstract")).to_have_value("驻极体颗粒均匀分散，过滤效率≥99%。")
    shots(page, "solver-profile")
    context.close()


