"""Accounts: sign-in, registration, e-mail links, throttling, two-factor (blueprint in views)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The account mechanisms beside the blueprint: counters, the gate, /terms and /privacy,
    `flask reset-2fa`."""
    from . import gate, legal, throttle
    from .commands import reset_two_factor

    throttle.init_app(app)
    app.before_request(gate.check)
    app.register_blueprint(legal.bp)
    app.cli.add_command(reset_two_factor)
