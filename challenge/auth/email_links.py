"""The mails that carry a signed link (confirm the address, reset the password) and consent."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..mail import queue_email
from ..models import User
from ..security import external_url
from ..timeutil import utcnow
from ..workflow import record
from . import throttle, tokens


def accept_terms(user: User) -> None:
    """Record that the registrant accepted the current user agreement and privacy policy."""
    user.terms_version = current_app.config["TERMS_VERSION"]
    user.terms_accepted_at = utcnow()
    record(user, "accept_terms", user, object_type="user",
           changes={"terms_version": [None, user.terms_version]})


def send_confirmation(user: User) -> bool:
    if not throttle.allow_mail(user.email):
        return False
    link = external_url("auth.confirm", token=tokens.confirm_token(user))
    days = current_app.config["CONFIRM_TOKEN_MAX_AGE"] // (24 * 3600)
    queue_email(user, _l("请确认您的注册邮箱"), _l(
        "%(name)s，您好：\n\n感谢注册揭榜挂帅平台。请在 %(days)d 天内打开下面的链接确认邮箱，"
        "确认后即可使用全部功能。\n\n%(link)s\n\n如果这不是您本人的操作，请忽略本邮件。",
        name=user.name, days=days, link=link))
    return True


def send_reset(user: User) -> bool:
    if not throttle.allow_mail(user.email):
        return False
    link = external_url("auth.reset_password", token=tokens.reset_token(user))
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    queue_email(user, _l("重设密码"), _l(
        "%(name)s，您好：\n\n有人（希望是您本人）申请重设揭榜挂帅平台账号的密码。请在 %(minutes)d "
        "分钟内打开下面的链接设置新密码，链接只能使用一次。\n\n%(link)s\n\n"
        "如果您没有申请，请忽略本邮件，您的密码不会改变。",
        name=user.name, minutes=minutes, link=link))
    record(user, "request_password_reset", None, object_type="user")
    return True
