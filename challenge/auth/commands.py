"""`flask reset-2fa EMAIL`: for someone who lost both the authenticator and the recovery codes."""

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
