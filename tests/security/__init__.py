"""Attacks replayed over HTTP against a live server, and fuzzing."""
