"""The bureau on the decision page: a reviewer far from the rest of the panel is flagged, the decision
waits until the flag is acknowledged with a reason, then goes through; the evidence pack the bureau
downloads verifies offline."""

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from challenge.extensions import db
from challenge.models import FlagAcknowledgement
from challenge.states import ChallengeState
from tests.browser.helpers import login
from tests.test_decision import review_board

pytestmark = pytest.mark.browser

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_pack.py"


def test_an_anomaly_is_acknowledged_before_the_decision(browser, live_server, client, auth, make,
                                                         people, shots, tmp_path):
    board, bids, _bidders, reviewers = review_board(client, auth, make, people,
                                                    [[80, 82, 79, 45], [70, 72, 68, 71]])
    db.session.commit()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, people["admin"].email)

    page.goto(f"{live_server}/admin/challenges/{board.id}/decision")
    flag = page.get_by_test_id("flag-outlier")
    expect(flag).to_contain_text("评审专家3")
    expect(flag).to_contain_text("打 45 分")
    shots(page, "flagged")

    # Deciding first: refused, nothing changed, the flag still waiting.
    page.locator(f"#winner-{bids[0].id}").check()
    page.fill("#reason", "综合得分第一。")
    page.click("button:has-text('确定揭榜方并公示')")
    expect(page.get_by_test_id("problems")).to_contain_text("还有 1 条评分异常提示未确认")

    # An empty reason is refused next to the field; then the reason is written and kept.
    flag = page.get_by_test_id("flag-outlier")
    flag.locator("button[type=submit]").click()
    expect(page.get_by_test_id("flag-outlier").locator(".invalid-feedback")).to_contain_text(
        "请写明已核实该提示的理由")
    page.get_by_test_id("flag-outlier").locator("textarea").fill("已与专家核实：其认为中试数据不足，意见有据。")
    page.get_by_test_id("flag-outlier").locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已确认该评分异常提示")
    expect(page.get_by_test_id("flag-outlier").get_by_test_id("acknowledged")).to_be_visible()
    shots(page, "acknowledged")
    assert db.session.query(FlagAcknowledgement).count() == 1

    page.locator(f"#winner-{bids[0].id}").check()
    page.fill("#reason", "综合得分第一。")
    page.click("button:has-text('确定揭榜方并公示')")
    expect(page.locator(".alert-success")).to_contain_text("已确定 1 个揭榜方")
    db.session.expire_all()
    assert db.session.get(type(board), board.id).state is ChallengeState.PUBLICITY
    expect(page.get_by_test_id("flag-outlier")).to_contain_text("已与专家核实")
    shots(page, "decided")

    with page.expect_download() as download:
        page.get_by_test_id("evidence-pack").click()
    pack = tmp_path / "pack.zip"
    download.value.save_as(pack)
    result = subprocess.run([sys.executable, str(VERIFIER), str(pack)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout
    assert "OK: every hash, file and score checks" in result.stdout
    context.close()
