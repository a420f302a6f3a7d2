"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run` (what `make run` does).

The matching indexes are built in the background as the server starts."""

from challenge import create_app
from challenge.matching_service import warm_up

app = create_app()
warm_up(app)
