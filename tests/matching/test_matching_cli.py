"""python -m challenge.matching on small files, including malformed lines."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROFILES = [
    ('{"id": "e1", "name": "张敏", "fields": ["纺织"], "keywords": ["熔喷材料", "驻极"], '
     '"bio": "从事熔喷非织造材料与过滤效率研究", "works": ["驻极处理研究"], "unknown": 1}'),
    '{"id": 2, "keywords": ["芯片封装"], "bio": "半导体封装可靠性"}',
    '{"id": "e3", "keywords": "熔喷布"}',
    "{not json",
    '{"name": "无编号"}',
    "",
    '{"id": "e4", "fields": "电化学", "keywords": ["锂离子电池"], "bio": "锂电池热失控"}',
]
NEEDS = [
    '{"id": "n1", "title": "熔喷布过滤效率提升", "keywords": ["熔喷布"], "extra": true}',
    '{"id": "n2", "summary": "缺少标题"}',
    '{"id": 3, "title": "集成电路封装可靠性", "summary": "芯片封装开裂"}',
    '["not", "an", "object"]',
]


def run(tmp_path: Path, profiles: list[str], needs: list[str], *extra: str):
    p, n = tmp_path / "profiles.jsonl", tmp_path / "needs.jsonl"
    p.write_text("\n".join(profiles) + "\n", encoding="utf-8")
    n.write_text("\n".join(needs) + "\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "challenge.matching", "--profiles", str(p), "--needs", str(n),
         *extra],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def test_cli_ranks_and_reports_malformed_lines(tmp_path):
    proc = run(tmp_path, PROFILES, NEEDS, "--top", "2")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {tuple(sorted(r)) for r in rows} == {("expert", "need", "score", "terms")}
    first_n1 = next(r for r in rows if r["need"] == "n1")
    assert first_n1["expert"] == "e1" and first_n1["terms"]
    assert next(r for r in rows if r["need"] == 3)["expert"] == 2  # ids keep their JSON type
    for need in ("n1", 3):
        scores = [r["score"] for r in rows if r["need"] == need]
        assert 0 < len(scores) <= 2 and scores == sorted(scores, reverse=True)
    assert "熔喷" in proc.stdout  # ensure_ascii=False
    err = proc.stderr
    assert "profiles.jsonl:3: skipped: keywords must be a list of strings" in err
    assert "profiles.jsonl:4: skipped: invalid JSON" in err
    assert "profiles.jsonl:5: skipped: missing id" in err
    assert "needs.jsonl:2: skipped: missing title" in err
    assert "needs.jsonl:4: skipped: expected a JSON object" in err
    assert "profiles.jsonl:6" not in err  # blank lines are not errors


def test_cli_top_zero_prints_every_pair(tmp_path):
    proc = run(tmp_path, PROFILES, NEEDS, "--top", "0")
    assert proc.returncode == 0, proc.stderr
    pairs = {(r["need"], r["expert"]) for r in map(json.loads, proc.stdout.splitlines())}
    assert pairs == {(n, e) for n in ("n1", 3) for e in ("e1", 2, "e4")}


def test_cli_exits_non_zero_when_nothing_is_valid(tmp_path):
    proc = run(tmp_path, ["{bad"], NEEDS)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "profiles.jsonl:1: skipped: invalid JSON" in proc.stderr
