"""The English catalog compiled for these tests when the .mo is missing or older than the .po
(`make test` compiles it first; this covers a bare `pytest tests/i18n`)."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalog():
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        with PO.open("rb") as po:
            catalog = read_po(po, locale="en")
        with MO.open("wb") as mo:
            write_mo(mo, catalog)
    return MO
