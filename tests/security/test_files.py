"""Issue 11 item 7, files, over HTTP against the live server: an Office file is accepted only if
its container really is that format (a ZIP holding payload.exe named 方案.docx is refused, with
the reason next to the field); deleted attachments, and files of a refused upload, leave the
disk; every download is an attachment with its UTF-8 name, nosniff."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import AwardFile, Proposal, ProposalAttachment
from challenge.states import ChallengeState
from challenge.timeutil import utcnow
from tests.test_bidding import PDF, bid_form, open_board

from .wire import Wire

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
MAIN = {
    "docx": ("word/document.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def office(kind: str) -> bytes:
    """A minimal Office Open XML package of *kind* (what Word/PowerPoint write, trimmed)."""
    part, content_type = MAIN[kind]
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
             'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    return zipped({"[Content_Types].xml": types.encode(), part: b"<document/>"})


def real_xlsx() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["预算", 280])
    book.save(buffer)
    return buffer.getvalue()


# (name, content, what the refusal says): an Office name over a ZIP that is not that Office
# format is "not a valid …"; content whose magic bytes are not the extension's "does not match".
REFUSED = [
    ("方案.docx", zipped({"payload.exe": b"MZ\x90\x00" + b"\x00" * 64}), "不是有效的"),  # the attack
    ("预算.xlsx", zipped({"payload.exe": b"MZ\x90\x00", "readme.txt": b"hi"}), "不是有效的"),
    ("汇报.pptx", office("docx"), "不是有效的"),          # a Word package named .pptx
    ("方案.docx", office("docm"), "不是有效的"),          # macro-enabled, renamed
    ("方案.docx", zipped({"[Content_Types].xml": office("docx")[:0] + b"<Types",  # broken XML
                          "word/document.xml": b"<document/>"}), "不是有效的"),
    ("方案.docx", b"PK\x03\x04" + b"\x00" * 40, "不是有效的"),  # ZIP magic, no archive behind it
    ("报告.pdf", b"<html><script>alert(1)</script></html>", "不符"),
    ("样机.png", b"GIF89a" + b"\x00" * 20, "不符"),
]
ACCEPTED = [("方案.docx", office("docx")), ("汇报.pptx", office("pptx")),
            ("预算.xlsx", real_xlsx()), ("报告.pdf", PDF), ("样机.png", PNG)]


@pytest.fixture
def draft_bid(make, people, client, auth):
    board = open_board(make, people)
    auth.login(people["solver"])
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    auth.logout()
    return db.session.scalars(select(Proposal)).one()


def files_on_disk(app, area: str) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / area
    return {p.name for p in folder.glob("*")} if folder.exists() else set()


@pytest.mark.parametrize(("name", "content", "says"), REFUSED,
                         ids=["docx-holding-exe", "xlsx-holding-exe", "docx-named-pptx",
                              "docm-named-docx", "broken-content-types", "zip-magic-only",
                              "html-named-pdf", "gif-named-png"])
def test_a_file_that_is_not_what_its_name_says_is_refused(live_server, app, people, draft_bid,
                                                          name, content, says):
    solver = Wire(live_server)
    solver.login(people["solver"].email)
    before = files_on_disk(app, "proposals")
    page = f"/proposals/{draft_bid.id}"
    reply = solver.upload(f"{page}/attachments", {}, [("file", name, content)], page)
    assert reply.status == 400
    error = reply.text.split('data-testid="file-error"')[1].split("</div>")[0]
    assert says in error, error
    assert db.session.scalar(select(func.count(ProposalAttachment.id))) == 0
    assert files_on_disk(app, "proposals") == before


def test_real_office_files_pdfs_and_images_are_accepted(live_server, people, draft_bid):
    solver = Wire(live_server)
    solver.login(people["solver"].email)
    page = f"/proposals/{draft_bid.id}"
    for name, content in ACCEPTED:
        reply = solver.upload(f"{page}/attachments", {}, [("file", name, content)], page)
        assert reply.status == 302, (name, reply.text[:200])
    db.session.expire_all()
    assert sorted(a.original_name for a in draft_bid.attachments) == sorted(n for n, _ in ACCEPTED)


def test_downloads_are_attachments_with_their_utf8_name_and_nosniff(live_server, people,
                                                                    draft_bid):
    solver = Wire(live_server)
    solver.login(people["solver"].email)
    page = f"/proposals/{draft_bid.id}"
    for name, content in (("样机.png", PNG), ("报告.pdf", PDF)):
        solver.upload(f"{page}/attachments", {}, [("file", name, content)], page)
    db.session.expire_all()
    for item in draft_bid.attachments:
        reply = solver.get(f"{page}/attachments/{item.id}")
        assert reply.status == 200
        disposition = reply.headers["Content-Disposition"]
        assert disposition.startswith("attachment;"), disposition  # the image too
        assert "filename*=UTF-8''" in disposition
        assert quote(item.original_name) in disposition
        assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_a_deleted_attachment_leaves_the_disk(live_server, app, people, draft_bid):
    solver = Wire(live_server)
    solver.login(people["solver"].email)
    page = f"/proposals/{draft_bid.id}"
    solver.upload(f"{page}/attachments", {}, [("file", "报告.pdf", PDF)], page)
    db.session.expire_all()
    [item] = draft_bid.attachments
    stored = Path(app.config["UPLOAD_FOLDER"]) / "proposals" / item.stored_name
    assert stored.read_bytes() == PDF
    reply = solver.post(f"{page}/attachments/{item.id}/delete", {}, page)
    assert reply.status == 302
    assert not stored.exists()


def signed_contract(make, people):
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"])
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True)
    db.session.commit()
    return contract


def test_award_files_deleted_or_refused_leave_the_disk(live_server, app, make, people):
    milestone = signed_contract(make, people).milestones[0]
    solver = Wire(live_server)
    solver.login(people["solver"].email)
    page = f"/milestones/{milestone.id}"
    before = files_on_disk(app, "award")
    # A report with a good file and a fake one: refused as a whole, neither file kept.
    reply = solver.upload(f"{page}/report", {"report": "完成小试"},
                          [("files", "小试报告.pdf", PDF), ("files", "方案.docx", office("docm"))],
                          page)
    assert reply.status == 200 and "不是有效的" in reply.text
    assert db.session.scalar(select(func.count(AwardFile.id))) == 0
    assert files_on_disk(app, "award") == before
    # An uploaded file, then deleted: gone from the disk.
    assert solver.upload(f"{page}/files", {}, [("file", "检测报告.pdf", PDF)], page).status == 302
    item = db.session.scalars(select(AwardFile)).one()
    stored = Path(app.config["UPLOAD_FOLDER"]) / "award" / item.stored_name
    assert stored.exists()
    assert solver.post(f"/award-files/{item.id}/delete", {}, page).status == 302
    assert not stored.exists()
