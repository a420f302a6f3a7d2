"""Command-line tasks: flask create-admin, seed-demo, close-expired, remind-overdue, send-mail,
audit verify, panel replay-draw; backup and restore live in backup.py."""

import click
from flask import Flask
from sqlalchemy import func, select

from .errors import Refused
from .extensions import db
from .models import Challenge, User


def register(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(close_expired_command)
    app.cli.add_command(remind_overdue_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(audit_group)
    from .backup import register as register_backup

    register_backup(app)  # flask backup / flask restore
    from .reviewing.draw import panel_command

    app.cli.add_command(panel_command)  # flask panel replay-draw


@click.command("create-admin")
@click.option("--email", prompt="邮箱", help="登录邮箱")
@click.option("--name", prompt="姓名", help="显示姓名")
@click.option("--org", default="科学技术局", show_default=True, help="所属单位（科技局）")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码")
def create_admin(email: str, name: str, org: str, password: str) -> None:
    """Create a bureau administrator account."""

    from .admin.operations import find_or_create_org
    from .auth.passwords import password_problem
    from .states import OrgType, Role

    email = email.strip().lower()
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(str(problem))
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise click.ClickException(f"邮箱 {email} 已被使用。")
    try:
        organization = find_or_create_org(org, OrgType.OTHER)
    except Refused as exc:
        raise click.ClickException(str(exc)) from None
    from .workflow import record

    user = User(email=email, name=name.strip(), role=Role.ADMIN, organization=organization)
    user.set_password(password)
    user.confirm_email()  # typed by the operator; two-factor enrolment follows on first sign-in
    db.session.add(user)
    db.session.flush()
    record(user, "create_account", None, object_type="user",
           changes={"role": [None, "admin"], "email": [None, email]})
    db.session.commit()
    click.echo(f"已创建管理员 {email}。首次登录时须绑定两步验证（身份验证器应用）。")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="仅在数据库中还没有任何账号时写入。")
def seed_demo(if_empty: bool) -> None:
    """Fill the database with demo organizations, accounts and 榜."""
    from .demo import seed

    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("数据库已有数据，跳过演示数据。")
            return
        raise click.ClickException("数据库已有数据；演示数据只能写入空数据库。")
    accounts = seed()
    click.echo("演示数据已写入。可用以下账号登录 http://127.0.0.1:5000 ：")
    for role, email, password in accounts:
        click.echo(f"  {role:<12} {email:<26} 密码 {password}")
    click.echo("管理员首次登录时须用手机身份验证器（如 Microsoft Authenticator）扫码绑定两步验证。")


@click.command("close-expired")
def close_expired_command() -> None:
    """Move open 榜 whose claim deadline has passed to review; remind overdue milestones."""
    from .posting.operations import close_expired

    closed = close_expired()
    for challenge in closed:
        click.echo(f"已截止：#{challenge.id} {challenge.title}")
    open_left = db.session.scalar(select(func.count(Challenge.id)).where(Challenge.state == "open"))
    click.echo(f"截止 {len(closed)} 个榜；仍在揭榜中 {open_left} 个。")
    _remind_overdue()  # the same clock job: milestones past their due date


def _remind_overdue() -> int:
    from .awarding.operations import remind_overdue

    notified = remind_overdue()
    db.session.commit()
    click.echo(f"逾期里程碑提醒 {notified} 个（每个里程碑只提醒一次）。")
    return notified


@click.command("remind-overdue")
def remind_overdue_command() -> None:
    """Tell solver, issuer and bureau, once, about each milestone past its due date unreported."""
    _remind_overdue()


@click.command("send-mail")
@click.option("--limit", default=500, show_default=True, help="本次最多发送的邮件数。")
def send_mail_command(limit: int) -> None:
    """Deliver the e-mail outbox over SMTP (MAIL_SERVER); without it, report and send nothing."""
    from flask import current_app

    from .mail import deliver_pending, pending_count

    config = current_app.config
    waiting = pending_count()
    if not config.get("MAIL_SERVER"):
        click.echo(f"待发送邮件 {waiting} 封；未配置 MAIL_SERVER，邮件发送已关闭，未发送任何邮件。")
        return
    report = deliver_pending(config, limit)
    click.echo(f"已发送 {report.sent} 封，失败 {report.failed} 封，仍待发送 {pending_count()} 封。")
    if report.error:
        raise click.ClickException(f"SMTP 服务器 {config['MAIL_SERVER']}:{config['MAIL_PORT']} "
                                   f"出错：{report.error}")


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
def audit_verify_command() -> None:
    """Walk the audit events' hash chain; report the first broken link (exit status 1)."""
    from .audit_trail.chain import verify_chain

    report = verify_chain()
    if not report.intact:
        intact = report.count - 1
        raise click.ClickException(f"审计链在事件 #{report.broken_id} 处断开（{report.problem}）——"
                                   f"{report.detail}此前 {intact} 条事件完好。")
    head = f"，链尾事件 #{report.head_id}，哈希 {report.head_hash}" if report.head_id else ""
    click.echo(f"审计链完整：共 {report.count} 条事件{head}。")
