"""Organisations: verification by the bureau, and membership granted by the org admin
(invitation or approved join request), never claimed by typing a name."""
