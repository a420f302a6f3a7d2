"""docs/workflow.md is exactly what `flask workflow-table` prints."""

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "workflow.md"
REGENERATE = "SECRET_KEY=x .venv/bin/flask --app challenge workflow-table > docs/workflow.md"


def test_docs_workflow_md_is_the_generated_table(app):
    result = app.test_cli_runner().invoke(args=["workflow-table"])
    assert result.exit_code == 0, result.output
    assert result.output == DOC.read_text(encoding="utf-8"), (
        f"docs/workflow.md differs from `flask workflow-table`; regenerate it: {REGENERATE}")


def test_the_table_lists_every_transition_with_its_guard_effect_and_notice(app):
    table = app.test_cli_runner().invoke(args=["workflow-table"]).output
    # One line of the 榜's table, as a newcomer reads it: who, from where, what is checked,
    # what changes and who hears of it.
    assert ("| `publish` | 发布 | 待审核 → 揭榜中 | 管理员 | — | A verified issuer, and a 揭榜 deadline "
            "(parameter deadline_at) in the future.; Marked 面向全球发布 (worldwide): the English title, "
            "summary and every indicator's English name are there. | Sets the deadline (deadline_at) "
            "and stamps published_at. | the issuing enterprise | — |") in table
    assert "| `sign` | 签订合同 | 待签约 → 执行中 | 管理员 |" in table
    assert table.count("榜: contract, accept, award, fail") == 5  # sign, accept, eliminate, fail, pay
    for section in ("challenge", "access_grant", "proposal", "review_assignment", "review",
                    "objection", "contract", "milestone", "acceptance", "organization",
                    "join_request"):
        assert f"\n## {section} — " in table
