"""Accounts: sign-in, registration, e-mail links, throttling, two-factor (blueprint in views)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The account mechanisms beside the blueprint: counters, the gate, /terms and /privacy,
    `flask reset-2fa`, `flask two-factor rotate-key`."""
    from . import gate, legal, throttle, totp_keys
    from .commands import reset_two_factor, two_factor_group

    totp_keys.init_app(app)  # TOTP_ENCRYPTION_KEYS from the environment; refuses bad keys
    throttle.init_app(app)
    app.before_request(gate.check)
    app.register_blueprint(legal.bp)
    app.cli.add_command(reset_two_factor)
    app.cli.add_command(two_factor_group)  # flask two-factor rotate-key
