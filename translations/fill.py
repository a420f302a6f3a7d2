"""Fill the English catalog's empty (or fuzzy) translations from other PO files, e.g. the ones
translators or other branches hand in:

    .venv/bin/python translations/fill.py new-strings.po [more.po ...]

Only msgids the catalog already has are filled (run `make messages` first so it holds every
string of the code); a translation already there is kept. Prints what is still empty."""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "messages.po"


def _done(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def main(sources: list[str]) -> int:
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="en")
    given = {}
    for source in sources:
        with open(source, "rb") as po:
            for message in read_po(po):
                if message.id and _done(message):
                    given[(message.id, message.context)] = message.string
    filled = 0
    for message in catalog:
        key = (message.id, message.context)
        if message.id and not _done(message) and key in given:
            message.string = given[key]
            message.flags.discard("fuzzy")
            filled += 1
    with CATALOG.open("wb") as po:
        write_po(po, catalog, width=0, sort_output=True)
    left = [message.id for message in catalog if message.id and not _done(message)]
    print(f"{filled} translations filled; {len(left)} strings still without English")
    for msgid in left:
        print(f"  {msgid!r}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
