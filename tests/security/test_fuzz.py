"""No input makes the server answer 5xx (issue 11, item 6): hypothesis sends random, huge,
unicode, NUL and missing values to every route's query string and every form, as every role.

Nothing here names a route: the routes come from the app's url_map, the query arguments and
form fields from the pages themselves. A world is built once per run (conftest's accounts,
factories for 榜 in many states, bids, a panel, contracts, files) and crawled as each role:
links, GET filter forms and POST forms with the values the page filled in. Then, from that
world put back each time, every route gets a fixed number of examples, each one a request the
route really receives (a crawled link or form, or the rule filled in with real ids) with some
values kept, some dropped and some replaced by hostile ones; and every crawled form is posted
once without each of its fields. Pages added later are covered the same way.
"""

import io
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import make_url
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, IntegerConverter

from challenge.awarding import operations as award_ops
from challenge.bidding import operations as bidding_ops
from challenge.bidding.questions import ask_question
from challenge.extensions import db
from challenge.models import ExpertProfile, Review
from challenge.permissions import grant_for
from challenge.posting import operations as posting_ops
from challenge.reviewing import operations as panels
from challenge.reviewing.decision import file_objection
from challenge.states import ChallengeState, Confidentiality, ReviewState, Role
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform
from tests import factories
from tests.conftest import USE_POSTGRES, Auth, _config, isolated_app, reset_database
from tests.test_award_progress import pdf_storage, signed_contract
from tests.test_bidding import open_board
from tests.test_decision import decided_board, scores_for

EXAMPLES_PER_ROUTE = 20
ROLES = ("visitor", "issuer", "colleague", "other_enterprise", "solver", "other_solver",
         "reviewer", "admin")
SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}  # files on disk, no code of ours
MAX_PAGES_PER_ROLE = 150
SNAPSHOT_DB = "fuzz_world_snapshot"

# Values that broke this app before (issue 11) and the usual suspects: numbers beyond any
# column, non-ASCII digits, impossible dates, NUL, markup, very long text.
HOSTILE = [
    "", " ", "0", "-1", "1", "2", "1.5", "-0", "00", "1e309", "9e999999", "-9e999999", "1e-999",
    "nan", "NaN", "inf", "-Infinity", "sNaN", "99999999999999999999", "-99999999999999999999",
    str(2**63), str(2**31), "0x10", "1_000", "²", "³", "½", "１２", "٣", "Ⅻ", "一百",
    "9999-12-31", "0001-01-01", "0000-00-00", "2026-02-30", "2026-13-01", "+10000-01-01",
    "20261231", "2026-W01", "99999-01-01",
    "\x00", "a\x00b", "\x00" * 3, "\x01\x02\x1b", "\x7f", "\ufeff", "\u202e", "\U0001f600",
    "<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "\\", "..", "../../etc/passwd",
    "=HYPERLINK(\"x\")", "all", "none", "true", "on", "y",
    "x" * 5000, "测" * 3000, "9" * 400, "1," * 500,
]
COMMON_ARGS = ["page", "q", "min", "max", "state", "field", "kind", "period", "start", "end",
               "sort", "id", "figure", "role", "status", "source", "outcome", "overdue",
               "challenge", "table", "actor", "action", "object", "region", "next", "lang",
               "title", "format", "token"]


def _routes(app):
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule, rule.endpoint))
    return sorted(found, key=lambda r: (r[1], r[0]))


RULES_APP = isolated_app(_config("sqlite://"))  # only its url_map is read
ROUTES = _routes(RULES_APP)


# -- the world: people and objects in the states the pages speak of ----------------------------

def build_world(client, auth, make, people) -> dict:
    """Accounts of every role; 榜 in draft, screening, withdrawn, open (public, 脱敏 with access
    granted and pending, 定向), under review with a seat for people['reviewer'], in 公示 with an
    objection, a signed contract with a report, files and an acceptance, and a closed 榜 whose
    contract was paid (ledger entries)."""
    issuer, admin, solver = people["issuer"], people["admin"], people["solver"]
    boards = {
        "draft": make.challenge(issuer),
        "screening": make.challenge(issuer, ChallengeState.SCREENING, admin=admin),
        "withdrawn": make.challenge(issuer, ChallengeState.WITHDRAWN, admin=admin),
        "open": make.challenge(issuer, ChallengeState.OPEN, admin=admin),
        "desensitized": make.challenge(issuer, ChallengeState.OPEN, admin=admin,
                                       confidentiality=Confidentiality.DESENSITIZED),
        "directed": make.challenge(issuer, ChallengeState.OPEN, admin=admin,
                                   confidentiality=Confidentiality.DIRECTED),
        "unasked": make.challenge(issuer, ChallengeState.OPEN, admin=admin,
                                  confidentiality=Confidentiality.DESENSITIZED),
        "failed": make.challenge(issuer, ChallengeState.FAILED, admin=admin),
    }
    grant = posting_ops.request_access(boards["desensitized"], solver, "团队有熔喷驻极基础")
    perform(grant, "grant", issuer)
    posting_ops.accept_undertaking(grant, solver)
    posting_ops.invite_solver(boards["directed"], issuer, solver)
    posting_ops.accept_undertaking(grant_for(solver, boards["directed"]), solver)
    posting_ops.request_access(boards["desensitized"], people["other_solver"], "申请")
    perform(posting_ops.request_access(boards["directed"], people["other_solver"], "申请"), "grant",
            issuer)  # granted, undertaking not yet signed
    publicity = decided_board(client, auth, make, people)[0]
    file_objection(publicity, people["other_solver"], "评分有误，请复核。")
    bid = _bid(boards["open"], solver)
    bidding_ops.add_attachment(bid, solver, pdf_storage("方案.pdf"))
    perform(bid, "submit", solver)
    ask_question(boards["open"], solver, "检测方法以哪一版标准为准？")
    db.session.add(ExpertProfile(name="库中专家", organization_name="示范市研究院", source="import",
                                 fields="新材料", keywords="熔喷,驻极"))
    db.session.commit()

    reviewing = open_board(make, people)
    reviewed = [_bid(reviewing, make.user(Role.SOLVER)) for _ in range(2)]
    factories.to_review(reviewing, reviewed, admin, people["reviewer"])
    decidable = _scored_board(make, people)
    drafted = make.challenge(issuer, ChallengeState.PUBLICITY, admin=admin)
    drafted.publicity_ends_at = utcnow() - timedelta(minutes=1)
    make.contract(drafted, admin)  # drafted, not signed
    make.winner(drafted)  # selected, no contract yet
    db.session.commit()

    contract = signed_contract(make, people)
    first = contract.milestones[0]
    award_ops.add_file(first, solver, pdf_storage("阶段报告.pdf"))
    perform(first, "report", solver, report="完成小试")
    closed = make.challenge(issuer, ChallengeState.CLOSED, admin=admin, solver=people["other_solver"])
    acceptance = award_ops.acceptance_for(contract)
    award_ops.add_file(acceptance.items[0], solver, pdf_storage("检测.pdf"))
    db.session.commit()
    auth.logout()
    return {name: board.id for name, board in boards.items()} | {
        "reviewing": reviewing.id, "publicity": publicity.id, "contract": contract.id,
        "closed": closed.id, "decidable": decidable.id, "drafted": drafted.id,
        "bid": bid.id}


def _scored_board(make, people):
    """Under review, two qualified bids, every seat's scores submitted: ready for a decision."""
    board = open_board(make, people)
    bids = [_bid(board, make.user(Role.SOLVER)) for _ in range(2)]
    for proposal in bids:
        perform(proposal, "submit", proposal.team_lead)
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    board.reviewers_required = 1
    reviewer = make.user(Role.REVIEWER)
    for proposal in bids:
        perform(proposal, "qualify", people["admin"])
    panels.seat_reviewer(board, reviewer, people["admin"])
    for proposal, total in zip(bids, (80, 70), strict=True):
        db.session.add(Review(challenge_id=board.id, proposal_id=proposal.id,
                              reviewer_id=reviewer.id, state=ReviewState.SUBMITTED,
                              scores=scores_for(total), comment="意见", submitted_at=utcnow()))
    return board


def _bid(board, solver):
    return bidding_ops.start_proposal(board, solver, {
        "title": "方案", "technical_approach": "路线", "requested_fen": 1_000_000,
        "commitment": True, "partners": [], "members": [{"name": "李", "title": "", "role": ""}],
        "responses": {i.id: ("99.99", "检测") for i in board.indicators},
        "budget": [], "milestones": [{"title": "验收", "due_on": local_today() + timedelta(days=99),
                                      "deliverable": "", "share_bp": 10_000}]})


# -- reading pages: links and forms -------------------------------------------------------------

@dataclass
class Form:
    action: str
    method: str
    fields: list = field(default_factory=list)  # (name, value, kind) kind: text|file


class PageReader(HTMLParser):
    """Every link and every form (with the values the page filled in) of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        form = self.forms[-1] if self.forms else None
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("action") or "", (a.get("method") or "get").upper()))
        elif form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                form.fields.append((a["name"], None, "choice:" + (a.get("value") or "on")))
            elif kind == "file":
                form.fields.append((a["name"], None, "file"))
            elif kind not in ("reset", "image"):
                form.fields.append((a["name"], a.get("value") or "", kind))
        elif tag == "button" and a.get("value") is not None:
            form.fields.append((a["name"], a["value"], "submit"))
        elif tag == "select":
            self._select = a["name"]
            form.fields.append((a["name"], None, "select"))
        elif tag == "option" and self._select:
            self._option(a.get("value", ""), "selected" in a)
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def _option(self, value, selected):
        name, current, kind = self.forms[-1].fields[-1]
        if current is None or selected:
            self.forms[-1].fields[-1] = (name, value, kind)

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self.forms:
            self.forms[-1].fields.append((self._textarea, "".join(self._text), "textarea"))
            self._textarea = None


@dataclass
class Site:
    """What the crawl saw, keyed by (method, endpoint): requests as (role, path, fields)."""

    requests: dict = field(default_factory=dict)
    pages: int = 0

    def add(self, method, endpoint, role, path, fields):
        seen = self.requests.setdefault((method, endpoint), [])
        entry = (role, path, tuple(fields))
        if entry not in seen and len(seen) < 60:
            seen.append(entry)


class Clients:
    """One signed-in test client per role, made when first needed. Each request runs in an app
    context of its own, as in production: its own database session and its own `g` (the test's
    context would otherwise keep the first user Flask-Login loaded for every client). A request
    that may have changed the session (sign in/out, password) sends the next one through the
    login again."""

    def __init__(self, app, emails):
        self.app, self.emails, self.made, self.sent = app, emails, {}, 0

    def open(self, role, url, method="GET", data=None):
        # Each request from an address of its own, so no per-address login throttle counts
        # the fuzz's failed logins against the next sign-in.
        self.sent += 1
        address = {"REMOTE_ADDR": f"10.{self.sent // 250 % 250}.{self.sent % 250}.1"}
        with self.app.app_context():
            response = self._client(role).open(url, method=method, data=data,
                                               environ_base=address)
            response.get_data()  # buffered, so the file behind a download can be closed
            response.close()
        if urlsplit(url).path.startswith("/auth/"):
            self.made.pop(role, None)
        return response

    def _client(self, role):
        if role not in self.made:
            client = self.app.test_client()
            if role != "visitor":
                with self.app.app_context():
                    response = Auth(client).login(self.emails[role])
                assert response.status_code == 302, f"{role} could not sign in"
            self.made[role] = client
        return self.made[role]


def _endpoint(adapter, method, path):
    try:
        return adapter.match(path, method=method)[0]
    except HTTPException:
        return None


def _crawl(app, clients) -> Site:
    """Breadth-first over every page each role can reach from the routes without arguments."""
    site = Site()
    adapter = app.url_map.bind("localhost")
    starts = [rule.rule for rule in app.url_map.iter_rules()
              if "GET" in rule.methods and not rule.arguments
              and rule.endpoint not in SKIPPED_ENDPOINTS]
    for role in ROLES:
        queue, visited = list(starts), set()
        while queue and len(visited) < MAX_PAGES_PER_ROLE:
            url = queue.pop(0)
            parts = urlsplit(url)
            endpoint = _endpoint(adapter, "GET", parts.path)
            args = parse_qsl(parts.query, keep_blank_values=True)
            key = (parts.path, frozenset(name for name, _ in args))
            if endpoint is None or endpoint in SKIPPED_ENDPOINTS or key in visited:
                continue
            visited.add(key)
            response = clients.open(role, url)
            site.pages += 1
            if response.status_code < 400:
                site.add("GET", endpoint, role, parts.path, [(n, v, "text") for n, v in args])
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            reader = PageReader()
            reader.feed(response.get_data(as_text=True))
            for link in reader.links:
                target = urlsplit(link)
                if not target.netloc and target.path.startswith("/"):
                    queue.append(link)
            for form in reader.forms:
                target = urlsplit(form.action or parts.path)
                form_endpoint = _endpoint(adapter, form.method, target.path)
                if form_endpoint:
                    site.add(form.method, form_endpoint, role, target.path, form.fields)
    return site


MAKE = SimpleNamespace(org=factories.make_org, user=factories.make_user,
                       challenge=factories.make_challenge, winner=factories.make_winner,
                       contract=factories.make_contract)


def _people() -> dict:
    """The accounts of conftest's `people` fixture, for a world built once per module."""
    issuer = factories.make_user(Role.ENTERPRISE, name="发榜人")
    crowd = {"issuer": issuer,
             "colleague": factories.make_user(Role.ENTERPRISE, org=issuer.organization, name="同事"),
             "other_enterprise": factories.make_user(Role.ENTERPRISE, name="他企"),
             "solver": factories.make_user(Role.SOLVER, name="揭榜人"),
             "other_solver": factories.make_user(Role.SOLVER, name="另一揭榜人"),
             "reviewer": factories.make_user(Role.REVIEWER, name="专家"),
             "admin": factories.make_user(Role.ADMIN, name="管理员")}
    db.session.commit()
    return crowd


class Snapshot:
    """The database (and uploaded files) as the world left them, put back before each route:
    a file copy on SQLite, a database copied from a template on PostgreSQL. Building the world
    anew for each of ~130 routes would take most of the run."""

    def __init__(self, app, folder):
        self.app, self.folder = app, folder
        self.url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        self.uploads = Path(app.config["UPLOAD_FOLDER"])

    def _release(self):
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def _admin(self, *statements):
        engine = sa.create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
        engine.dispose()

    def save(self):
        self._release()
        shutil.copytree(self.uploads, self.folder / "uploads")
        if USE_POSTGRES:
            self._admin(f"DROP DATABASE IF EXISTS {SNAPSHOT_DB}",
                        f"CREATE DATABASE {SNAPSHOT_DB} TEMPLATE {self.url.database}")
        else:
            shutil.copy(self.url.database, self.folder / "world.sqlite")

    def restore(self):
        self._release()
        self.app.extensions["matching"].reset()
        shutil.rmtree(self.uploads)
        shutil.copytree(self.folder / "uploads", self.uploads)
        if USE_POSTGRES:
            self._admin(f"DROP DATABASE {self.url.database} WITH (FORCE)",
                        f"CREATE DATABASE {self.url.database} TEMPLATE {SNAPSHOT_DB}")
        else:
            for journal in (f"{self.url.database}-wal", f"{self.url.database}-shm"):
                Path(journal).unlink(missing_ok=True)  # no write-ahead log replays onto the copy
            shutil.copy(self.folder / "world.sqlite", self.url.database)

    def drop(self):
        if USE_POSTGRES:
            self._admin(f"DROP DATABASE IF EXISTS {SNAPSHOT_DB}")


@dataclass
class Fuzz:
    app: object
    emails: dict
    ids: dict
    site: Site
    snapshot: Snapshot
    tally: Counter = field(default_factory=Counter)  # status code → requests, over the run


@pytest.fixture(scope="module")
def fuzz(base_app, migrated_template, tmp_path_factory, request):
    """The world built once (conftest's accounts, factories for the rest), crawled as every
    role, and kept as a snapshot."""
    reset_database(base_app, migrated_template)
    with base_app.app_context():
        people = _people()
        client = base_app.test_client()
        ids = build_world(client, Auth(client), MAKE, people)
        emails = {role: user.email for role, user in people.items()}
    snapshot = Snapshot(base_app, tmp_path_factory.mktemp("fuzz"))
    snapshot.save()
    site = _crawl(base_app, Clients(base_app, emails))
    found = Fuzz(base_app, emails, ids, site, snapshot)
    yield found
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter and capture and found.tally:  # the run's figures, past the output capture
        codes = ", ".join(f"{code}×{n}" for code, n in sorted(found.tally.items()))
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nfuzz: {sum(found.tally.values())} requests after a crawl of "
                                f"{site.pages} pages: {codes}")
    snapshot.restore()  # leave the database usable for the next module's reset
    snapshot.drop()


@pytest.fixture
def world(fuzz):
    """The snapshot put back: every route starts from the same world."""
    fuzz.snapshot.restore()
    with fuzz.app.app_context():
        yield fuzz
        db.session.remove()


# -- hostile requests ---------------------------------------------------------------------------

def hostile_text():
    known = st.sampled_from(HOSTILE)
    return st.one_of(
        known, known, known,
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(lambda d: d.isoformat()))


def hostile_upload():
    names = st.sampled_from(["证明.pdf", "a.docx", "x.exe", "", ".pdf", "a\x00.pdf", "../../x.pdf",
                             "名" * 300 + ".pdf", "报告.PDF", "noext"])
    data = st.one_of(st.just(b""), st.binary(max_size=64),
                     st.just(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
    return st.one_of(st.none(), st.tuples(data, names))


def _ids_for(param: str) -> list[int]:
    """Ids of the rows a path argument most likely names (challenge_id → challenges, ...)."""
    stem = param.removesuffix("_id")
    tables = [t for t in db.metadata.sorted_tables
              if any(word.startswith(stem) for word in t.name.split("_"))] or \
        list(db.metadata.sorted_tables)
    ids = set()
    for table in tables:
        if "id" in table.c:
            ids.update(db.session.scalars(select(table.c.id)).all())
    return sorted(ids) or [1]


@st.composite
def path_for(draw, rule):
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = draw(st.sampled_from(sorted(converter.items)))
        elif isinstance(converter, IntegerConverter):
            values[name] = draw(st.one_of(st.sampled_from(_ids_for(name)), st.sampled_from(
                [0, 10**6, 2**31, 2**63 - 1, 2**63, 10**20])))
        else:
            values[name] = draw(st.one_of(st.sampled_from(["x", "1", "csv"]), hostile_text()))
    try:
        return rule.build(values, append_unknown=False)[1]
    except (ValueError, TypeError):
        return rule.rule


@st.composite
def hostile_request(draw, method, rule, site):
    """(role, path, query args, form data): a seen request with values kept, dropped, varied."""
    seen = site.requests.get((method, rule.endpoint), [])
    if seen and draw(st.integers(0, 4)):
        role, path, fields = draw(st.sampled_from(seen))
    else:
        role, path, fields = draw(st.sampled_from(ROLES)), draw(path_for(rule)), ()
    data = []
    # Either one value changed (the rest as the page filled them in, so the change reaches the
    # code behind the form's other checks) or each value kept, dropped or changed at random.
    fates = ["keep", "drop", "hostile"]
    chosen = draw(st.integers(-1, len(fields) - 1)) if fields else -1
    for index, (name, value, kind) in enumerate(fields):
        if chosen >= 0:
            fate = draw(st.sampled_from(fates[1:])) if index == chosen else "keep"
        else:
            fate = draw(st.sampled_from(fates))
        if kind == "file":
            upload = draw(hostile_upload())
            if upload is not None:
                data.append((name, (io.BytesIO(upload[0]), upload[1])))
        elif fate == "drop" or (fate == "keep" and value is None):
            continue
        elif fate == "keep":
            data.append((name, value))
        else:
            data.append((name, draw(hostile_text())))
    extra = draw(st.lists(st.tuples(st.sampled_from(COMMON_ARGS), hostile_text()), max_size=2))
    if method == "GET":
        return role, path, data + extra, []
    return role, path, extra, data


def _rule(rule_text, endpoint):
    return next(r for r in RULES_APP.url_map.iter_rules(endpoint) if r.rule == rule_text)


@pytest.mark.parametrize("method,rule_text,endpoint", ROUTES,
                         ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_no_input_makes_the_server_fail(world, method, rule_text, endpoint):
    rule, site = _rule(rule_text, endpoint), world.site
    clients = Clients(world.app, world.emails)
    tried = []

    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(request=hostile_request(method, rule, site))
    def no_5xx(request):
        role, path, args, data = request
        url = path + ("?" + urlencode(args) if args else "")
        status = clients.open(role, url, method, _multi(data) or None).status_code
        tried.append(status)
        assert status < 500, f"{method} {url} as {role} with {data!r}"

    no_5xx()
    assert tried
    world.tally.update(tried)


def _multi(pairs):
    """Form pairs as werkzeug wants them: a name given twice becomes a list."""
    out = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in out.items()}


# One value of each kind that has broken a parser: missing, an exponent no Decimal survives,
# an integer beyond any column, a digit int() refuses, a day whose neighbour is no date, a
# signalling NaN, text longer than any column.
ONE_AT_A_TIME = [None, "9e999999", "99999999999999999999", "²", "9999-12-31", "sNaN", "長" * 5000]


@pytest.mark.parametrize("method,rule_text,endpoint", ROUTES,
                         ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_each_value_missing_or_hostile_on_its_own_is_answered(world, method, rule_text,
                                                             endpoint):
    """Every form and query string the crawl saw (one per shape), sent again with each value in
    turn missing or replaced by one of ONE_AT_A_TIME, the others as the page filled them in (a
    stale page, a hand-made request): a message or a refusal, never a 5xx."""
    clients = Clients(world.app, world.emails)
    shapes = {}
    for role, path, fields in world.site.requests.get((method, endpoint), []):
        present = tuple((name, value) for name, value, kind in fields
                        if value is not None and kind != "file")
        shapes.setdefault(frozenset(name for name, _ in present), (role, path, present))
    failures = []
    for role, path, present in shapes.values():
        for index, (name, _) in enumerate(present):
            for value in ONE_AT_A_TIME:
                data = [*present[:index], *([(name, value)] if value is not None else []),
                        *present[index + 1:]]
                url, form = (path + "?" + urlencode(data), None) if method == "GET" else \
                    (path, _multi(data) or None)
                try:
                    status = clients.open(role, url, method, form).status_code
                except Exception as exc:  # TESTING propagates what would have been a 500
                    status = f"{type(exc).__name__}: {exc}"[:200]
                world.tally[status if isinstance(status, int) else 500] += 1
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{method} {path} as {role}, {name}={value!r:.20}: {status}")
    assert not failures
