"""专家库: the bureau's expert pool — import from Excel/CSV, export, edit, deactivate."""
