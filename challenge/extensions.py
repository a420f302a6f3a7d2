"""Extensions, created unbound; create_app binds them with init_app."""

from flask import has_request_context, request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .inputs import page_number

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PagingSQLAlchemy(SQLAlchemy):
    """`db.paginate` reads ?page= through the one page parser (clamped, never an OFFSET the
    database refuses) and never lets the query string choose the page size."""

    def paginate(self, select, *, page=None, per_page=None, **kw):
        if page is None:
            page = page_number(request.args.get("page")) if has_request_context() else 1
        return super().paginate(select, page=page, per_page=per_page or 20, **kw)


db = PagingSQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
