"""奖榜: contracts, milestones, acceptance and the payments ledger (SPEC §7)."""
