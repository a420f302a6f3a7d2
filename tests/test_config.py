"""Configuration order and the refusal to run in production with the development secret."""

import os

import pytest

from challenge import InsecureConfigError, create_app
from challenge.config import DEV_SECRET_KEY


def test_refuses_dev_secret_outside_debug_and_testing(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(InsecureConfigError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"},
                   instance_path=str(tmp_path))


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    monkeypatch.setenv("FLASK_PER_PAGE", "7")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")
    assert app.config["PER_PAGE"] == 7


def test_default_database_is_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True}, instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{app.instance_path}/challenge.sqlite")
    assert app.config["SECRET_KEY"] == os.environ.get("SECRET_KEY", DEV_SECRET_KEY)


def test_instance_config_overrides_defaults_and_environment_overrides_it(monkeypatch, tmp_path):
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-instance'\nPER_PAGE = 9\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_PER_PAGE", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert (app.config["SECRET_KEY"], app.config["PER_PAGE"]) == ("from-instance", 9)
    monkeypatch.setenv("FLASK_PER_PAGE", "7")
    assert create_app(instance_path=str(tmp_path)).config["PER_PAGE"] == 7


def test_error_pages_are_styled(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    assert "榜单大厅" in response.get_data(as_text=True)


def test_assets_are_local(client):
    html = client.get("/").get_data(as_text=True)
    assert "cdn" not in html.lower() and "https://" not in html
    for url in ("/bootstrap/static/css/bootstrap.min.css", "/static/js/app.js"):
        response = client.get(url)
        assert response.status_code == 200
        response.close()
