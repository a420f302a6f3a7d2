"""奖榜 through the operations and the door, one whole contract from signing to 结榜."""

import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from challenge.awarding import operations as ops
from challenge.awarding.rules import contract_totals
from challenge.extensions import db
from challenge.models import AuditEvent
from challenge.states import (
    AcceptanceState,
    ChallengeState,
    ContractState,
    FundingMode,
    MilestoneState,
    Payer,
)
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform

PDF = b"%PDF-1.4\n% evidence\n"


def pdf(name="证明.pdf"):
    return FileStorage(stream=io.BytesIO(PDF), filename=name, content_type="application/pdf")


def test_milestone_funded_contract_from_signing_to_closed(make, people):
    admin, issuer, solver = people["admin"], people["issuer"], people["solver"]
    board = make.challenge(issuer, ChallengeState.PUBLICITY, admin=admin,
                           funding_mode=FundingMode.MILESTONE)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    proposal = make.winner(board, solver)
    contract = ops.draft_contract(proposal, admin)
    values = ops.contract_defaults(proposal) | {"number": contract.number, "amount_fen": 100_000_000,
                                                 "subsidy_rate_bp": 3000, "subsidy_cap_fen": 20_000_000}
    ops.update_contract(contract, admin, values)
    ops.sign_contract(contract, admin)
    db.session.commit()
    assert contract.state is ContractState.ACTIVE and board.state is ChallengeState.CONTRACTED
    assert contract.subsidy_fen == 20_000_000  # 30 % of 100 万 = 30 万, capped at 20 万

    first, second = contract.milestones
    perform(first, "report", solver, report="完成样机")
    ops.add_file(first, solver, pdf())
    perform(first, "confirm", issuer)
    perform(first, "approve", admin)
    ops.record_payment(contract, admin, ops.PaymentInput(Payer.ENTERPRISE, 40_000_000, local_today(),
                                                         first.id, "银行流水 001"))
    ops.record_payment(contract, admin, ops.PaymentInput(Payer.GOVERNMENT, 8_000_000, local_today(),
                                                         first.id, "财政 001"))
    totals = contract_totals(contract)
    assert (totals.paid, totals.remaining, totals.due) == (48_000_000, 72_000_000, 0)

    perform(second, "report", solver, report="达到全部指标")
    perform(second, "confirm", issuer)
    perform(second, "approve", admin)
    acceptance = ops.acceptance_for(contract)
    ops.save_acceptance(acceptance, solver, "全部达标",
                        {item.id: "99.98" for item in acceptance.items})
    for item in acceptance.items:
        ops.add_file(item, solver, pdf())
    perform(acceptance, "submit", solver)
    perform(acceptance, "sign_off", issuer, judgements={i.id: True for i in acceptance.items},
            opinion="同意")
    perform(acceptance, "pass", admin)
    ops.settle(board, admin)
    db.session.commit()
    assert acceptance.state is AcceptanceState.PASSED and contract.state is ContractState.ACCEPTED
    assert board.state is ChallengeState.ACCEPTED and board.accepted_at is not None
    assert second.state is MilestoneState.APPROVED

    ops.record_payment(contract, admin, ops.PaymentInput(Payer.ENTERPRISE, 60_000_000, local_today(),
                                                         second.id, "银行流水 002"))
    assert board.state is ChallengeState.ACCEPTED  # the subsidy is still owed
    ops.record_payment(contract, admin, ops.PaymentInput(Payer.GOVERNMENT, 12_000_000, local_today(),
                                                         None, "财政 002"))
    db.session.commit()
    assert board.state is ChallengeState.AWARDED
    ops.finish(board, admin)
    db.session.commit()
    assert board.state is ChallengeState.CLOSED and board.ended_at is not None
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "challenge", AuditEvent.object_id == board.id)
        .order_by(AuditEvent.id)).all()
    assert actions[-4:] == ["contract", "accept", "award", "finish"]
