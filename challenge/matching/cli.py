"""Batch matching from JSONL files.

    python -m challenge.matching --profiles P.jsonl --needs N.jsonl --top K

Prints one JSON line per (need, expert) pair, best first within each need; K = 0 prints
every pair. Malformed lines are reported on stderr as file:line and skipped.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO, TypeVar

from .matcher import Matcher
from .models import Need, Profile

T = TypeVar("T", Profile, Need)


class LineError(ValueError):
    """A line that cannot become a Profile or Need."""


def _id(row: dict[str, Any]) -> str | int:
    if "id" not in row or row["id"] is None:
        raise LineError("missing id")
    value = row["id"]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise LineError("id must be a string or an integer")
    if isinstance(value, str) and not value.strip():
        raise LineError("id is empty")
    return value


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LineError(f"{key} must be a string")
    return value


def _texts(row: dict[str, Any], key: str, allow_str: bool = False) -> list[str]:
    value = row.get(key)
    if value is None:
        return []
    if allow_str and isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LineError(f"{key} must be a list of strings")
    return value


def profile_from_row(row: dict[str, Any]) -> Profile:
    """Validate one profile line; unknown keys are ignored."""
    return Profile(id=_id(row), name=_text(row, "name"), fields=_texts(row, "fields", True),
                   keywords=_texts(row, "keywords"), bio=_text(row, "bio"),
                   works=_texts(row, "works"))


def need_from_row(row: dict[str, Any]) -> Need:
    """Validate one need line; unknown keys are ignored."""
    need_id = _id(row)
    if "title" not in row or row["title"] is None:
        raise LineError("missing title")
    title = _text(row, "title")
    if not title.strip():
        raise LineError("title is empty")
    return Need(id=need_id, title=title, summary=_text(row, "summary"),
                keywords=_texts(row, "keywords"), detail=_text(row, "detail"))


def read_jsonl(path: Path, parse: Callable[[dict[str, Any]], T], errors: TextIO) -> Iterator[T]:
    """Yield parsed lines of *path*, reporting bad ones (and repeated ids) on *errors*."""
    seen: dict[str | int, int] = {}
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8-sig" if lineno == 1 else "utf-8").strip()
                if not text:
                    continue
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise LineError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
                if not isinstance(row, dict):
                    raise LineError("expected a JSON object")
                item = parse(row)
                if item.id in seen:
                    raise LineError(f"duplicate id {item.id!r} (first on line {seen[item.id]})")
            except UnicodeDecodeError:
                print(f"{path}:{lineno}: skipped: not valid UTF-8", file=errors)
                continue
            except LineError as exc:
                print(f"{path}:{lineno}: skipped: {exc}", file=errors)
                continue
            seen[item.id] = lineno
            yield item


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m challenge.matching",
        description="Rank expert profiles for each need (JSONL in, JSONL out).")
    parser.add_argument("--profiles", type=Path, required=True,
                        help="expert profiles, one JSON object a line")
    parser.add_argument("--needs", type=Path, required=True,
                        help="needs (榜), one JSON object a line")
    parser.add_argument("--top", type=int, default=10, metavar="K",
                        help="experts per need; 0 prints every pair (default 10)")
    args = parser.parse_args(argv)
    if args.top < 0:
        parser.error("--top must be 0 or more")
    for path in (args.profiles, args.needs):
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            return 2

    matcher = Matcher(read_jsonl(args.profiles, profile_from_row, sys.stderr))
    needs = list(read_jsonl(args.needs, need_from_row, sys.stderr))
    if not len(matcher) or not needs:
        print(f"nothing to match: {len(matcher)} valid profiles, {len(needs)} valid needs",
              file=sys.stderr)
        return 1
    # The index is hundreds of thousands of long-lived objects (at 100k profiles ~600k); left
    # to the cyclic collector, every full collection walks them all while the queries run.
    # They live until the process ends, so move them out of its sight.
    gc.freeze()
    try:
        for need in needs:
            for m in matcher.top_experts(need, args.top):
                record = {"need": need.id, "expert": m.id, "score": m.score, "terms": m.terms}
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
