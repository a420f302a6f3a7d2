"""The Celery application for the worker and beat processes:

    celery -A challenge.jobs.celery_app:celery worker
    celery -A challenge.jobs.celery_app:celery beat

It builds the Flask app from the same configuration as the web nodes (instance/config.py and
the environment: DATABASE_URL, SECRET_KEY, CELERY_BROKER_URL, ...), and every task runs inside
its app context. The web nodes never import this module: they reach their own Celery instance
as app.extensions["celery"]."""

from challenge import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
