"""Accounts: sign-in, registration, e-mail links, throttling, two-factor (blueprint in views)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The account mechanisms beside the blueprint: counters, the gate, /terms and /privacy."""
    from . import gate, legal, throttle

    throttle.init_app(app)
    app.before_request(gate.check)
    app.register_blueprint(legal.bp)
