"""成果: what came of an accepted contract (issue 15 item 7)."""
