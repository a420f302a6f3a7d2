"""The schema the migrations build is the schema the models describe, and the invariants it
holds (migration 0013) refuse a row that breaks them, on SQLite and PostgreSQL alike."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from challenge.awarding import operations as award_ops
from challenge.extensions import db
from challenge.models import (
    AccessGrant,
    Contract,
    ExpertProfile,
    ExpertWork,
    JoinRequest,
    Objection,
    Proposal,
    ProposalVersion,
    Review,
    ReviewAssignment,
)
from challenge.states import ChallengeState, Role
from tests import factories
from tests.conftest import USE_POSTGRES, _config, isolated_app, reset_database


def test_the_models_match_the_migrations(app):
    """Alembic finds nothing to generate: tables, columns, types, nullability, indexes,
    unique constraints and foreign keys of a freshly migrated database are the models'."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def _check_names(inspector, table: sa.Table) -> set[str]:
    return {c["name"] for c in inspector.get_check_constraints(table.name)}


def test_the_check_constraints_match_the_migrations(app):
    """Alembic does not compare CHECK constraints, so this does, by name, table by table."""
    inspector = sa.inspect(db.engine)
    expected = {t.name: {str(c.name) for c in t.constraints if isinstance(c, sa.CheckConstraint)}
                for t in db.metadata.sorted_tables}
    found = {t.name: _check_names(inspector, t) for t in db.metadata.sorted_tables}
    assert found == expected
    # 17 before 0013, its 36, 0018 2, 0022 11, 0023 5, 0024 3, 0025 4
    assert len(set().union(*expected.values())) == 78


@pytest.fixture(scope="module")
def rows(base_app, migrated_template):
    """One valid row of every table 0013 constrains, committed; each case breaks one and is
    rolled back."""
    reset_database(base_app, migrated_template)
    with base_app.app_context():
        issuer = factories.make_user(Role.ENTERPRISE)
        solver, reviewer = factories.make_user(Role.SOLVER), factories.make_user(Role.REVIEWER)
        admin = factories.make_user(Role.ADMIN)
        board = factories.make_challenge(issuer, ChallengeState.CLOSED, admin=admin, solver=solver)
        contract = db.session.scalars(sa.select(Contract)).one()
        proposal = db.session.get(Proposal, contract.proposal_id)
        factories.pay_in_full(contract, admin)
        profile = ExpertProfile(name="专家甲", source="admin")
        db.session.add_all([
            profile, ExpertWork(profile=profile, title="论文"),
            AccessGrant(challenge_id=board.id, user_id=solver.id),
            ReviewAssignment(challenge_id=board.id, reviewer_id=reviewer.id, assigned_by_id=admin.id),
            Review(challenge_id=board.id, proposal_id=proposal.id, reviewer_id=reviewer.id),
            Objection(challenge_id=board.id, filer_id=solver.id, reason="异议"),
            JoinRequest(organization_id=issuer.organization_id, user_id=solver.id),
            ProposalVersion(proposal_id=proposal.id, number=1, snapshot={}),
        ])
        award_ops.acceptance_for(contract)
        db.session.commit()
        yield
        db.session.rollback()
        db.session.remove()


def _set(table: str, assignment: str) -> str:
    return f"UPDATE {table} SET {assignment} WHERE id = (SELECT MIN(id) FROM {table})"


LEDGER_COLUMNS = ("contract_id, milestone_id, kind, payer, payee, amount_fen, paid_on, reference, "
                  "reason, recorded_by_id, recorded_at")


def _ledger_insert(**changed) -> str:
    """A copy of the first payment with *changed* columns (the ledger refuses updates)."""
    values = ", ".join(changed.get(c.strip(), c.strip()) for c in LEDGER_COLUMNS.split(","))
    return (f"INSERT INTO ledger_entries ({LEDGER_COLUMNS}) SELECT {values} FROM ledger_entries "
            f"WHERE id = (SELECT MIN(id) FROM ledger_entries)")


def _copy(table: str, columns: str) -> str:
    return (f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} "
            f"WHERE id = (SELECT MIN(id) FROM {table})")


# (the constraint, a statement that breaks it); the closed 榜 has every stamp, the other rows
# are in their first state.
CHECKS = [
    ("ck_organizations_orgtype", _set("organizations", "type = 'company'")),
    ("ck_organizations_orgstate", _set("organizations", "state = 'approved'")),
    ("ck_organizations_verified_stamped", _set("organizations", "verified_at = NULL")),
    ("ck_users_role", _set("users", "role = 'root'")),
    ("ck_challenges_challengekind", _set("challenges", "kind = 'secret'")),
    ("ck_challenges_fundingmode", _set("challenges", "funding_mode = 'loan'")),
    ("ck_challenges_confidentiality", _set("challenges", "confidentiality = 'top'")),
    ("ck_challenges_challengestate", _set("challenges", "state = 'Closed'")),
    ("ck_challenges_submitted_stamped", _set("challenges", "submitted_at = NULL")),
    ("ck_challenges_published_stamped", _set("challenges", "published_at = NULL")),
    ("ck_challenges_published_stamped", _set("challenges", "deadline_at = NULL")),
    ("ck_challenges_publicity_stamped",
     _set("challenges", "state = 'publicity', publicity_ends_at = NULL")),
    ("ck_challenges_contracted_stamped", _set("challenges", "contracted_at = NULL")),
    ("ck_challenges_accepted_stamped", _set("challenges", "accepted_at = NULL")),
    ("ck_challenges_ended_stamped", _set("challenges", "ended_at = NULL")),
    ("ck_expert_works_workkind", _set("expert_works", "kind = 'book'")),
    ("ck_org_join_requests_joinstate", _set("org_join_requests", "state = 'maybe'")),
    ("ck_org_join_requests_decided_stamped", _set("org_join_requests", "state = 'approved'")),
    ("ck_access_grants_accessstate", _set("access_grants", "state = 'open'")),
    ("ck_access_grants_decided_stamped", _set("access_grants", "state = 'granted'")),
    ("ck_proposals_proposalstate", _set("proposals", "state = 'won'")),
    ("ck_proposals_submitted_stamped", _set("proposals", "submitted_at = NULL")),
    ("ck_review_assignments_panelseatstate", _set("review_assignments", "state = 'absent'")),
    ("ck_review_assignments_declined_stamped", _set("review_assignments", "state = 'declined'")),
    ("ck_reviews_reviewstate", _set("reviews", "state = 'final'")),
    ("ck_reviews_submitted_stamped", _set("reviews", "state = 'submitted'")),
    ("ck_objections_objectionstate", _set("objections", "state = 'closed'")),
    ("ck_objections_answered_stamped", _set("objections", "state = 'upheld'")),
    ("ck_contracts_fundingmode", _set("contracts", "funding_mode = 'loan'")),
    ("ck_contracts_contractstate", _set("contracts", "state = 'signed'")),
    ("ck_contracts_failurerule", _set("contracts", "failure_rule = 'forgive'")),
    ("ck_contracts_signed_stamped", _set("contracts", "signed_at = NULL")),
    ("ck_contracts_ended_stamped", _set("contracts", "ended_at = NULL")),
    ("ck_contract_milestones_milestonestate", _set("contract_milestones", "state = 'late'")),
    ("ck_acceptances_acceptancestate", _set("acceptances", "state = 'ok'")),
    ("ck_ledger_entries_entrykind", _ledger_insert(kind="'gift'")),
    ("ck_ledger_entries_payer", _ledger_insert(payer="'bank'")),
]


@pytest.mark.parametrize("constraint,statement", CHECKS,
                         ids=[f"{name}-{n}" for n, (name, _s) in enumerate(CHECKS)])
def test_a_row_breaking_a_check_is_refused(rows, constraint, statement):
    with pytest.raises(IntegrityError) as refused:
        db.session.execute(sa.text(statement))
    db.session.rollback()
    assert constraint in str(refused.value.orig)


UNIQUES = [
    ("uq_proposal_versions_proposal_number", ("proposal_versions.proposal_id", "proposal_versions.number"),
     _copy("proposal_versions", "proposal_id, number, submitted_at, snapshot")),
    ("uq_indicator_responses_proposal_indicator",
     ("indicator_responses.proposal_id", "indicator_responses.indicator_id"),
     _copy("indicator_responses", "proposal_id, indicator_id, committed_value, evidence_plan")),
]


@pytest.mark.parametrize("constraint,columns,statement", UNIQUES, ids=[u[0] for u in UNIQUES])
def test_a_duplicate_is_refused(rows, constraint, columns, statement):
    with pytest.raises(IntegrityError) as refused:
        db.session.execute(sa.text(statement))
    db.session.rollback()
    # PostgreSQL names the constraint; SQLite names its columns.
    said = constraint if db.engine.dialect.name == "postgresql" else ", ".join(columns)
    assert said in str(refused.value.orig)


def test_the_valid_rows_themselves_are_accepted(rows):
    """The cases above fail for the reason they name: unchanged, the rows are fine."""
    for _constraint, statement in CHECKS:
        if statement.startswith("UPDATE"):
            table = statement.split()[1]
            db.session.execute(sa.text(_set(table, "id = id")))
    db.session.execute(sa.text(_set("challenges", "state = 'publicity', publicity_ends_at = ended_at")))
    db.session.execute(sa.text(_ledger_insert()))
    db.session.rollback()


@pytest.mark.skipif(USE_POSTGRES, reason="builds its own SQLite file")
def test_rows_breaking_0013_stop_it_and_nothing_changes(tmp_path, capfd):
    """A verified organisation without its time and one of an unknown type: the upgrade names
    both and leaves the database at 0012; once repaired it upgrades, and a downgrade and upgrade
    again leave the schema as they found it (triggers and partial indexes included)."""
    app = isolated_app(_config(f"sqlite:///{tmp_path / 'm.sqlite'}"))
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as conn:
            for n, kind in ((1, "enterprise"), (2, "company")):
                conn.execute(sa.text(
                    "INSERT INTO organizations (id, name, type, region, state, licence_name, "
                    "licence_stored, licence_type, licence_size, return_reason, created_at) VALUES "
                    "(:n, :name, :kind, '示范市', 'verified', '', '', '', 0, '', '2026-01-01 00:00:00')"),
                    {"n": n, "name": f"旧单位{n}", "kind": kind})
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's error and exits
            upgrade()
        said = capfd.readouterr().err
        assert "migration 0013 stops, nothing changed" in said
        assert "2 row(s) of organizations break ck_organizations_verified_stamped" in said
        assert "1 row(s) of organizations break ck_organizations_orgtype" in said
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0012"
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE organizations SET verified_at = created_at, type = 'other'"))
        upgrade()
        schema = _schema()
        downgrade(revision="0012")
        upgrade()
        assert _schema() == schema
        db.engine.dispose()


def _schema() -> tuple:
    """Indexes and triggers as SQLite keeps them, the CHECK constraints and columns per table."""
    with db.engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT type, name, sql FROM sqlite_master WHERE type IN "
                                    "('index', 'trigger') ORDER BY type, name")).all()
        inspector = sa.inspect(conn)
        tables = {t: ({c["name"] for c in inspector.get_check_constraints(t)},
                      [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(t)])
                  for t in inspector.get_table_names()}
    return kept, tables
