"""Walk the audit events' hash chain (see AuditEvent, link_hash) and find the first broken link.

An edit made behind the database's triggers (by someone holding the database itself) shows as an
event whose content no longer matches its hash; a removed event as a successor naming a
predecessor that is not there; events moved or spliced in as a successor naming another event.
Removing the newest events leaves a shorter intact chain: compare the count and head hash this
reports with ones noted earlier.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent
from ..models.audit import CHAINED_FIELDS, GENESIS_HASH, link_hash

BATCH = 2000


@dataclass(frozen=True)
class ChainReport:
    count: int                      # events checked, up to and including the break
    head_id: int | None = None      # the last intact event
    head_hash: str = GENESIS_HASH
    broken_id: int | None = None    # the first event whose link is broken
    problem: str = ""               # edited | missing | mismatch
    detail: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_chain() -> ChainReport:
    """Check every event in id order; stop at the first broken link."""
    columns = [AuditEvent.id, AuditEvent.prev_hash, AuditEvent.hash,
               *(getattr(AuditEvent, name) for name in CHAINED_FIELDS)]
    rows = db.session.execute(select(*columns).order_by(AuditEvent.id)
                              .execution_options(yield_per=BATCH)).mappings()
    count, head_id, head_hash = 0, None, GENESIS_HASH
    for row in rows:
        count += 1
        problem = _broken_link(row, head_id, head_hash)
        if problem:
            rows.close()
            return ChainReport(count, head_id, head_hash, row["id"], *problem)
        head_id, head_hash = row["id"], row["hash"]
    return ChainReport(count, head_id, head_hash)


def _broken_link(row, head_id: int | None, head_hash: str) -> tuple[str, str] | None:
    if link_hash(row["prev_hash"], row) != row["hash"]:
        return "edited", _("内容被改动：按内容重算的哈希与记录的哈希不符。")
    if row["prev_hash"] == head_hash:
        return None
    named = db.session.scalar(select(AuditEvent.id).where(AuditEvent.hash == row["prev_hash"]))
    if named is None and head_id is None:
        return "missing", _("缺失事件：它记录的前一条哈希不属于任何现存事件，它之前的事件被删除。")
    if named is None:
        return "missing", _("缺失事件：它记录的前一条哈希不属于任何现存事件，事件 #%(id)s 之后的事件"
                            "被删除（或 #%(id)s 被改写）。", id=head_id)
    return "mismatch", _("前一哈希不符：它接在事件 #%(named)s 之后，而链中排在它前面的是%(before)s。",
                         named=named, before=_("链首") if head_id is None else f" #{head_id}")
