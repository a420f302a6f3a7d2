"""The auth blueprint, shared by views.py, email_views.py and two_factor_views.py (each adds
its routes), so none of them imports another."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")
