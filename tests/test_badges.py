"""State badges: every state has a tone, and the one macro draws each tone in its colour."""

import pytest

from challenge.states import STATE_ENUMS, TONES, ChallengeState, ContractState, MilestoneState, OrgState

KNOWN_TONES = {"neutral", "info", "active", "success", "warning", "danger", "closed"}


@pytest.mark.parametrize("enum", sorted(set(STATE_ENUMS.values()), key=lambda e: e.__name__))
def test_every_state_has_a_tone(enum):
    assert set(TONES[enum]) == set(enum)
    assert {member.tone for member in enum} <= KNOWN_TONES


@pytest.mark.parametrize(("state", "css"), [
    (ChallengeState.OPEN, "text-bg-success"),
    (ChallengeState.SCREENING, "text-bg-warning"),
    (ChallengeState.UNCLAIMED, "text-bg-danger"),
    (ChallengeState.PUBLICITY, "text-bg-info"),
    (ContractState.ACTIVE, "text-bg-primary"),
    (MilestoneState.CANCELLED, "text-bg-dark"),
    (MilestoneState.PENDING, "text-bg-secondary"),
    (OrgState.VERIFIED, "text-bg-success"),
])
def test_the_state_badge_takes_its_colour_from_the_tone(app, state, css):
    template = app.jinja_env.from_string(
        '{% from "_macros/ui.html" import state_badge %}{{ state_badge(state, "s") }}')
    with app.test_request_context("/"):
        html = template.render(state=state)
    assert html == f'<span class="badge {css}" data-testid="s">{state.label}</span>'
