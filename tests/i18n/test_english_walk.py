"""Every page in English holds no Chinese: a world whose user-entered content is ASCII only (the
organisations, people, 榜, bids, questions, reasons all typed in English or pinyin) is crawled in
English as each role, from every GET route without arguments and every link the pages offer
(as tests/security/test_fuzz.py crawls), and each HTML page is searched for CJK characters.
Allowed: "中文" (a language named in itself) and elements marked lang="zh-CN" (Chinese on
purpose, such as the switch). What is found is reported as route + the text around it, all
pages at once.

The world's accounts chose English, so what the platform wrote to them (notices, e-mails) is
English too; the check below that the stored world is ASCII proves the setting reaches them."""

import re
from datetime import timedelta
from itertools import product
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from challenge.bidding import operations as bidding_ops
from challenge.bidding.questions import answer_question, ask_question
from challenge.extensions import db
from challenge.models import Contract, ExpertProfile, ExportJob, Proposal, Review
from challenge.permissions import grant_for
from challenge.posting import operations as posting_ops
from challenge.reviewing.decision import decide, file_objection
from challenge.states import ChallengeState, Confidentiality, ProposalState, ReviewState, Role
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform
from tests import factories
from tests.security.test_fuzz import SKIPPED_ENDPOINTS, Clients, PageReader, _endpoint
from tests.test_decision import scores_for

pytestmark = pytest.mark.slow

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
ALLOWED = ("中文",)  # the language form names Chinese in Chinese
# An element marked as Chinese on purpose (lang="zh-CN"): the switch's "中文", the expert import
# file's column names (the file's format, typed in Chinese in the spreadsheet).
MARKED_CHINESE = re.compile(r'<(\w+)\b[^>]*\blang="zh[^"]*"[^>]*>.*?</\1>', re.S)
ROLES = ("visitor", "issuer", "solver", "other_solver", "reviewer", "admin")
MAX_PAGES_PER_ROLE = 160

INDICATORS = [{"name": "Filtration efficiency", "target": ">=99.97", "unit": "%",
               "method": "NaCl aerosol"},
              {"name": "Breathing resistance", "target": "<=80", "unit": "Pa",
               "method": "85 L/min"}]


def values(**overrides) -> dict:
    """A 榜 as an English-speaking enterprise types it."""
    return {"title": "Melt-blown filter efficiency", "field": "Advanced materials",
            "industry_tags": "Textiles, Medical protection",
            "summary": "Raise the filtration efficiency of melt-blown nonwovens.",
            "detail": "Current line reaches 95 %; the target is N95 and above.",
            "contact_name": "Wang Gong", "indicators": INDICATORS} | overrides


def english_winner(challenge, solver=None, shares=(4000, 6000)):
    """tests.factories.make_winner with English words in the bid."""
    from challenge.models import IndicatorResponse, ProposalMilestone

    solver = solver or factories.make_user(Role.SOLVER, name="Zhao Yun",
                                           org=factories.make_org("Xiamen Polytechnic", region="Xiamen"))
    proposal = Proposal(
        challenge=challenge, lead_org_id=solver.organization_id, team_lead_id=solver.id,
        state=ProposalState.SELECTED, title="Electret melt-blown process",
        technical_approach="Two-component electret", requested_fen=challenge.bounty_fen // 2,
        budget=[], members=[], submitted_at=utcnow(), version_no=1,
        responses=[IndicatorResponse(indicator_id=i.id, committed_value=f"at least {i.target}")
                   for i in challenge.indicators],
        milestones=[ProposalMilestone(position=n, title=f"Stage {n + 1}",
                                      due_on=local_today() + timedelta(days=90 * (n + 1)),
                                      deliverable="Stage report", share_bp=share)
                    for n, share in enumerate(shares)])
    db.session.add(proposal)
    db.session.flush()
    return proposal


def english_perform(obj, action, actor, **kw):
    """The factories' walks give Chinese reasons ("测试"): the English world gives English ones."""
    if kw.get("reason") and CJK.search(kw["reason"]):
        kw["reason"] = "Test step"
    return perform(obj, action, actor, **kw)


def bid(board, solver, title="Electret process"):
    return bidding_ops.start_proposal(board, solver, {
        "title": title, "technical_approach": "Gradient structure", "requested_fen": 1_000_000,
        "commitment": True, "partners": [], "members": [{"name": "Li Lei", "title": "", "role": ""}],
        "responses": {i.id: ("99.99", "Third-party test") for i in board.indicators},
        "budget": [], "milestones": [{"title": "Acceptance", "due_on": local_today() + timedelta(days=99),
                                      "deliverable": "Report", "share_bp": 10_000}]})


def build_world() -> dict:
    org = factories.make_org
    user = factories.make_user
    issuer_org = org("Fujian Textile Co.", region="Xiamen Torch Hi-tech Zone")
    people = {
        "issuer": user(Role.ENTERPRISE, org=issuer_org, name="Chen Jing", org_admin=True),
        "solver": user(Role.SOLVER, org=org("Fuzhou University", region="Fuzhou"), name="Lin Tao"),
        "other_solver": user(Role.SOLVER, org=org("Quanzhou Institute", region="Quanzhou"),
                             name="Huang Bo"),
        "reviewer": user(Role.REVIEWER, org=org("Xiamen Research Institute", region="Xiamen"),
                         name="Zheng Hua"),
        "admin": user(Role.ADMIN, org=org("Demo City Science and Technology Bureau",
                                          region="Demo City"), name="Admin Liu"),
    }
    issuer, admin, solver = people["issuer"], people["admin"], people["solver"]
    make = factories.make_challenge
    boards = {
        "draft": make(issuer, **values(title="Draft need")),
        "screening": make(issuer, ChallengeState.SCREENING, admin=admin, **values(title="In screening")),
        "open": make(issuer, ChallengeState.OPEN, admin=admin, **values(title="Open need")),
        "desensitized": make(issuer, ChallengeState.OPEN, admin=admin,
                             confidentiality=Confidentiality.DESENSITIZED,
                             **values(title="Redacted need")),
        "directed": make(issuer, ChallengeState.OPEN, admin=admin,
                         confidentiality=Confidentiality.DIRECTED, **values(title="Invited need")),
        "withdrawn": make(issuer, ChallengeState.WITHDRAWN, admin=admin, **values(title="Withdrawn")),
        "publicity": make(issuer, ChallengeState.PUBLICITY, admin=admin, **values(title="On notice")),
        "unclaimed": make(issuer, ChallengeState.UNCLAIMED, admin=admin, **values(title="Nobody won")),
        "closed": make(issuer, ChallengeState.CLOSED, admin=admin, solver=people["other_solver"],
                       **values(title="All paid")),
    }
    grant = posting_ops.request_access(boards["desensitized"], solver, "Our team works on electrets")
    perform(grant, "grant", issuer)
    posting_ops.accept_undertaking(grant, solver)
    posting_ops.request_access(boards["desensitized"], people["other_solver"], "Please")
    make(issuer, ChallengeState.OPEN, admin=admin, confidentiality=Confidentiality.DESENSITIZED,
         **values(title="Second redacted need"))  # nobody asked yet: the request form
    unsigned = posting_ops.request_access(boards["directed"], people["other_solver"], "Please")
    perform(unsigned, "grant", issuer)  # granted, the undertaking not yet signed
    posting_ops.invite_solver(boards["directed"], issuer, solver)
    posting_ops.accept_undertaking(grant_for(solver, boards["directed"]), solver)
    submitted = bid(boards["open"], solver)
    perform(submitted, "submit", solver)
    bid(boards["open"], people["other_solver"], "A draft bid")
    question = ask_question(boards["open"], solver, "Which edition of the standard applies?")
    db.session.flush()
    answer_question(question, issuer, "GB 2626-2019.")
    db.session.add(ExpertProfile(name="Xu Ming", organization_name="Fujian Academy", source="import",
                                 fields="Advanced materials", keywords="melt-blown, electret"))
    db.session.commit()

    # Under review: two qualified bids, the reviewer seated; and one ready for a decision.
    reviewing = make(issuer, ChallengeState.OPEN, admin=admin, **values(title="Under review"))
    reviewed = [bid(reviewing, user(Role.SOLVER, name=f"Bidder {n}",
                                    org=org(f"Lab {n}", region="Xiamen"))) for n in (1, 2)]
    factories.to_review(reviewing, reviewed, admin, people["reviewer"])
    db.session.add(Review(challenge_id=reviewing.id, proposal_id=reviewed[0].id,
                          reviewer_id=people["reviewer"].id, state=ReviewState.SUBMITTED,
                          scores=scores_for(80), comment="Sound plan", submitted_at=utcnow()))
    db.session.commit()
    decided = make(issuer, ChallengeState.OPEN, admin=admin, **values(title="Decided"))
    bids = [bid(decided, user(Role.SOLVER, name=f"Winner {n}", org=org(f"Winner Lab {n}",
                                                                      region="Xiamen")))
            for n in (1, 2)]
    decided.reviewers_required = 1
    scorer = user(Role.REVIEWER, name="Scorer Sun", org=org("Scoring Institute", region="Xiamen"))
    factories.to_review(decided, bids, admin, scorer)
    for proposal, total in zip(bids, (80, 70), strict=True):
        db.session.add(Review(challenge_id=decided.id, proposal_id=proposal.id,
                              reviewer_id=scorer.id, state=ReviewState.SUBMITTED,
                              scores=scores_for(total), comment="Fine", submitted_at=utcnow()))
    db.session.flush()
    decide(decided, admin, [bids[0].id], "Highest score, feasible plan.", {})
    file_objection(decided, people["other_solver"], "Please check the scores again.")
    # A drafted contract (not signed), and one signed with a report on its first milestone.
    drafted = make(issuer, ChallengeState.PUBLICITY, admin=admin, **values(title="Drafting"))
    drafted.publicity_ends_at = utcnow() - timedelta(minutes=1)
    factories.make_contract(drafted, admin)
    db.session.add(ExportJob(requested_by_id=admin.id, table="challenges", fmt="csv", state="done",
                             rows_done=0, filename="Challenges.csv", fallback="challenges.csv",
                             stored_name="missing.csv", locale="en", finished_at=utcnow()))
    signed = make(issuer, ChallengeState.CONTRACTED, admin=admin, solver=solver,
                  **values(title="Signed need"))
    contract = db.session.scalars(sa.select(Contract).where(Contract.challenge_id == signed.id)).one()
    perform(contract.milestones[0], "report", solver, report="Pilot done")
    db.session.commit()
    return people


def english_user(*args, **kw):
    """Every account of the English world chose English (its notices and e-mails in English)."""
    made = _make_user(*args, **kw)
    made.locale = "en"
    return made


_make_user = factories.make_user


# A hidden input's value is machine data the page's script reads (the assistant's advice codes
# name the tags it suggested), never shown to a reader.
HIDDEN_INPUT = re.compile(r'<input\b[^>]*\btype="hidden"[^>]*>')


def _cjk_snippets(html: str) -> list[str]:
    text = HIDDEN_INPUT.sub("", MARKED_CHINESE.sub("", html))
    for allowed in ALLOWED:
        text = text.replace(allowed, "")
    return [text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
            for m in CJK.finditer(text)]


def _check(role, url, response, found, reached, endpoint) -> str | None:
    """The page's HTML if it is one (and what Chinese it holds, into *found*), else None."""
    if response.status_code != 200 or response.mimetype != "text/html":
        return None
    reached.add(endpoint)
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html, f"{role} {url} is not in English"
    snippets = _cjk_snippets(html)
    if snippets:
        found[(role, url)] = snippets
    return html


def _crawl_in_english(app, clients) -> tuple[dict, int, set]:
    """{(role, url): [snippets]} of every Chinese found, pages read, endpoints reached."""
    adapter = app.url_map.bind("localhost")
    starts = [rule.rule for rule in app.url_map.iter_rules()
              if "GET" in rule.methods and not rule.arguments
              and rule.endpoint not in SKIPPED_ENDPOINTS]
    found, pages, reached = {}, 0, set()
    for role in ROLES:
        queue, visited = list(starts), set()
        while queue and len(visited) < MAX_PAGES_PER_ROLE:
            url = queue.pop(0)
            parts = urlsplit(url)
            args = parse_qsl(parts.query, keep_blank_values=True)
            if any(name == "lang" for name, _ in args):
                continue  # the switch to Chinese
            endpoint = _endpoint(adapter, "GET", parts.path)
            key = (endpoint, frozenset(name for name, _ in args))
            if endpoint is None or endpoint in SKIPPED_ENDPOINTS or key in visited:
                continue
            visited.add(key)
            pages += 1
            html = _check(role, url, clients.open(role, url), found, reached, endpoint)
            if html is None:
                continue
            reader = PageReader()
            reader.feed(html)
            for link in reader.links:
                target = urlsplit(link)
                if not target.netloc and target.path.startswith("/"):
                    queue.append(link)
    pages += _the_pages_no_link_led_to(app, clients, found, reached)
    return found, pages, reached


def _candidates(adapter, rule) -> list[str]:
    """URLs of *rule* with its arguments filled: small ids (the world's rows), each choice of
    an `any(...)` part, and a made-up token (a page saying the link is not valid)."""
    choices = []
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            choices.append([(name, n) for n in range(1, 16)])
        elif isinstance(converter, AnyConverter):
            choices.append([(name, item) for item in sorted(converter.items)])
        else:
            choices.append([(name, "not-a-real-token")])
    return [adapter.build(rule.endpoint, dict(values)) for values in product(*choices)][:60]


def _the_pages_no_link_led_to(app, clients, found, reached) -> int:
    """The GET routes the crawl did not reach, with their arguments filled from the world."""
    adapter, pages = app.url_map.bind("localhost"), 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.arguments or rule.endpoint in reached \
                or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for role in ROLES:
            for url in _candidates(adapter, rule):
                pages += 1
                if _check(role, url, clients.open(role, url), found, reached, rule.endpoint):
                    break
            if rule.endpoint in reached:
                break
    return pages


class EnglishClients(Clients):
    """The fuzz's per-role clients, each with the switch's English cookie."""

    def _client(self, role):
        fresh = role not in self.made
        client = super()._client(role)
        if fresh:
            client.set_cookie("lang", "en")
        return client


def test_the_world_is_ascii_so_any_chinese_on_a_page_is_the_platform_s(app, monkeypatch):
    """The stored world (user content and what the platform wrote to English users: notices,
    e-mails) holds no Chinese, so the walk below judges the platform's words only."""
    monkeypatch.setattr(factories, "perform", english_perform)
    monkeypatch.setattr(factories, "make_winner", english_winner)
    monkeypatch.setattr(factories, "make_user", english_user)
    build_world()
    leaks = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text))]
        for column in columns:
            for value in db.session.scalars(sa.select(column).where(column.is_not(None))):
                if isinstance(value, str) and CJK.search(value):
                    leaks.append(f"{table.name}.{column.name}: {value[:80]!r}")
    assert not leaks, "Chinese stored in the English world:\n" + "\n".join(sorted(set(leaks)))


def test_every_page_reads_in_english(app, monkeypatch):
    monkeypatch.setattr(factories, "perform", english_perform)
    monkeypatch.setattr(factories, "make_winner", english_winner)
    monkeypatch.setattr(factories, "make_user", english_user)
    people = build_world()
    emails = {role: people[role].email for role in ROLES if role != "visitor"}
    found, pages, reached = _crawl_in_english(app, EnglishClients(app, emails))
    get_endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                     if "GET" in rule.methods and rule.endpoint not in SKIPPED_ENDPOINTS}
    print(f"{pages} pages read, {len(reached)} of {len(get_endpoints)} GET endpoints reached; "
          f"not reached: {sorted(get_endpoints - reached)}")
    assert pages > 100 and len(reached) > len(get_endpoints) // 2
    report = [f"{role} GET {url}\n    " + "\n    ".join(dict.fromkeys(snippets))
              for (role, url), snippets in sorted(found.items())]
    assert not found, f"Chinese on {len(found)} English pages:\n" + "\n".join(report)
