"""The navbar's message counter comes with the signed-in user: no template global queries for it."""

from sqlalchemy import event

from challenge.extensions import db
from challenge.models import Notification


def _statements(client, path):
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get(path).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return page, seen


def test_the_unread_counter_is_read_with_the_user(client, auth, people):
    solver = people["solver"]
    db.session.add_all([Notification(user_id=solver.id, message=f"消息 {n}", link="/") for n in range(3)]
                       + [Notification(user_id=people["issuer"].id, message="别人的", link="/")])
    db.session.commit()
    auth.login(solver)

    page, statements = _statements(client, "/")
    assert 'data-testid="unread">3<' in page
    about_notifications = [s for s in statements if "notifications" in s]
    assert len(about_notifications) == 1            # the user's own load, nothing else
    assert "FROM users" in about_notifications[0]

    client.post("/me/notifications/read")
    page, _ = _statements(client, "/")
    assert 'data-testid="unread"' not in page
