"""The import graph of `challenge/` keeps STYLE.md's layering: no circle, imports point down the
floors, the door imports no stage. The graph is read by bench/import_graph.py (which prints it)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "bench" / "import_graph.py")
import_graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_graph)


@pytest.fixture(scope="module")
def graph():
    return import_graph.graph(ROOT)


def test_no_import_circle_even_through_imports_inside_functions(graph):
    top, factory, _hidden, _known = graph
    assert import_graph.circles(top) == []
    assert import_graph.circles(factory) == []


def test_one_import_at_most_points_up_the_floors(graph):
    top, _factory, _hidden, known = graph
    # serving builds the app for gunicorn and also holds /healthz: the one arrow allowed.
    assert import_graph.upward(top, known) == [("challenge.serving", "challenge")]


def test_the_door_imports_no_stage(graph):
    top, factory, _hidden, known = graph
    door = factory["challenge.workflow"] | top["challenge.workflow"]
    assert door, "the door imports models and states at least"
    assert {t for t in door if import_graph.floor(t, known[t]) > 3} == set()


def test_no_rule_flow_or_door_hides_an_import_inside_a_function(graph):
    _top, _factory, hidden, known = graph
    assert [(a, b) for a, b in hidden if 3 <= import_graph.floor(a, known[a]) <= 6] == []


@pytest.mark.parametrize("name, floor", [
    ("challenge.states", 1), ("challenge.matching.scoring", 1), ("challenge.models.award", 2),
    ("challenge.workflow", 3), ("challenge.permissions", 4), ("challenge.awarding.ledger", 5),
    ("challenge.reviewing.flows", 6), ("challenge.bidding.operations", 7),
    ("challenge.bidding.questions", 7), ("challenge.posting.forms", 8), ("challenge", 9),
])
def test_floors_read_as_style_md_places_them(name, floor):
    assert import_graph.floor(name) == floor


def test_a_module_with_routes_is_a_view_whatever_its_name(graph):
    _top, _factory, _hidden, known = graph
    assert import_graph.floor("challenge.bidding.question_views",
                              known["challenge.bidding.question_views"]) == 8
    assert import_graph.floor("challenge.awarding.progress_views",
                              known["challenge.awarding.progress_views"]) == 8


def test_the_checker_sees_a_circle_and_an_arrow_up(tmp_path):
    """On a made-up package: a circle through a function-level import, and a model importing a
    view, are both found (so an empty answer above means something)."""
    package = tmp_path / "challenge"
    (package / "models").mkdir(parents=True)
    (package / "posting").mkdir()
    (package / "__init__.py").write_text("")
    (package / "models" / "__init__.py").write_text("from ..posting import views\n")
    (package / "posting" / "__init__.py").write_text("")
    (package / "posting" / "views.py").write_text(
        "def page():\n    from ..workflow import perform\n")
    (package / "workflow.py").write_text("from . import models\n")
    top, factory, hidden, known = import_graph.graph(tmp_path)
    assert import_graph.circles(top) == []
    assert import_graph.circles(factory) == [
        ["challenge.models", "challenge.posting.views", "challenge.workflow"]]
    assert hidden == [("challenge.posting.views", "challenge.workflow")]
    assert import_graph.upward(top, known) == [("challenge.models", "challenge.posting.views")]
