"""Tables stay readable on a phone (390 px wide): no cell is squeezed below about three
characters and no cell's text is wrapped into a column of one or two characters per line; a
table wider than the screen scrolls sideways inside its own container instead (the page itself
never does), and becomes a Tab stop while it scrolls (axe-core runs at this width too). Every table on
the seeded demo's pages that hold tables is measured, for each role that sees them."""

import pytest

from challenge.extensions import db
from challenge.states import Role
from tests.browser.helpers import login
from tests.browser.test_axe import AXE, DEMO_PASSWORD, RUN_AXE, demo_pages

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# For every visible table cell with at least three characters of text: its text, the cell's
# content width and font size, and its most squeezed run of text: the text node (two characters
# or more) with the fewest characters per line, counting its line boxes by their top.
MEASURE = """() => [...document.querySelectorAll('main table')].flatMap((table, t) =>
  [...table.querySelectorAll('th, td')].filter(cell => cell.offsetParent !== null).map(cell => {
    const text = cell.innerText.replace(/\\s+/g, ' ').trim();
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    let worst = {chars: 0, lines: 1};
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const chars = [...node.textContent.trim()].length;
      if (chars < 2) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                            .map(r => Math.round(r.top / 4))).size;
      if (lines > 1 && chars / lines < Math.max(worst.chars / worst.lines, 1e-9) || !worst.chars)
        worst = {chars, lines: Math.max(lines, 1)};
    }
    return {table: t, text, inner, em: parseFloat(style.fontSize), ...worst};
  })).filter(c => [...c.text].length >= 3)"""

# The right edges of tables that stick out past the screen with no scroll container around them
# (a phone's browser then zooms the whole page out, or scrolls it sideways).
OVERFLOWING = f"""() => [...document.querySelectorAll('main table')]
  .filter(t => t.offsetParent !== null && !t.closest('.table-responsive, .chart-scroll'))
  .map(t => t.getBoundingClientRect().right).filter(right => right > {PHONE['width']} + 1)"""

PAGES_WITH_TABLES = {"/results/closed", "/my/challenges", "/my/proposals", "/my/contracts", "/reviews",
                     "/me/", "/org", "/admin/challenges", "/admin/panels", "/admin/users",
                     "/admin/organizations", "/admin/experts/", "/admin/audit/", "/admin/statistics",
                     "/statistics"}


def squeezed(cell) -> str | None:
    if cell["inner"] < 2.9 * cell["em"]:
        return f"{cell['inner']:.0f}px wide ({cell['inner'] / cell['em']:.1f} characters)"
    if cell["lines"] > 1 and cell["chars"] / cell["lines"] < 3:
        return f"a run of {cell['chars']} characters on {cell['lines']} lines"
    return None


def test_tables_are_readable_at_390_px(browser, live_server, runner, make, shots):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    pages = demo_pages()
    admin = make.user(Role.ADMIN, email="phone-admin@demo.cn")
    db.session.commit()
    problems, measured = [], 0
    for who, paths in pages.items():
        paths = [p for p in paths if p in PAGES_WITH_TABLES or p.startswith(
            ("/organizations/", "/results/", "/proposals/", "/admin/panels/", "/admin/organizations/"))
            or p.endswith(("/access", "/proposals", "/decision"))]
        if not paths:
            continue
        context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True,
                                      has_touch=True)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        if who == "admin":
            login(page, live_server, admin.email)
        elif who == "reviewer":
            login(page, live_server, "reviewer1@demo.cn", DEMO_PASSWORD)
        elif "@" in who:
            login(page, live_server, who, DEMO_PASSWORD)
        for path in paths:
            response = page.goto(f"{live_server}{path}")
            assert response.ok, (who, path, response.status)
            for right in page.evaluate(OVERFLOWING):
                problems.append(f"{who} {path}: a table reaches {right:.0f}px, past the screen")
            problems += [f"{who} {path}: axe-core {v['id']} ({v['impact']}) at {', '.join(v['targets'][:4])}"
                         for v in page.evaluate(RUN_AXE)]
            cells = page.evaluate(MEASURE)
            measured += len(cells)
            if cells:
                shots(page, f"{who.split('@')[0]}-{path.strip('/').replace('/', '-') or 'home'}")
            for cell in cells:
                why = squeezed(cell)
                if why:
                    problems.append(f"{who} {path} table {cell['table']}: «{cell['text'][:24]}» {why}")
        context.close()
    assert measured > 300, measured
    assert not problems, f"{len(problems)} unreadable tables at 390 px:\n" + "\n".join(problems)
