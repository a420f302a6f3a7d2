"""After a failed contract (SPEC §14): the diligence determination (尽职 / 失职) the bureau
records for an expert group or a third-party body; for a negligent failure, the integrity
(失信) finding against the solver; for a diligent one, the enterprise's R&D spend receipts, their
verification, 风险补偿 through the ledger and the release of 暂扣 money. Audited through
`record`; the caller commits."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from ..errors import Refused
from ..extensions import db
from ..integrity.operations import FindingInput, record_finding
from ..locales import money
from ..locking import lock_for_write
from ..models import Challenge, Contract, Determination, DiligenceFile, LedgerEntry, SpendReceipt, User
from ..money import format_wan
from ..notices import issuer_user_ids
from ..permissions import is_admin, is_issuer
from ..states import ContractState, DeterminedBy, Diligence, EntryKind, Payer
from ..timeutil import local_date, utcnow
from ..uploads import remove_when_deleted, store_upload, stored_path
from ..workflow import record
from . import ledger
from .flows import solver_user_ids
from .operations import announce
from .rules import contracts_of, lines_of, terms_of

MAX_FILES = 20


def determination_of(contract: Contract) -> Determination | None:
    return db.session.scalar(select(Determination).where(Determination.contract_id == contract.id))


def receipts_of(contract: Contract) -> list[SpendReceipt]:
    return list(db.session.scalars(select(SpendReceipt).where(SpendReceipt.contract_id == contract.id)
                                   .order_by(SpendReceipt.id)))


def _parties(contract: Contract) -> list[int]:
    """the solver organization and the issuing enterprise"""
    return solver_user_ids(contract) + issuer_user_ids(contract.challenge)


# -- the determination ---------------------------------------------------------------------

def determine(contract: Contract, admin: User, verdict: Diligence, reasons: str,
              determined_by: DeterminedBy, determiners: str, finding: FindingInput | None = None,
              now: datetime | None = None) -> Determination:
    """Record the determination once; a negligent one also records the 失信 finding against the
    solver organisation (*finding*: its grade, reason and period)."""
    now = now or utcnow()
    lock_for_write(Challenge, contract.challenge_id)
    if not is_admin(admin):
        raise Refused(_("只有科技局可以登记尽职认定。"))
    if contract.state is not ContractState.FAILED:
        raise Refused(_("只有判定失败的合同才需要尽职认定。"))
    if contract.signed_at is None:
        raise Refused(_("合同未签订即已放弃，无需尽职认定。"))
    if determination_of(contract) is not None:
        raise Refused(_("本合同已有尽职认定，不能更改。"))
    if not reasons.strip():
        raise Refused(_("请填写认定理由。"), "reasons")
    if not determiners.strip():
        raise Refused(_("请填写作出认定的专家组成员或机构名称。"), "determiners")
    if verdict is Diligence.NEGLIGENT and finding is None:
        raise Refused(_("认定失职须同时记录失信行为（等级与期限）。"), "grade")
    determination = Determination(contract_id=contract.id, verdict=verdict, reasons=reasons.strip(),
                                  determined_by=determined_by, determiners=determiners.strip(),
                                  recorded_by_id=admin.id, recorded_at=now)
    db.session.add(determination)
    db.session.flush()
    record(contract, "determine", admin, reason=reasons.strip(), now=now, changes={
        "verdict": [None, verdict.value], "determined_by": [None, determined_by.value],
        "determiners": [None, determiners.strip()]})
    if verdict is Diligence.NEGLIGENT:
        record_finding(admin, finding, organization=contract.solver_org, contract_id=contract.id,
                       now=now)
    announce(contract, admin, _l("「%(title)s」的合同失败经认定为「%(verdict)s」：%(reasons)s",
                                title=contract.challenge.title,
                                verdict=LazyString(lambda: verdict.label), reasons=reasons.strip()),
             _parties)
    return determination


def add_evidence(determination: Determination, admin: User, upload) -> DiligenceFile:
    lock_for_write(Challenge, determination.contract.challenge_id)
    if len(determination.files) >= MAX_FILES:
        raise Refused(_("最多 %(n)d 个附件。", n=MAX_FILES), "file")
    stored = store_upload(upload, "diligence")
    item = DiligenceFile(determination=determination, original_name=stored.original_name,
                         stored_name=stored.stored_name, content_type=stored.content_type,
                         size=stored.size, uploaded_by_id=admin.id)
    db.session.add(item)
    db.session.flush()
    record(determination.contract, "attach", admin, changes={"evidence": [None, item.original_name]})
    return item


def file_path(stored_name: str):
    return stored_path("diligence", stored_name)


remove_when_deleted(SpendReceipt, "diligence")


# -- R&D spend receipts --------------------------------------------------------------------

@dataclass(frozen=True)
class ReceiptInput:
    description: str
    amount_fen: int
    spent_on: date


def _diligent(contract: Contract) -> bool:
    found = determination_of(contract)
    return contract.state is ContractState.FAILED and found is not None \
        and found.verdict is Diligence.DILIGENT


def add_receipt(contract: Contract, user: User, values: ReceiptInput, upload,
                now: datetime | None = None) -> SpendReceipt:
    """The issuing enterprise claims R&D spend on a failure determined diligent."""
    now = now or utcnow()
    lock_for_write(Challenge, contract.challenge_id)
    if not is_issuer(user, contract.challenge):
        raise Refused(_("只有发榜企业可以上传研发投入凭证。"))
    if not _diligent(contract):
        raise Refused(_("合同失败经认定尽职后，企业才能申报研发投入。"))
    if not values.description.strip():
        raise Refused(_("请填写支出说明。"), "description")
    if values.amount_fen <= 0:
        raise Refused(_("金额必须大于零。"), "amount")
    if values.spent_on > local_date(now):
        raise Refused(_("支出日期不能晚于今天。"), "spent_on")
    stored = store_upload(upload, "diligence")
    receipt = SpendReceipt(contract_id=contract.id, description=values.description.strip()[:200],
                           amount_fen=values.amount_fen, spent_on=values.spent_on,
                           original_name=stored.original_name, stored_name=stored.stored_name,
                           content_type=stored.content_type, size=stored.size,
                           uploaded_by_id=user.id, uploaded_at=now)
    db.session.add(receipt)
    db.session.flush()
    record(contract, "add_receipt", user, now=now, changes={
        "receipt": [None, receipt.id], "amount_fen": [None, values.amount_fen]})
    return receipt


def verify_receipt(receipt: SpendReceipt, admin: User, verified_fen: int, note: str,
                   now: datetime | None = None) -> None:
    """The bureau verifies a receipt once: the amount it accepts (0 refuses it), with a note
    required when it accepts less than claimed."""
    lock_for_write(Challenge, receipt.contract.challenge_id)
    if not is_admin(admin):
        raise Refused(_("只有科技局可以核定研发投入。"))
    if receipt.verified_at is not None:
        raise Refused(_("该凭证已核定，不能再改。"))
    if not 0 <= verified_fen <= receipt.amount_fen:
        raise Refused(_("核定金额须在 0 到申报金额 %(max)s 万元之间。",
                        max=format_wan(receipt.amount_fen)), "verified")
    if verified_fen < receipt.amount_fen and not note.strip():
        raise Refused(_("核减或不予认可时请说明理由。"), "note")
    receipt.verified_fen, receipt.verified_by_id = verified_fen, admin.id
    receipt.verified_at, receipt.verify_note = now or utcnow(), note.strip()
    db.session.flush()
    record(receipt.contract, "verify_receipt", admin, reason=note.strip(), now=now, changes={
        "receipt": [None, receipt.id], "verified_fen": [None, verified_fen]})


def verified_spend(contract: Contract) -> int:
    return sum(r.verified_fen or 0 for r in receipts_of(contract))


# -- 风险补偿 and the 榜's cap -------------------------------------------------------------

def compensation_limit(contract: Contract) -> int:
    """What this failed contract may be compensated in all, as the rules compute it."""
    elsewhere = sum(ledger.compensated(lines_of(c)) for c in contracts_of(contract.challenge)
                    if c.id != contract.id)
    return ledger.compensation_limit(verified_spend(contract),
                                     current_app.config["RISK_COMPENSATION_SHARE_BP"],
                                     contract.challenge.compensation_cap_fen, elsewhere)


def set_compensation_cap(challenge: Challenge, admin: User, cap_fen: int) -> None:
    lock_for_write(Challenge, challenge.id)
    if not is_admin(admin):
        raise Refused(_("只有科技局可以设定风险补偿上限。"))
    if cap_fen < 0:
        raise Refused(_("补偿上限不能为负数。"), "cap")
    paid = sum(ledger.compensated(lines_of(c)) for c in contracts_of(challenge))
    if cap_fen < paid:
        raise Refused(_("本榜已补偿 %(paid)s 万元，上限不能低于此数。", paid=format_wan(paid)), "cap")
    if cap_fen != challenge.compensation_cap_fen:
        record(challenge, "set_compensation_cap", admin,
               changes={"compensation_cap_fen": [challenge.compensation_cap_fen, cap_fen]})
        challenge.compensation_cap_fen = cap_fen
        db.session.flush()


def pay_compensation(contract: Contract, admin: User, amount_fen: int, paid_on: date, reference: str,
                     now: datetime | None = None) -> LedgerEntry:
    """风险补偿: the government to the issuing enterprise, its own ledger kind, append-only."""
    now = now or utcnow()
    lock_for_write(Challenge, contract.challenge_id)  # the 榜's cap is shared by its contracts
    problem = ledger.compensation_problem(terms_of(contract), lines_of(contract),
                                          compensation_limit(contract), amount_fen)
    if problem:
        raise Refused(problem, "amount")
    if paid_on > local_date(now):
        raise Refused(_("付款日期不能晚于今天。"), "paid_on")
    entry = LedgerEntry(contract_id=contract.id, kind=EntryKind.COMPENSATION, payer=Payer.GOVERNMENT,
                        payee=contract.challenge.issuer.name, amount_fen=amount_fen,
                        paid_on=paid_on, reference=reference.strip(), recorded_by_id=admin.id,
                        recorded_at=now)
    db.session.add(entry)
    db.session.flush()
    record(contract, "compensate", admin, now=now, changes={
        "entry": [None, entry.id], "amount_fen": [None, amount_fen]})
    announce(contract, admin, _l("「%(title)s」登记风险补偿 %(amount)s。", title=contract.challenge.title,
                                amount=LazyString(money, amount_fen)),
             lambda c: issuer_user_ids(c.challenge))
    return entry
