"""The transition tables of challenge.states, written out by hand as text matrices.

A row per action, a column per state; a cell names who may take the action from that state:
E the enterprise that issued the 榜, S the solver acting for the bid or contract, R the reviewer
of the seat or review, A the bureau (admin), Y the system clock, - nobody (the state does not
allow it). `to` is the state reached, `why` whether a reason must be given. Nothing here is
computed from the code under test: a changed row in challenge.states fails
tests/test_transition_tables.py until this file is changed with it.
"""

from challenge.states import SYSTEM, Role

CHALLENGE = """
action     to          why  draft screening open reviewing publicity contracted accepted awarded closed unclaimed withdrawn failed
submit     screening   -    E     -         -    -         -         -          -        -       -      -         -         -
return     draft       yes  -     A         -    -         -         -          -        -       -      -         -         -
publish    open        -    -     A         -    -         -         -          -        -       -      -         -         -
close      reviewing   -    -     -         AY   -         -         -          -        -       -      -         -         -
unclaim    unclaimed   yes  -     -         -    A         -         -          -        -       -      -         -         -
republish  open        -    -     -         -    -         -         -          -        -       -      A         -         -
decide     publicity   yes  -     -         -    A         -         -          -        -       -      -         -         -
reopen     reviewing   yes  -     -         -    -         A         -          -        -       -      -         -         -
contract   contracted  -    -     -         -    -         A         -          -        -       -      -         -         -
accept     accepted    -    -     -         -    -         -         A          -        -       -      -         -         -
award      awarded     -    -     -         -    -         -         -          A        -       -      -         -         -
finish     closed      -    -     -         -    -         -         -          -        A       -      -         -         -
fail       failed      yes  -     -         -    -         A         A          -        -       -      -         -         -
withdraw   withdrawn   yes  EA    EA        EA   EA        EA        -          -        -       -      EA        -         -
"""

ACCESS = """
action   to        why  requested granted refused
grant    granted   -    EA        -       EA
refuse   refused   yes  EA        -       -
revoke   refused   yes  -         EA      -
"""

PROPOSAL = """
action      to            why  draft submitted qualified disqualified selected not_selected withdrawn
submit      submitted     -    S     -         -         -            -        -            -
resubmit    submitted     -    -     S         -         -            -        -            -
withdraw    withdrawn     yes  S     S         -         -            -        -            -
qualify     qualified     -    -     A         -         A            -        -            -
disqualify  disqualified  yes  -     A         A         -            -        -            -
select      selected      yes  -     -         A         -            -        -            -
reject      not_selected  yes  -     -         A         -            -        -            -
reconsider  qualified     yes  -     -         -         -            A        A            -
drop        not_selected  yes  -     -         -         -            A        -            -
promote     selected      yes  -     -         -         -            -        A            -
"""

REVIEW = """
action  to         why  draft submitted
submit  submitted  -    R     -
"""

OBJECTION = """
action   to         why  open upheld dismissed
uphold   upheld     yes  A    -      -
dismiss  dismissed  yes  A    -      -
"""

PANEL_SEAT = """
action   to        why  assigned declined
decline  declined  yes  RA       -
"""

CONTRACT = """
action     to          why  draft active accepted eliminated failed
sign       active      -    A     -      -        -          -
accept     accepted    -    -     A      -        -          -
eliminate  eliminated  yes  -     A      -        -          -
fail       failed      yes  A     A      -        -          -
"""

MILESTONE = """
action     to         why  pending reported returned confirmed approved cancelled
report     reported   -    S       -        S        -         -        -
confirm    confirmed  -    -       E        -        -         -        -
send_back  returned   yes  -       E        -        -         -        -
approve    approved   -    -       -        -        A         -        -
rework     returned   yes  -       -        -        A         -        -
cancel     cancelled  yes  A       A        A        A         -        -
"""

ACCEPTANCE = """
action     to          why  draft submitted signed_off passed failed
submit     submitted   -    S     -         -          -      -
send_back  draft       yes  -     E         -          -      -
sign_off   signed_off  -    -     E         -          -      -
pass       passed      -    -     -         A          -      -
reject     failed      yes  -     -         A          -      -
reopen     draft       yes  -     -         -          -      A
"""

ORGANIZATION = """
action    to        why  pending verified returned
verify    verified  -    A       -        -
return    returned  yes  A       -        -
resubmit  pending   -    -       -        ES
"""

JOIN_REQUEST = """
action   to        why  pending approved refused
approve  approved  -    ESA     -        -
refuse   refused   yes  ESAY    -        -
"""

# A contract change request (challenge/changes): that the *other* party agrees or declines and
# only the asking party withdraws is a guard, pinned in tests/test_changes.py APPROVALS.
CHANGE_REQUEST = """
action    to         why  proposed agreed approved refused withdrawn
agree     agreed     -    ES       -      -        -       -
decline   refused    yes  ES       -      -        -       -
approve   approved   -    -        A      -        -       -
refuse    refused    yes  -        A      -        -       -
withdraw  withdrawn  yes  ES       ES     -        -       -
"""

# A professional body's (or an expert panel's) finding: the bureau adopts it or overrides it.
FINDING = """
action    to          why  submitted adopted overridden
adopt     adopted     -    A         -       -
override  overridden  yes  A         -       -
"""

WHO = {"E": Role.ENTERPRISE, "S": Role.SOLVER, "R": Role.REVIEWER, "A": Role.ADMIN, "Y": SYSTEM}


def parse(matrix: str) -> dict[str, tuple[str, bool, dict[str, str]]]:
    """{action: (target state, needs a reason, {state: letters})}; states with '-' left out."""
    header, *rows = [line.split() for line in matrix.strip().splitlines()]
    assert header[:3] == ["action", "to", "why"], header
    states = header[3:]
    table = {}
    for row in rows:
        assert len(row) == len(header), row
        action, target, why, cells = row[0], row[1], row[2], row[3:]
        assert why in ("yes", "-") and all(set(c) <= set(WHO) or c == "-" for c in cells), row
        table[action] = (target, why == "yes",
                         {state: cell for state, cell in zip(states, cells, strict=True) if cell != "-"})
    return table


def states_of(matrix: str) -> list[str]:
    return matrix.strip().splitlines()[0].split()[3:]


def cells(matrix: str):
    """(action, state, letters or '') for every cell, '-' as ''."""
    table = parse(matrix)
    for action, (_target, _why, allowed) in table.items():
        for state in states_of(matrix):
            yield action, state, allowed.get(state, "")


def may_act(matrix: str):
    """(action, source state, letter) for every actor a cell lets act."""
    for action, state, letters in cells(matrix):
        for letter in letters:
            yield action, state, letter
