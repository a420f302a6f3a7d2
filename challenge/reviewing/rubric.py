"""The scoring rubric of a 榜: SPEC §6's default unless the bureau set one for this 榜."""

from flask_babel import lazy_gettext as _l

DEFAULT_RUBRIC = (
    {"key": "approach", "name": _l("技术方案先进性与可行性"), "max": 30},
    {"key": "indicators", "name": _l("指标响应度"), "max": 25},
    {"key": "team", "name": _l("团队能力与前期基础"), "max": 20},
    {"key": "plan", "name": _l("实施计划与里程碑"), "max": 15},
    {"key": "budget", "name": _l("经费预算合理性"), "max": 10},
)


def rubric_for(challenge) -> list[dict]:
    """[{key, name, max}] in display order; names as plain text."""
    rows = challenge.rubric or DEFAULT_RUBRIC
    return [{"key": r["key"], "name": str(r["name"]), "max": int(r["max"])} for r in rows]
