"""Seed a large database for the page-speed benchmark (bench/pages.py).

    python bench/seed_big.py                                  # SQLite: /tmp/challenge-bench.sqlite
    python bench/seed_big.py --sqlite /path/big.sqlite
    python bench/seed_big.py --postgres postgresql+psycopg://user@host:5432/bench   # also PostgreSQL
    python bench/seed_big.py --scale 0.1                      # a tenth of the volumes (smoke run)

At scale 1: 100,000 榜, 300,000 bids (揭榜方案) and 1,000,000 audit events, with what a
bureau's database would hold around them: ~5,300 organizations, ~9,100 accounts, 10,000
expert profiles, indicators, review panels and sealed reviews, ~66,000 contracts with their
milestones, acceptances and payments ledger. States follow a plausible distribution and
time line over three years (open 榜 have future deadlines, older ones are closed, contracted
ones carry contracts and payments).

The schema comes from the migrations (`flask db upgrade`), so indexes are the real ones. Rows
go in with SQLAlchemy Core executemany on SQLite and COPY on PostgreSQL, never through the ORM
per row. A fixed seed makes the data the same on both databases. The PostgreSQL database is
emptied first (DROP SCHEMA public CASCADE): point it at a throwaway database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from challenge import create_app  # noqa: E402
from challenge.extensions import db  # noqa: E402
from challenge.models.audit import GENESIS_HASH, link_hash  # noqa: E402

DEFAULT_SQLITE = "/tmp/challenge-bench.sqlite"
PASSWORD = "bench-password-1"
CHUNK = 20_000
SHANGHAI_OFFSET = timedelta(hours=8)

FIELDS = ("新材料", "电子信息", "生物医药", "高端装备", "新能源", "节能环保", "现代农业", "集成电路",
          "人工智能", "智能制造")
TOPICS = {
    "新材料": ("碳纤维复合材料", "高温合金", "石墨烯导热膜", "熔喷非织造布", "陶瓷基复合材料"),
    "电子信息": ("毫米波天线", "工业物联网网关", "光纤传感", "射频前端模组", "边缘计算终端"),
    "生物医药": ("单克隆抗体纯化", "mRNA 递送载体", "体外诊断试剂", "缓释微球制剂", "细胞培养基"),
    "高端装备": ("精密减速器", "五轴联动数控", "盾构主轴承", "液压伺服阀", "高速电主轴"),
    "新能源": ("固态电池电解质", "钙钛矿电池", "氢燃料电池膜电极", "风电叶片", "储能变流器"),
    "节能环保": ("工业废水零排放", "VOCs 催化燃烧", "污泥干化", "余热回收", "脱硫脱硝催化剂"),
    "现代农业": ("设施农业传感", "种子包衣", "农机自动驾驶", "畜禽疫苗", "土壤修复"),
    "集成电路": ("光刻胶", "晶圆级封装", "功率半导体 IGBT", "模拟芯片设计", "电子特气"),
    "人工智能": ("工业视觉检测", "大模型私有化部署", "语音识别降噪", "知识图谱", "智能排产"),
    "智能制造": ("数字孪生产线", "柔性装配机器人", "MES 系统集成", "激光焊接", "预测性维护"),
}
GOALS = ("关键工艺攻关", "国产化替代", "性能提升", "成本降低", "稳定性提升", "中试放大", "产业化应用")
REGIONS = ("示范市高新区", "示范市经开区", "示范市滨江区", "示范市北城区", "东岭县", "西岭县", "南湖区",
           "北湖区", "临港新区", "科学城", "江东区", "江西区")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏宇浩然子轩雨欣晨"
RUBRIC_KEYS = (("approach", 30), ("indicators", 25), ("team", 20), ("plan", 15), ("budget", 10))

# 榜 states (per cent), their life so far, and the kinds / modes.
STATE_MIX = (("draft", 2), ("screening", 2), ("open", 8), ("reviewing", 5), ("publicity", 1),
             ("contracted", 14), ("accepted", 4), ("awarded", 4), ("closed", 33), ("unclaimed", 10),
             ("withdrawn", 12), ("failed", 5))
STAGES = ("created", "submitted", "published", "deadline", "decided", "contracted", "accepted",
          "awarded", "ended")
REACHED = {"draft": 1, "screening": 2, "open": 3, "reviewing": 4, "publicity": 5, "unclaimed": 4,
           "withdrawn": 3, "contracted": 6, "failed": 6, "accepted": 7, "awarded": 8, "closed": 9}
KINDS = (("chokepoint", 35), ("import_substitution", 30), ("industry_shortage", 25), ("other", 10))
MODES = (("reward", 40), ("milestone", 35), ("horse_race", 10), ("post_funding", 15))
CONTRACTED = {"contracted", "accepted", "awarded", "closed", "failed"}
DECIDED = CONTRACTED | {"publicity"}


def weighted(rng: random.Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class Sink:
    """Writes chunks of rows to one database: Core executemany (SQLite) or COPY (PostgreSQL)."""

    def __init__(self, url: str):
        self.url = url
        self.postgres = url.startswith("postgresql")
        self.engine = sa.create_engine(url)
        self.conn = self.engine.connect()
        if not self.postgres:
            self.conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            self.conn.exec_driver_sql("PRAGMA synchronous=OFF")
            self.conn.exec_driver_sql("PRAGMA cache_size=-400000")
            self.conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        self.counts: dict[str, int] = {}

    def write(self, table: sa.Table, rows: list[dict]) -> None:
        """One chunk: plain tuples in the database's own formats, converted once per column
        (SQLAlchemy's per-row parameter processing would dominate the run time)."""
        if not rows:
            return
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        names = list(rows[0])
        convert = [_converter(table.c[n], self.postgres) for n in names]
        values = [tuple(f(row[n]) for f, n in zip(convert, names, strict=True)) for row in rows]
        if not self.postgres:
            self.conn.exec_driver_sql(
                f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                values)
            return
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)

    def finish(self, tables: Iterable[sa.Table]) -> None:
        if self.postgres:
            for table in tables:
                if "id" in table.c and self.counts.get(table.name):
                    self.conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))")
        self.conn.commit()
        if self.postgres:
            self.conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        self.conn.close()
        self.engine.dispose()


def _converter(column: sa.Column, postgres: bool):
    """Python value → what the driver stores, as the app's column types would store it."""
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, sa.JSON):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if isinstance(kind, sa.DateTime):  # naive UTC, SQLAlchemy's SQLite text format
        if postgres:
            return lambda v: None if v is None else v.astimezone(UTC).replace(tzinfo=None)
        return lambda v: None if v is None else v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(kind, sa.Date) and not postgres:
        return lambda v: None if v is None else v.isoformat()
    if isinstance(kind, sa.Boolean) and not postgres:
        return lambda v: None if v is None else int(v)
    return lambda v: v


class Loader:
    """Buffers rows per table, completes them with the model's Python-side defaults and sends
    full chunks to every sink."""

    def __init__(self, sinks: list[Sink], tables: dict[str, sa.Table]):
        self.sinks, self.tables = sinks, tables
        self.buffers: dict[str, list[dict]] = {}
        self.defaults: dict[str, dict] = {}

    def add(self, table_name: str, row: dict) -> None:
        buffer = self.buffers.setdefault(table_name, [])
        buffer.append(self._complete(table_name, row))
        if len(buffer) >= CHUNK:
            self.flush()  # every table, parents first: foreign keys hold on PostgreSQL

    def _complete(self, table_name: str, row: dict) -> dict:
        defaults = self.defaults.get(table_name)
        if defaults is None:
            defaults = {}
            for column in self.tables[table_name].columns:
                default = column.default
                if default is not None and default.is_scalar:
                    defaults[column.name] = default.arg
                elif default is not None and default.is_callable:
                    defaults[column.name] = default.arg(None)
            self.defaults[table_name] = defaults
        missing = {k: v for k, v in defaults.items() if k not in row}
        return {**row, **missing} if missing else row

    def flush(self) -> None:
        for name in [t for t in self.tables if t in self.buffers]:
            rows = self.buffers.get(name) or []
            for sink in self.sinks:
                sink.write(self.tables[name], rows)
            self.buffers[name] = []


def migrate(url: str) -> None:
    """A fresh, migrated database at *url*."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


class Seeder:
    def __init__(self, loader: Loader, scale: float, seed: int, now: datetime):
        self.load, self.scale, self.rng, self.now = loader, scale, random.Random(seed), now
        self.audit_head = GENESIS_HASH
        self.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        self.events: list[tuple] = []   # each 榜's own life: always kept
        self.extra: list[tuple] = []    # bids, reviews, contracts: sampled to fit the volume
        self.ids: dict[str, int] = {}
        self.bid_event_rate = 0.55      # keeps the lifecycle near the audit volume asked for

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def n(self, base: int) -> int:
        return max(1, round(base * self.scale))

    def when(self, days_ago: float) -> datetime:
        return self.now - timedelta(days=days_ago)

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def event(self, at: datetime, actor: int | None, object_type: str, object_id: int, action: str,
              before: str | None = None, after: str | None = None, reason: str = "",
              changes: dict | None = None) -> None:
        bucket = self.events if object_type == "challenge" else self.extra
        bucket.append((min(at, self.now).timestamp(), actor, object_type, object_id, action, before,
                       after, reason, changes))

    # -- people --------------------------------------------------------------------------

    def people(self) -> None:
        rng = self.rng
        self.enterprise_orgs, self.solver_orgs, self.reviewer_orgs = [], [], []
        for kind, count, bucket in (("enterprise", 2000, self.enterprise_orgs),
                                    ("solver", 3000, self.solver_orgs),
                                    ("institute", 300, self.reviewer_orgs)):
            for _ in range(self.n(count)):
                oid = self.next_id("organizations")
                if kind == "enterprise":
                    name = f"{rng.choice(REGIONS)}{rng.choice(FIELDS)}科技有限公司{oid}"
                    org_type = "enterprise"
                elif kind == "solver":
                    org_type = rng.choice(("university", "institute", "enterprise", "other"))
                    suffix = {"university": "大学", "institute": "研究院", "enterprise": "技术有限公司",
                              "other": "创新团队"}[org_type]
                    name = f"{rng.choice(REGIONS)}第{oid}{suffix}"
                else:
                    name, org_type = f"{rng.choice(REGIONS)}专家所{oid}", "institute"
                self.load.add("organizations", {
                    "id": oid, "name": name, "type": org_type, "region": rng.choice(REGIONS),
                    "credit_code": None, "created_at": self.when(rng.uniform(400, 1200))})
                bucket.append(oid)
        self.admins = [self._user("admin", None, n) for n in range(5)]
        self.enterprise_users: dict[int, list[int]] = {}
        for org in self.enterprise_orgs:
            self.enterprise_users[org] = [self._user("enterprise", org) for _ in range(rng.choice((1, 1, 2)))]
        self.solver_users: dict[int, list[int]] = {}
        for org in self.solver_orgs:
            self.solver_users[org] = [self._user("solver", org) for _ in range(2)]
        self.reviewers = [self._user("reviewer", rng.choice(self.reviewer_orgs)) for _ in range(self.n(600))]
        self.reviewer_org = {}
        profiled = [u for users in self.solver_users.values() for u in users] + self.reviewers
        for uid in profiled + [None] * max(0, self.n(10_000) - len(profiled)):
            pid = self.next_id("expert_profiles")
            field = rng.choice(FIELDS)
            self.load.add("expert_profiles", {
                "id": pid, "user_id": uid, "name": self.person(),
                "title": rng.choice(("教授", "研究员", "高级工程师")),
                "organization_id": None, "organization_name": f"{rng.choice(REGIONS)}研究机构",
                "fields": field, "keywords": "，".join(rng.sample(TOPICS[field], 2)),
                "bio": f"长期从事{field}领域研究。", "source": "self" if uid else "import", "active": True,
                "updated_at": self.when(rng.uniform(1, 600)), "created_at": self.when(rng.uniform(600, 900))})
            self.load.add("expert_works", {"id": self.next_id("expert_works"), "profile_id": pid,
                                           "kind": "paper", "title": f"{field}研究进展", "abstract": "",
                                           "year": rng.randint(2015, 2026), "position": 0})

    def _user(self, role: str, org: int | None, n: int | None = None) -> int:
        uid = self.next_id("users")
        email = f"admin{n}@bench.cn" if role == "admin" else f"{role}{uid}@bench.cn"
        name = self.person()
        created = self.when(self.rng.uniform(300, 1100))
        self.load.add("users", {
            "id": uid, "email": email, "phone": None, "name": name, "role": role,
            "organization_id": org, "password_hash": self.password_hash, "active": True,
            "last_login_at": None, "created_at": created,
            # Unique per account (Flask-Login's id) and confirmed, as migration 0011 leaves them.
            "session_token": f"bench-session-{uid}", "email_confirmed_at": created})
        return uid

    # -- 榜 and everything that hangs on them ----------------------------------------------

    def challenges(self, total: int, bids_total: int) -> None:
        rng = self.rng
        states = [weighted(rng, STATE_MIX) for _ in range(total)]
        # Bids go to published 榜 (not drafts, screening or most withdrawn ones).
        weights = [{"open": 2.0, "reviewing": 3.5, "unclaimed": 0.8, "withdrawn": 0.3}.get(s, 3.8)
                   if REACHED[s] >= 3 else 0 for s in states]
        scale = bids_total / sum(weights)
        counts = [int(w * scale * rng.uniform(0.4, 1.6)) for w in weights]
        eligible = [i for i, w in enumerate(weights) if w]
        while sum(counts) != bids_total:  # exactly the volume asked for
            i = rng.choice(eligible)
            if sum(counts) < bids_total:
                counts[i] += 1
            elif counts[i] > 0:
                counts[i] -= 1
        for state, bids in zip(states, counts, strict=True):
            if state in DECIDED and bids == 0:
                bids = 1  # a decided 榜 has its winner (the total may exceed by a few)
            self._challenge(state, bids)

    def _timeline(self, state: str) -> dict[str, datetime]:
        """Stamps of the stages reached, ending before now; open 榜 keep a future deadline."""
        rng = self.rng
        gaps = {"submitted": rng.uniform(1, 10), "published": rng.uniform(3, 20),
                "deadline": rng.uniform(30, 60), "decided": rng.uniform(15, 40),
                "contracted": rng.uniform(6, 30), "accepted": rng.uniform(180, 540),
                "awarded": rng.uniform(10, 60), "ended": rng.uniform(5, 30)}
        reached = REACHED[state]
        stages = STAGES[:reached]
        if state == "open":
            gaps["deadline"] = 0
        elapsed = sum(gaps[s] for s in stages[1:])
        slack = {"draft": rng.uniform(0, 30), "screening": rng.uniform(0, 7), "open": rng.uniform(0, 30),
                 "reviewing": rng.uniform(1, 30), "publicity": rng.uniform(0, 4.5)}.get(
            state, rng.uniform(1, max(2, 1095 - elapsed)))
        start = self.now - timedelta(days=elapsed + slack)
        stamps, at = {"created": start}, start
        for stage in stages[1:]:
            at = at + timedelta(days=gaps[stage])
            stamps[stage] = at
        if state == "open":  # published, and the deadline still ahead
            stamps["deadline"] = self.now + timedelta(days=rng.uniform(1, 60))
        if state == "failed":
            stamps["ended"] = min(self.now, stamps["contracted"] + timedelta(days=rng.uniform(60, 300)))
        return stamps

    def _challenge(self, state: str, bids: int) -> None:
        rng = self.rng
        cid = self.next_id("challenges")
        field = rng.choice(FIELDS)
        topic = rng.choice(TOPICS[field])
        issuer = rng.choice(self.enterprise_orgs)
        author = rng.choice(self.enterprise_users[issuer])
        admin = rng.choice(self.admins)
        stamps = self._timeline(state)
        mode = weighted(rng, MODES)
        bounty = rng.choice((50, 100, 200, 300, 500, 800, 1000, 1500, 2000, 3000)) * 1_000_000
        deadline = stamps.get("deadline")
        ended = stamps.get("ended") if state in ("closed", "failed") else None
        self.load.add("challenges", {
            "id": cid, "title": f"{topic}{rng.choice(GOALS)}", "kind": weighted(rng, KINDS),
            "field": field, "industry_tags": f"{field},{topic}",
            "summary": f"面向{field}产业链，开展{topic}{rng.choice(GOALS)}，要求关键指标达到国内领先水平。",
            "detail": f"企业现有{topic}工艺存在瓶颈，良率约{rng.randint(60, 90)}%，需联合攻关。",
            "bounty_fen": bounty, "investment_fen": bounty * rng.choice((2, 3, 5)),
            "funding_mode": mode, "max_winners": 2 if mode == "horse_race" else 1,
            "deadline_at": deadline, "period_months": rng.choice((12, 18, 24, 36)),
            "eligible_org_types": "", "eligible_regions": "", "qualifications": "",
            "confidentiality": rng.choice(("public", "public", "desensitized", "directed")),
            "contact_name": self.person(), "contact_phone": "13800000000", "contact_email": "",
            "state": state, "issuer_org_id": issuer, "created_by_id": author,
            "updated_at": max(stamps.values()) if state != "open" else stamps["published"],
            "submitted_at": stamps.get("submitted"), "published_at": stamps.get("published"),
            "reviewers_required": 3, "rubric": None, "pass_mark": 60,
            "decision_note": "综合评审结果" if state in DECIDED else "",
            "publicity_ends_at": stamps["decided"] + timedelta(days=5) if "decided" in stamps else None,
            "contracted_at": stamps.get("contracted"), "accepted_at": stamps.get("accepted"),
            "ended_at": ended, "version": 1, "created_at": stamps["created"]})
        indicators = []
        for position in range(rng.randint(1, 3)):
            iid = self.next_id("challenge_indicators")
            indicators.append(iid)
            self.load.add("challenge_indicators", {
                "id": iid, "challenge_id": cid, "position": position, "name": f"指标{position + 1}",
                "target": f"≥{rng.randint(80, 99)}", "unit": "%", "method": "第三方检测"})
        self._challenge_events(cid, state, stamps, author, admin)
        if bids:
            self._bids(cid, state, stamps, bids, mode, bounty, admin, indicators)

    def _challenge_events(self, cid, state, stamps, author, admin) -> None:
        rng = self.rng
        ev = self.event
        ev(stamps["created"], author, "challenge", cid, "create", None, "draft",
           changes={"title": [None, "…"], "bounty_fen": [None, rng.randint(1, 300) * 1_000_000]})
        if rng.random() < 0.3:
            old, new = rng.randint(1, 30) * 1_000_000, rng.randint(31, 90) * 1_000_000
            ev(stamps["created"] + timedelta(hours=rng.uniform(1, 20)), author, "challenge", cid, "edit",
               changes={"bounty_fen": [old, new], "summary": ["初稿摘要", "修改后的摘要"]})
        steps = [("submitted", "submit", "draft", "screening", author),
                 ("published", "publish", "screening", "open", admin),
                 ("deadline", "close", "open", "reviewing", None),
                 ("decided", "decide", "reviewing", "publicity", admin),
                 ("contracted", "contract", "publicity", "contracted", admin),
                 ("accepted", "accept", "contracted", "accepted", admin),
                 ("awarded", "award", "accepted", "awarded", admin),
                 ("ended", "finish", "awarded", "closed", admin)]
        for stage, action, before, after, actor in steps:
            if stage in stamps and not (state == "open" and stage == "deadline") \
                    and not (state == "failed" and stage == "ended"):
                ev(stamps[stage], actor, "challenge", cid, action, before, after,
                   reason="评审结果" if action == "decide" else "")
        if state == "unclaimed":
            ev(stamps["deadline"] + timedelta(days=3), admin, "challenge", cid, "unclaim", "reviewing",
               "unclaimed", reason="无合格揭榜方案")
        if state == "withdrawn":
            ev(stamps["published"] + timedelta(days=2), author, "challenge", cid, "withdraw", "open",
               "withdrawn", reason="企业调整研发计划")
        if state == "failed":
            ev(stamps["ended"], admin, "challenge", cid, "fail", "contracted", "failed",
               reason="未达到验收指标")

    def _bids(self, cid, state, stamps, count, mode, bounty, admin, indicators) -> None:
        rng = self.rng
        orgs = rng.sample(self.solver_orgs, min(count, len(self.solver_orgs)))
        winners = min(len(orgs), 2 if mode == "horse_race" else 1) if state in DECIDED else 0
        published = stamps["published"]
        until = stamps.get("deadline", self.now)
        until = min(until, self.now)
        scored = []
        for n, org in enumerate(orgs):
            pid = self.next_id("proposals")
            lead = rng.choice(self.solver_users[org])
            submitted = published + (until - published) * rng.uniform(0.05, 0.95)
            if state == "open":
                p_state = weighted(rng, (("submitted", 70), ("draft", 20), ("withdrawn", 10)))
            elif state == "reviewing":
                p_state = weighted(rng, (("qualified", 70), ("disqualified", 15), ("submitted", 10),
                                         ("withdrawn", 5)))
            elif state in DECIDED:
                p_state = "selected" if n < winners else weighted(
                    rng, (("not_selected", 70), ("disqualified", 20), ("withdrawn", 10)))
            elif state == "unclaimed":
                p_state = weighted(rng, (("disqualified", 60), ("not_selected", 40)))
            else:
                p_state = weighted(rng, (("submitted", 80), ("withdrawn", 20)))
            requested = bounty // rng.choice((1, 2, 3))
            self.load.add("proposals", {
                "id": pid, "challenge_id": cid, "lead_org_id": org, "team_lead_id": lead, "state": p_state,
                "title": f"基于自主技术的攻关方案{pid}", "technical_approach": "技术路线与关键节点。",
                "requested_fen": requested,
                "budget": [{"item": "设备费", "amount_fen": requested, "note": ""}],
                "members": [{"name": self.person(), "title": "教授", "role": "负责人"}],
                "commitment_accepted_at": None if p_state == "draft" else submitted,
                "submitted_at": None if p_state == "draft" else submitted,
                "version_no": 0 if p_state == "draft" else 1,
                "eligibility_note": "不符合资质要求" if p_state == "disqualified" else "",
                "updated_at": submitted, "version": 1, "created_at": submitted - timedelta(days=1)})
            for iid in indicators:
                self.load.add("indicator_responses", {
                    "id": self.next_id("indicator_responses"), "proposal_id": pid, "indicator_id": iid,
                    "committed_value": f"≥{rng.randint(85, 99)}%", "evidence_plan": ""})
            if p_state != "draft":
                self._bid_events(pid, p_state, submitted, until, lead, admin, stamps)
            if p_state in ("qualified", "selected", "not_selected"):
                scored.append((pid, p_state))
            if p_state == "selected" and state in CONTRACTED:
                self._contract(cid, pid, org, lead, state, stamps, mode, requested, admin)
        if scored and state not in ("open",):
            self._panel(cid, state, stamps, scored, admin)

    def _bid_events(self, pid, p_state, submitted, until, lead, admin, stamps) -> None:
        rng = self.rng
        keep = self.bid_event_rate
        if rng.random() < keep:
            self.event(submitted, lead, "proposal", pid, "submit", "draft", "submitted")
        checked = until + timedelta(days=rng.uniform(1, 6))
        if checked > self.now:
            return
        if p_state == "withdrawn" and rng.random() < keep:
            self.event(submitted + timedelta(days=1), lead, "proposal", pid, "withdraw", "submitted",
                       "withdrawn", reason="团队调整")
        elif p_state in ("qualified", "selected", "not_selected") and rng.random() < keep:
            self.event(checked, admin, "proposal", pid, "qualify", "submitted", "qualified")
        elif p_state == "disqualified" and rng.random() < keep:
            self.event(checked, admin, "proposal", pid, "disqualify", "submitted", "disqualified",
                       reason="不符合资质要求")
        if p_state in ("selected", "not_selected") and "decided" in stamps and rng.random() < keep:
            self.event(stamps["decided"], admin, "proposal", pid,
                       "select" if p_state == "selected" else "reject", "qualified", p_state,
                       reason="评审排名" if p_state == "selected" else "评分低于入选方案")

    def _panel(self, cid, state, stamps, scored, admin) -> None:
        rng = self.rng
        seated = rng.sample(self.reviewers, 3)
        assigned_at = stamps.get("deadline", self.now) + timedelta(hours=rng.uniform(2, 48))
        assigned_at = min(assigned_at, self.now)
        complete = state != "reviewing" or rng.random() < 0.5
        for reviewer in seated:
            self.load.add("review_assignments", {
                "id": self.next_id("review_assignments"), "challenge_id": cid, "reviewer_id": reviewer,
                "state": "assigned", "match_score": rng.randint(40, 95), "assigned_by_id": admin,
                "assigned_at": assigned_at, "declined_at": None, "conflict_note": "", "version": 1})
            for pid, p_state in scored:
                if not complete and rng.random() < 0.5:
                    continue
                high = p_state == "selected"
                scores = {key: rng.randint(int(top * (0.7 if high else 0.3)), top)
                          for key, top in RUBRIC_KEYS}
                submitted = min(self.now, assigned_at + timedelta(days=rng.uniform(1, 10)))
                draft = not complete and rng.random() < 0.3
                rid = self.next_id("reviews")
                self.load.add("reviews", {
                    "id": rid, "challenge_id": cid, "proposal_id": pid, "reviewer_id": reviewer,
                    "state": "draft" if draft else "submitted", "scores": scores,
                    "comment": "方案可行" if sum(scores.values()) >= 60 else "技术路线不够成熟",
                    "created_at": assigned_at, "updated_at": submitted,
                    "submitted_at": None if draft else submitted, "version": 1})
                if not draft and rng.random() < self.bid_event_rate:
                    self.event(submitted, reviewer, "review", rid, "submit", "draft", "submitted")

    def _contract(self, cid, pid, org, lead, state, stamps, mode, amount, admin) -> None:
        rng = self.rng
        kid = self.next_id("contracts")
        signed = stamps["contracted"]
        if state == "failed":
            k_state = "failed"
        elif state in ("accepted", "awarded", "closed"):
            k_state = "accepted"
        else:
            k_state = "active"
        ended = stamps.get("accepted") if k_state == "accepted" else stamps.get("ended")
        rate = rng.choice((0, 1000, 2000, 3000))
        cap = 2_000_000_000
        self.load.add("contracts", {
            "id": kid, "challenge_id": cid, "proposal_id": pid, "solver_org_id": org,
            "number": f"JBGS-{signed.year}-{kid:06d}", "amount_fen": amount,
            "start_on": (signed + SHANGHAI_OFFSET).date(), "funding_mode": mode, "subsidy_rate_bp": rate,
            "subsidy_cap_fen": cap, "state": k_state, "signed_at": signed, "ended_at": ended,
            "failure_rule": "terminate" if k_state == "failed" else None, "recovery_fen": 0,
            "end_note": "未达到验收指标" if k_state == "failed" else "", "created_by_id": admin,
            "version": 1, "created_at": signed - timedelta(days=3)})
        self.event(signed - timedelta(days=3), admin, "contract", kid, "draft_contract", None, "draft",
                   changes={"proposal": [None, pid], "amount_fen": [None, amount]})
        self.event(signed, admin, "contract", kid, "sign", "draft", "active")
        shares = rng.choice(((10000,), (4000, 6000), (3000, 3000, 4000)))
        subsidy = min(amount * rate // 10_000, cap)
        by_milestone = mode in ("milestone", "horse_race")
        finish = stamps.get("accepted") or signed + timedelta(days=rng.uniform(300, 720))
        for position, share in enumerate(shares):
            mid = self.next_id("contract_milestones")
            due = signed + (finish - signed) * (position + 1) / len(shares) - timedelta(days=10)
            if k_state == "accepted" or (k_state == "active" and due < self.now - timedelta(days=30)
                                         and rng.random() < 0.8):
                m_state = "approved"
            elif k_state == "failed":
                m_state = "cancelled"
            else:
                m_state = weighted(rng, (("pending", 60), ("reported", 20), ("confirmed", 20)))
            reported = due - timedelta(days=5) if m_state in ("approved", "reported", "confirmed") else None
            confirmed = due if m_state in ("approved", "confirmed") else None
            reviewed = due + timedelta(days=5) if m_state == "approved" else None
            self.load.add("contract_milestones", {
                "id": mid, "contract_id": kid, "position": position, "title": f"第{position + 1}阶段",
                "due_on": (due + SHANGHAI_OFFSET).date(), "deliverable": "阶段成果报告", "share_bp": share,
                "state": m_state, "report": "按计划完成" if reported else "", "reported_at": reported,
                "confirmed_at": confirmed, "reviewed_at": reviewed, "review_note": "",
                "overdue_notified_on": None, "version": 1})
            if reviewed and reviewed < self.now:
                self.event(reported, lead, "milestone", mid, "report", "pending", "reported")
                self.event(reviewed, admin, "milestone", mid, "approve", "confirmed", "approved")
                if by_milestone or k_state == "accepted":
                    for payer, total in (("enterprise", amount), ("government", subsidy)):
                        part = total * share // 10_000
                        if part:
                            self._pay(kid, mid if by_milestone else None, payer, part, reviewed, admin)

    def _pay(self, kid, mid, payer, amount, at, admin) -> None:
        eid = self.next_id("ledger_entries")
        self.load.add("ledger_entries", {
            "id": eid, "contract_id": kid, "milestone_id": mid, "kind": "payment", "payer": payer,
            "payee": "揭榜单位", "amount_fen": amount, "paid_on": (at + SHANGHAI_OFFSET).date(),
            "reference": f"银行流水{eid:07d}", "reason": "", "reverses_id": None,
            "recorded_by_id": admin, "recorded_at": at + timedelta(hours=2)})
        self.event(at + timedelta(hours=2), admin, "contract", kid, "pay", changes={
            "entry": [None, eid], "payer": [None, payer], "amount_fen": [None, amount],
            "milestone": [None, mid]})

    def audit(self, total: int) -> None:
        """Exactly *total* events in time order (ids grow with time, as in production): the
        lifecycle events above, trimmed at random or padded with edits and views of rules."""
        rng = self.rng
        events, extra = self.events, self.extra
        if len(events) > total:
            rng.shuffle(events)
            del events[total:]
        room = total - len(events)
        events.extend(extra if len(extra) <= room else rng.sample(extra, room))
        extra.clear()
        objects = self.ids.get("challenges", 1)
        while len(events) < total:
            cid = rng.randint(1, objects)
            at = self.now - timedelta(days=rng.uniform(0, 1095))
            events.append((at.timestamp(), rng.choice(self.admins), "challenge", cid, "edit", None, None,
                           "专家诊断修改", {"summary": ["原摘要", "凝练后的摘要"]}))
        events.sort(key=lambda e: e[0])
        for ts, actor, object_type, object_id, action, before, after, reason, changes in events:
            row = {"id": self.next_id("audit_events"), "occurred_at": datetime.fromtimestamp(ts, UTC),
                   "actor_id": actor, "object_type": object_type, "object_id": object_id,
                   "action": action, "from_state": before, "to_state": after, "reason": reason,
                   "changes": changes, "prev_hash": self.audit_head}
            row["hash"] = self.audit_head = link_hash(self.audit_head, row)  # chained as record() does
            self.load.add("audit_events", row)
        events.clear()


def seed(urls: list[str], scale: float, seed_value: int) -> dict[str, int]:
    for url in urls:
        migrate(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": urls[0], "TESTING": True, "SECRET_KEY": "bench"})
    with app.app_context():
        tables = {t.name: t for t in db.metadata.sorted_tables}
    sinks = [Sink(url) for url in urls]
    loader = Loader(sinks, tables)
    now = datetime.now(UTC).replace(microsecond=0)
    seeder = Seeder(loader, scale, seed_value, now)
    challenges, bids, events = round(100_000 * scale), round(300_000 * scale), round(1_000_000 * scale)
    seeder.people()
    seeder.challenges(challenges, bids)
    seeder.audit(events)
    loader.flush()
    for sink in sinks:
        sink.finish(db.metadata.sorted_tables)
    return sinks[0].counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE, help="SQLite file to (re)create")
    parser.add_argument("--postgres", help="also (re)create this PostgreSQL database (SQLAlchemy URL)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full volumes")
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()
    urls = [] if args.no_sqlite else [f"sqlite:///{Path(args.sqlite).resolve()}"]
    if args.postgres:
        urls.append(args.postgres)
    if not urls:
        parser.error("nothing to build: give --postgres or drop --no-sqlite")
    started = time.perf_counter()
    counts = seed(urls, args.scale, args.seed)
    took = time.perf_counter() - started
    for name in ("challenges", "proposals", "audit_events", "reviews", "contracts", "contract_milestones",
                 "ledger_entries", "users", "organizations", "expert_profiles"):
        print(f"{name:22} {counts.get(name, 0):>10,}")
    for url in urls:
        where = url.split("@")[-1] if url.startswith("postgresql") else url.removeprefix("sqlite:///")
        size = ""
        if url.startswith("sqlite"):
            size = f" ({os.path.getsize(where) / 1e6:,.0f} MB)"
        print(f"built {where}{size}")
    print(f"seeded in {took:.0f} s")


if __name__ == "__main__":
    main()
