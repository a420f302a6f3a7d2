"""The deploy/ kit: the Compose file describes the topology it claims (parsed, since Docker is
not run here), the nginx site really serves in front of the app (nginx started on loopback
ports with a throwaway certificate), and systemd accepts the units."""

import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from challenge.config import DefaultConfig

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
REPO = DEPLOY.parent
GUNICORN_CONF = "deploy/gunicorn.conf.py"
CELERY_APP = "challenge.jobs.celery_app:celery"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_the_production_topology(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "app1", "app2", "worker", "beat",
                             "nginx"}
    apps = [name for name in services if name.startswith("app")]
    for name in apps:
        command = services[name]["command"]
        assert command[:3] == ["gunicorn", "--config", GUNICORN_CONF] and "wsgi:app" in command
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
    assert services["worker"]["command"][:3] == ["celery", "--app", CELERY_APP]
    assert services["beat"]["command"][:4] == ["celery", "--app", CELERY_APP, "beat"]
    assert sum("beat" in " ".join(s.get("command") or []) for s in services.values()) == 1


def test_compose_app_nodes_and_worker_share_their_state(compose):
    """Interchangeable nodes: one database, one broker, one upload volume at UPLOAD_ROOT."""
    services = compose["services"]
    stateful = ["app1", "app2", "worker"]
    environments = [services[name]["environment"] for name in stateful]
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "UPLOAD_ROOT", "SECRET_KEY",
                "FLASK_RATELIMIT_STORAGE_URI"):
        assert len({env[key] for env in environments}) == 1, key
    root = environments[0]["UPLOAD_ROOT"]
    for name in stateful:
        assert f"uploads:{root}" in services[name]["volumes"]
    assert "@postgres:5432/" in environments[0]["DATABASE_URL"]
    assert environments[0]["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert environments[0]["LOG_FORMAT"] == "json" and environments[0]["METRICS_ENABLED"] == "1"
    assert "uploads" in compose["volumes"] and "pgdata" in compose["volumes"]


def test_compose_nginx_balances_over_every_app_node(compose):
    upstream = re.findall(r"server (\w+):(\d+)", (DEPLOY / "compose" / "nginx.conf").read_text())
    apps = sorted(name for name in compose["services"] if name.startswith("app"))
    assert sorted(host for host, _ in upstream) == apps
    for name in apps:
        command = compose["services"][name]["command"]
        assert f"0.0.0.0:{dict(upstream)[name]}" in command


def test_the_kit_names_one_gunicorn_configuration_and_one_celery_app():
    units = {p.name: p.read_text() for p in (DEPLOY / "systemd").glob("*.service")}
    assert f"--config {GUNICORN_CONF}" in units["challenge-web.service"]
    assert f"--app {CELERY_APP} worker" in units["challenge-worker.service"]
    assert f"--app {CELERY_APP} beat" in units["challenge-beat.service"]
    assert GUNICORN_CONF in (DEPLOY / "Dockerfile").read_text()


def test_nginx_lets_through_what_the_app_accepts():
    """client_max_body_size is the app's MAX_CONTENT_LENGTH: a larger nginx limit would let the
    app refuse it, a smaller one would cut off uploads the app accepts."""
    text = (DEPLOY / "nginx" / "challenge-locations.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    assert megabytes * 1024 * 1024 == DefaultConfig.MAX_CONTENT_LENGTH
    assert DefaultConfig.ATTACHMENT_MAX_BYTES <= DefaultConfig.MAX_CONTENT_LENGTH


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    venv_bin = str(Path(REPO / ".venv" / "bin").absolute()) + "/"
    for unit in (DEPLOY / "systemd").glob("*.service"):  # this checkout in place of /srv/...
        text = unit.read_text().replace("/srv/challenge/app/.venv/bin/", venv_bin)
        (tmp_path / unit.name).write_text(text.replace("/srv/challenge/app", str(REPO)))
    done = subprocess.run([analyze, "verify", *sorted(map(str, tmp_path.glob("*.service")))],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "challenge" not in done.stderr, done.stderr


# -- nginx in front of the live app --------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path):
    """deploy/nginx/challenge.conf as an operator installs it, with loopback ports, this
    checkout's static/, a self-signed certificate and live_server as the one app node."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    https, http = free_port(), free_port()
    upstream = live_server.removeprefix("http://")
    locations = (DEPLOY / "nginx" / "challenge-locations.conf").read_text()
    (tmp_path / "locations.conf").write_text(
        locations.replace("/srv/challenge/app/static/", f"{REPO}/static/"))
    site = (DEPLOY / "nginx" / "challenge.conf").read_text()
    for old, new in [("127.0.0.1:8000", upstream),
                     ("listen 443 ssl", f"listen 127.0.0.1:{https} ssl"),
                     ("listen 80;", f"listen 127.0.0.1:{http};"),
                     ("/etc/letsencrypt/live/bang.example.cn/fullchain.pem", tmp_path / "cert.pem"),
                     ("/etc/letsencrypt/live/bang.example.cn/privkey.pem", tmp_path / "key.pem"),
                     ("/etc/nginx/snippets/challenge-locations.conf", tmp_path / "locations.conf"),
                     ("/var/log/nginx/", f"{tmp_path}/")]:
        assert str(old) in site, old
        site = site.replace(str(old), str(new))
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""
        daemon off;
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{}}
        http {{
            include /etc/nginx/mime.types;
            client_body_temp_path {tmp_path}/body;
            proxy_temp_path {tmp_path}/proxy;
            fastcgi_temp_path {tmp_path}/fastcgi;
            uwsgi_temp_path {tmp_path}/uwsgi;
            scgi_temp_path {tmp_path}/scgi;
            include {tmp_path}/site.conf;
        }}""")
    checked = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not (tmp_path / "nginx.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"https://127.0.0.1:{https}", f"http://127.0.0.1:{http}"
    process.terminate()
    process.wait(timeout=10)


def fetch(url: str, **headers):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the throwaway cert

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_nginx_serves_the_site(nginx):
    https, http = nginx
    status, headers, body = fetch(https + "/auth/login", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])  # nginx's id, kept by the app

    status, headers, _ = fetch(https + "/static/css/app.css?v=1a2b3c")
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert "X-Request-ID" not in headers  # from disk: the app never saw it
    status, headers, _ = fetch(https + "/static/css/app.css")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=3600"

    assert fetch(https + "/metrics")[0] == 404
    status, headers, _ = fetch(http + "/auth/login")
    assert status == 301 and headers["Location"].startswith("https://")
