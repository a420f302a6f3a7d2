"""The audit trail for the bureau: every recorded event, filtered, paged and exported."""
