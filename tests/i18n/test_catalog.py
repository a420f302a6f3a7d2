"""Every string the code and templates can show has its English: extraction (Babel's own, with
babel.cfg) over the tree finds no msgid the English catalog lacks, leaves empty, marks fuzzy or
translates with other placeholders. A new `_('…')` without its msgstr fails here; `make
messages` adds the msgid to the catalog, and the translation is written beside it."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None,
            "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\([A-Za-z_0-9]+\)[sdfr]|%[sd]")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
LANGUAGE_NAMES = {"中文"}  # a language named in itself
F_STRING_CALL = re.compile(r"""\bf["'].*\{_l?\(""")


def _walked(dirpath: str) -> bool:
    """Babel skips folders starting with "_" by default: templates/_macros must be read."""
    name = Path(dirpath).name
    return not name.startswith(".") and name not in ("__pycache__", "node_modules")


FILES: set[str] = set()  # the files the extraction found strings in


def _msgids() -> dict[tuple[str, str | None], str]:
    """(msgid, context) -> where it is used first (file:line)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_walked):
        FILES.add(filename)
        msgid = message[0] if isinstance(message, tuple) else message  # a plural: its singular
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def extracted():
    return _msgids()


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as po:
        return read_po(po, locale="en")


def test_extraction_finds_the_wrapped_strings(extracted):
    """The extraction above is the real one (so an empty answer below means something)."""
    assert len(extracted) > 1500
    assert ("无权访问", None) in extracted and ("请选择一种语言。", None) in extracted
    assert ("单位", "measure") in extracted and ("单位", None) in extracted


def test_every_template_with_strings_yields_them(extracted):
    """A template Babel cannot parse (an unknown tag such as {% cache %}) is skipped without a
    word; every template that calls _() must give at least one of its strings."""
    silent = [template.relative_to(ROOT).as_posix()
              for template in sorted((ROOT / "templates").rglob("*.html"))
              if "_(" in template.read_text(encoding="utf-8")
              and template.relative_to(ROOT).as_posix() not in FILES]
    assert extracted and not silent, f"templates Babel read nothing from: {silent}"


def test_no_string_hides_in_an_f_string():
    """Python 3.11 reads an f-string as one token: Babel never sees a _() inside it, so such a
    string is never translated. Call _() first, then format."""
    hidden = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "challenge").rglob("*.py"))
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if F_STRING_CALL.search(line)]
    assert not hidden, f"_() inside an f-string: {hidden}"


def test_every_string_is_in_the_english_catalog(extracted, catalog):
    missing = [f"{where}: {msgid!r}" for (msgid, context), where
               in sorted(extracted.items(), key=lambda x: x[1])
               if catalog.get(msgid, context=context) is None]
    assert not missing, f"{len(missing)} strings not in {PO.name} (run `make messages`):\n" + \
        "\n".join(missing[:200])


def _strings(message):
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_string_has_its_english(extracted, catalog):
    bad = []
    for (msgid, context), where in sorted(extracted.items(), key=lambda x: x[1]):
        message = catalog.get(msgid, context=context)
        if message is None:
            continue  # reported above
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in _strings(message):
            if not text:
                bad.append(f"{where}: {msgid!r}: no translation")
            elif message.fuzzy:
                bad.append(f"{where}: {msgid!r}: fuzzy")
            elif CJK.search(text) and msgid not in LANGUAGE_NAMES:
                bad.append(f"{where}: {msgid!r}: Chinese left in {text!r}")
            elif sorted(set(PLACEHOLDER.findall(ids[-1]))) != sorted(set(PLACEHOLDER.findall(text))):
                bad.append(f"{where}: {msgid!r}: placeholders differ in {text!r}")
    assert not bad, f"{len(bad)} strings without a usable English translation:\n" + \
        "\n".join(bad[:300])


def test_the_checks_catch_what_they_claim():
    """A catalog entry with a lost placeholder or Chinese left in is caught by the patterns."""
    assert PLACEHOLDER.findall("共 %(n)d 个，%(name)s") == ["%(n)d", "%(name)s"]
    assert CJK.search("Bounty 万元") and not CJK.search("Bounty CNY 10k")
