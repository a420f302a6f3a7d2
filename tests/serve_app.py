"""The app exactly as `make run` serves it (`challenge.serving.create_server_app`, what wsgi.py
calls), for gunicorn in tests/test_serving.py, plus response headers that only tests add: the
answering worker's pid, the pid that built the matching indexes, and whether the worker still
uses those very index objects (inherited through fork, not rebuilt)."""

import os

from challenge.serving import create_server_app


def create(instance_path: str):
    app = create_server_app(instance_path=instance_path)
    service = app.extensions["matching"]
    built_needs, built_by = service.needs, os.getpid()  # the master, under preload_app
    inner = app.wsgi_app

    def tagged(environ, start_response):
        def start(status, headers, exc_info=None):
            headers = [*headers, ("X-Worker-Pid", str(os.getpid())),
                       ("X-Index-Built-By", str(built_by)),
                       ("X-Index-Inherited",
                        "yes" if built_needs is not None and service.needs is built_needs else "no")]
            return start_response(status, headers, exc_info)

        return inner(environ, start)

    app.wsgi_app = tagged
    return app
