"""Changes after the fact: deadline extensions and addenda (补充通知) on a published 榜, and
change requests to a signed contract (the other party agrees, then the bureau approves) with
the contract's versions."""
