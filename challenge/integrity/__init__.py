"""失信 records: the bureau's integrity findings against organisations and people, the party's
one objection and the bureau's answer, and their enforcement at bidding and seating (SPEC §14)."""
