"""challenge.states' transition tables match the hand-written matrices of
tests/transition_matrices.py cell by cell: target, reason and who may act from each state."""

import pytest

from challenge import states
from tests import transition_matrices as m

TABLES = {
    "challenge": (states.CHALLENGE_TRANSITIONS, m.CHALLENGE, states.ChallengeState),
    "access_grant": (states.ACCESS_TRANSITIONS, m.ACCESS, states.AccessState),
    "proposal": (states.PROPOSAL_TRANSITIONS, m.PROPOSAL, states.ProposalState),
    "review": (states.REVIEW_TRANSITIONS, m.REVIEW, states.ReviewState),
    "objection": (states.OBJECTION_TRANSITIONS, m.OBJECTION, states.ObjectionState),
    "review_assignment": (states.PANEL_TRANSITIONS, m.PANEL_SEAT, states.PanelSeatState),
    "contract": (states.CONTRACT_TRANSITIONS, m.CONTRACT, states.ContractState),
    "milestone": (states.MILESTONE_TRANSITIONS, m.MILESTONE, states.MilestoneState),
    "acceptance": (states.ACCEPTANCE_TRANSITIONS, m.ACCEPTANCE, states.AcceptanceState),
    "organization": (states.ORG_TRANSITIONS, m.ORGANIZATION, states.OrgState),
    "join_request": (states.JOIN_TRANSITIONS, m.JOIN_REQUEST, states.JoinState),
    "change_request": (states.CHANGE_REQUEST_TRANSITIONS, m.CHANGE_REQUEST,
                       states.ChangeRequestState),
    "finding": (states.FINDING_TRANSITIONS, m.FINDING, states.FindingState),
}
LETTER = {role: letter for letter, role in m.WHO.items()}


def _as_matrix(transitions) -> dict[str, tuple[str, bool, dict[str, str]]]:
    """The code's table in the matrix's terms (letters in the matrix's E S R A Y order)."""
    table = {}
    for t in transitions:
        letters = "".join(letter for letter in m.WHO if m.WHO[letter] in t.actors)
        assert len(letters) == len(t.actors), f"{t.action}: an actor the matrix has no letter for"
        table[t.action] = (t.target.value, t.needs_reason, {s.value: letters for s in t.sources})
    return table


@pytest.mark.parametrize("name", TABLES)
def test_the_table_is_the_matrix(name):
    transitions, matrix, enum = TABLES[name]
    assert m.states_of(matrix) == [s.value for s in enum], "a column per state, in order"
    assert _as_matrix(transitions) == m.parse(matrix)


def test_every_object_with_a_table_is_pinned():
    assert set(TABLES) == set(states.ACTION_LABELS)


def test_the_parser_reads_a_cell_as_written():
    """The matrix is read as written: a changed cell is a changed expectation."""
    table = m.parse(m.CHALLENGE)
    assert table["withdraw"] == ("withdrawn", True, {
        "draft": "EA", "screening": "EA", "open": "EA", "reviewing": "EA", "publicity": "EA",
        "unclaimed": "EA"})
    assert table["close"] == ("reviewing", False, {"open": "AY"})
    assert len(list(m.cells(m.CHALLENGE))) == 14 * 12
