"""The user agreement and privacy policy every registrant accepts (version: TERMS_VERSION)."""

from flask import Blueprint, render_template
from flask_babel import gettext as _

bp = Blueprint("legal", __name__)


@bp.route("/terms")
def terms():
    return render_template("legal/terms.html", title=_("用户协议"))


@bp.route("/privacy")
def privacy():
    return render_template("legal/privacy.html", title=_("隐私政策"))
