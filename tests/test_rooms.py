"""One room per stage (issue 12): 发榜, 揭榜, 评榜 and 奖榜 are each one folder = one blueprint =
one template folder, so a newcomer who opens challenge/<stage>/ finds every page of that stage."""

import re
from pathlib import Path

import challenge

STAGES = ("posting", "bidding", "reviewing", "awarding")
PACKAGE = Path(challenge.__file__).parent
TEMPLATES = PACKAGE.parent / "templates"


def test_a_stage_blueprint_is_served_from_its_own_folder_and_only_from_it(app):
    for endpoint, view in app.view_functions.items():
        blueprint = endpoint.split(".")[0] if "." in endpoint else None
        parts = view.__module__.split(".")
        package = parts[1] if parts[0] == "challenge" and len(parts) > 2 else None
        if blueprint in STAGES or package in STAGES:
            assert blueprint == package, f"{endpoint} is served from {view.__module__}"
    served = {endpoint.split(".")[0] for endpoint in app.view_functions}
    assert set(STAGES) <= served


def test_a_stage_renders_pages_from_its_own_template_folder():
    for stage in STAGES:
        assert (TEMPLATES / stage).is_dir()
        for module in (PACKAGE / stage).glob("*.py"):
            for name in re.findall(r'render_template\(\s*"([^"]+)"', module.read_text()):
                folder = name.split("/")[0]
                assert folder in (stage, "errors"), f"{module.name} renders {name}"


def test_the_old_rooms_are_gone():
    for old in ("award", "results"):
        assert not (PACKAGE / old).exists() and not (TEMPLATES / old).exists()
