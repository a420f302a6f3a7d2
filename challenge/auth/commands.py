"""`flask reset-2fa EMAIL`: for someone who lost both the authenticator and the recovery codes;
`flask two-factor rotate-key`: seal every two-factor secret with the first key after a rotation."""

import click
from sqlalchemy import func, select

from ..extensions import db
from ..models import User


@click.command("reset-2fa")
@click.argument("email")
@click.option("--reason", required=True, help="为何重置（写入审计日志），如“手机遗失，已当面核实身份”。")
def reset_two_factor(email: str, reason: str) -> None:
    """Remove an account's two-factor enrolment and end its sessions; it enrols again next time."""
    from .two_factor import disable

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"没有邮箱为 {email} 的账号。")
    if not user.two_factor_enabled:
        raise click.ClickException(f"{user.email} 尚未开启两步验证。")
    disable(user, None, reason=reason)
    user.rotate_session_token()
    db.session.commit()
    click.echo(f"已重置 {user.email} 的两步验证；该账号下次登录时需重新绑定。")


@click.group("two-factor")
def two_factor_group() -> None:
    """Two-factor secrets at rest."""


@two_factor_group.command("rotate-key")
def rotate_key() -> None:
    """Seal every stored two-factor secret again with the first key of TOTP_ENCRYPTION_KEYS.

    After putting a new key first (the old one kept after it): run this, then drop the old key.
    Nothing is written unless every secret opens, so a missing key changes no row."""
    from ..workflow import record
    from .totp_keys import SecretUnavailable, reseal

    users = db.session.scalars(select(User).where(User.totp_secret.is_not(None))
                               .order_by(User.id)).all()
    unreadable = []
    for user in users:
        try:
            user.totp_secret = reseal(user.totp_secret)
        except SecretUnavailable:
            unreadable.append(user.email)
    if unreadable:
        db.session.rollback()
        raise click.ClickException(
            f"没有任何密钥能解开以下账号的两步验证密钥，未做任何更改：{', '.join(unreadable)}。"
            "请把原来的密钥放回 TOTP_ENCRYPTION_KEYS（排在新密钥之后）再运行。")
    for user in users:
        record(user, "rotate_totp_key", None, object_type="user")
    db.session.commit()
    click.echo(f"已用 TOTP_ENCRYPTION_KEYS 的第一个密钥重新加密 {len(users)} 个账号的两步验证密钥；"
               "现在可以从 TOTP_ENCRYPTION_KEYS 中删除旧密钥。")
