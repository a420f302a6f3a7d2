"""The bureau's Excel/CSV exports: 榜, bids with scores, reviews, contracts, milestones, the
payments ledger and the audit trail, honouring the filters of the page they are taken from."""
