"""WSGI entry point: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (what `make run` does).

Importing it builds the matching indexes; gunicorn (preload_app) imports it once in its master
and forks the workers, which then share them (challenge/serving.py)."""

from challenge.serving import create_server_app

app = create_server_app()
