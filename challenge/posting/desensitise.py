"""脱敏 check: does the public face of a 脱敏 or 定向 榜 still give its issuer away?

Two halves. `find_leaks` is pure (strings in, findings out): it looks in the public text (title
and summary) for the issuer's name and the short forms people use for it, brand and model codes,
the names of customers and suppliers and the plant locations that the confidential body or the
organisation's profile mention, and exact figures copied from the body. `anonymity` asks the
database how many registered enterprises share the region and field the public text implies:
k = 1 means anyone who knows the region can tell who posted it.

Both are advice, never a block: `check` returns them for the form and the screening page.
Hand-written rather than a named-entity model: no Chinese NER model is available offline here,
and the shapes that matter (a registered name and its 字号, "ABC-123", "…有限公司", "…工业园",
numbers) are regular; jieba's part-of-speech tags (a library the matcher already uses) add the
place and organisation names the shapes miss.
"""

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..locales import punctuation
from ..models import Challenge, ExpertProfile, Organization
from ..models.base import csv_list
from ..states import Confidentiality, OrgState, OrgType

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # jieba 0.42 imports pkg_resources (deprecated)
    import jieba.posseg

CJK = "\u4e00-\u9fff"
# The legal form at the end of a registered name.
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司",
               "集团公司", "股份公司", "总公司", "分公司", "公司", "集团", "总厂", "厂")
# Words of trade that follow the 字号 (trade name) in a registered name: 华东新材|科技|股份有限公司.
TRADE_WORDS = ("科技", "技术", "实业", "工业", "产业", "控股", "发展", "投资", "智能", "电子", "微电子",
               "电气", "机械", "装备", "材料", "新材料", "化工", "生物", "医药", "医疗", "用品", "光学",
               "汽车", "零部件", "能源", "储能", "电池", "环境", "工程", "软件", "信息", "网络",
               "制造", "精密", "农业", "非织造", "纺织", "特钢", "轴承", "封装", "测试", "半导体",
               "环保", "设备", "仪器", "通信", "光电", "新能源", "制药", "生物医药", "食品", "贸易",
               "化纤", "防护", "石化", "化学", "钢铁", "物流", "建材", "塑料", "橡胶")
# Region words that open a registered name: 华东新材…, 江苏恒泰…, 示范市…
REGION_PREFIX = re.compile(
    rf"^(?:中国|华东|华南|华北|华中|华西|西南|西北|东北|"
    rf"[{CJK}]{{2,4}}?(?:省|市|自治区|特别行政区|县|区))")
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
             "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州",
             "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港",
             "澳门", "苏州", "无锡", "深圳", "杭州", "南京", "宁波", "武汉", "成都", "西安", "合肥")
# One step of a region: 江苏省 / 示范市 / 高新区 / 临江县 / 某某工业园 ...
REGION_PART = re.compile(rf"[{CJK}]{{1,8}}?(?:特别行政区|自治区|经开区|高新区|开发区|工业园区|产业园|"
                         rf"工业园|园区|新区|省|市|州|区|县|镇|乡|旗)")
# A place named in the body: 2-8 characters ending in a place word (昆山市, 张家港保税区, 东江区).
PLACE = re.compile(rf"[{CJK}]{{2,8}}?(?:经济技术开发区|经开区|高新区|开发区|保税区|工业园区|工业园|"
                   rf"产业园|科技园|园区|新区|省|市|区|县|镇|乡)")
# An organisation named in the body: "……有限公司", "……集团", "……研究院".
ORG_NAME = re.compile(rf"[{CJK}A-Za-z]{{2,20}}?(?:股份有限公司|有限责任公司|有限公司|集团|公司|"
                      rf"研究院|研究所|大学|医院|总厂|工厂)")
# Words that introduce a name in running text ("主要客户为…", "位于…"): the name starts after
# the last of them; then a single preposition (为, 与 …) before the name goes too.
CONTEXT_WORDS = ("客户", "供应商", "用户", "厂商", "合作方", "合作伙伴", "包括", "例如", "比如", "我司",
                 "本司", "本公司", "我们", "目前", "现为", "采用", "采购", "选用", "使用", "替代", "位于",
                 "地处", "来自", "主要")
PREPOSITIONS = "为向给与和及由从是在如即"
# A model or part code: ABC-123, XJ2000A, HT-60S, 7nm-X.
CODE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]{1,6}[-_/]?\d{2,6}[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"
                  r"|\d{2,6}-[A-Za-z]{1,6}[A-Za-z0-9]*)(?![A-Za-z0-9])")
# Codes of standards, interfaces and grades: not anyone's product.
STANDARD_CODE = re.compile(r"^(?:GB|GBT|ISO|IEC|ASTM|EN|JIS|DIN|YY|JB|HG|KN|N|FFP|IP|PM|USB|DDR|"
                           r"PCIE|LTE|UL|CE|SAE|API|AEC|Q|HB|QC|TO|SOT|SOP|SOIC|QFN|DFN|DIP|BGA|QFP|LQFP|TSSOP|"
                           r"SMA|SMB|SMC)[-_/]?\d", re.I)
# A brand, said to be one: “洁盾”牌 / “洁盾”品牌 / 商标“洁盾” / 品牌为“洁盾”.
BRAND = re.compile(rf"[“\"「『]([{CJK}A-Za-z0-9]{{2,10}})[”\"」』](?:牌|品牌|商标)"
                   rf"|(?:品牌|商标|牌号)(?:名称|名)?(?:为|是|：|:)?\s*[“\"「『]([{CJK}A-Za-z0-9]{{2,10}})[”\"」』]")
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
# Mentions of "our own" region that narrow the issuer down as a named place would.
OWN_REGION = {"本市": "市", "我市": "市", "本区": "区", "我区": "区", "本县": "县", "本省": "省",
              "我省": "省"}


@dataclass(frozen=True)
class Leak:
    kind: str     # name | abbreviation | code | brand | party | place | figure
    text: str     # as it stands in the public text
    source: str   # where it was found: "name", "profile", "detail"

    @property
    def label(self) -> str:
        return {
            "name": _("单位名称"), "abbreviation": _("单位简称"), "code": _("型号/代号"),
            "brand": _("品牌"), "party": _("客户或供应商"), "place": _("厂址/地点"),
            "figure": _("保密内容中的确切数字"),
        }[self.kind]

    @property
    def advice(self) -> str:
        return {
            "name": _("公开摘要写出了贵单位名称，请改为“某企业”。"),
            "abbreviation": _("“%(t)s”是贵单位名称的简称，熟悉行业的人一看便知，请删去。", t=self.text),
            "code": _("型号“%(t)s”可追溯到具体产品和厂家，请改为产品类别。", t=self.text),
            "brand": _("品牌“%(t)s”可追溯到贵单位，请删去。", t=self.text),
            "party": _("“%(t)s”出现在保密内容或单位资料中，公开后可推知贵单位的客户或供应链，请删去。",
                       t=self.text),
            "place": _("地点“%(t)s”出现在保密内容或单位资料中，可推知贵单位厂址，请删去或放宽到省级。",
                       t=self.text),
            "figure": _("数字“%(t)s”照抄自保密内容，请改为范围或删去。", t=self.text),
        }[self.kind]


@dataclass
class Anonymity:
    """k: registered enterprises sharing the region and field the public text implies."""

    k: int
    field: str
    region: str                      # the narrowest region part implied ("" = none implied)
    mentions: list[str] = field(default_factory=list)  # what in the text implied it

    @property
    def level(self) -> str:
        return "danger" if self.k <= 1 else "warning" if self.k <= 3 else "info"

    @property
    def message(self) -> str:
        where = self.region or _("平台上")
        if self.k <= 1 and self.region:
            return _("k = 1：%(where)s%(field)s领域只有贵单位一家注册企业，"
                     "%(where)s的任何人都能看出是贵单位。", where=where, field=self.field)
        if self.k <= 1:
            return _("k = 1：平台上%(field)s领域只有贵单位一家注册企业，任何人都能看出是贵单位。",
                     field=self.field)
        if self.k <= 3:
            return _("k = %(k)d：%(where)s%(field)s领域仅 %(k)d 家注册企业，很容易被猜出。",
                     k=self.k, where=where, field=self.field)
        return _("k = %(k)d：%(where)s%(field)s领域有 %(k)d 家注册企业，难以据此认出贵单位。",
                 k=self.k, where=where, field=self.field)


    @property
    def fix(self) -> str:
        """What would widen the crowd ("" when it is wide enough)."""
        if self.k > 3:
            return ""
        if self.mentions:
            return _("请删去公开内容中的地区信息（%(w)s），或把技术领域写得更宽。",
                     w=punctuation("、").join(self.mentions))
        return _("请把技术领域写得更宽，或与科技局商量是否改为定向发布。")


@dataclass
class Check:
    leaks: list[Leak]
    anonymity: Anonymity

    @property
    def warnings(self) -> int:
        return len(self.leaks) + (1 if self.anonymity.k <= 3 else 0)


# -- pure: the issuer's names ---------------------------------------------------------------------

def strip_legal_form(name: str) -> str:
    name = re.sub(r"[（(][^）)]*[）)]", "", name).strip()  # 江恒汽车（苏州）有限公司
    for form in sorted(LEGAL_FORMS, key=len, reverse=True):
        if name.endswith(form) and len(name) > len(form) + 1:
            return name[: -len(form)]
    return name


def strip_region(name: str) -> str:
    for province in PROVINCES:
        if name.startswith(province) and len(name) > len(province) + 1:
            name = name[len(province):]
            break
    m = REGION_PREFIX.match(name)
    if m and len(name) - m.end() >= 2:
        name = name[m.end():]
    return name


def trade_name(name: str) -> str:
    """The 字号: the registered name without region, legal form and trade words
    (华东新材科技股份有限公司 → 新材, 中固特钢轴承股份有限公司 → 中固)."""
    core = strip_region(strip_legal_form(name))
    changed = True
    while changed:
        changed = False
        for word in sorted(TRADE_WORDS, key=len, reverse=True):
            if core.endswith(word) and len(core) - len(word) >= 2:
                core = core[: -len(word)]
                changed = True
    return core


def short_forms(name: str) -> list[str]:
    """The names people use for an organisation, longest first: without its legal form, without
    its region, and its 字号 (华东新材科技股份有限公司 → 华东新材科技, 新材科技, 华东新材, 新材)."""
    bare = strip_legal_form(name)
    core = trade_name(name)
    unplaced = strip_region(bare)
    forms = {bare, unplaced, core}
    if bare.find(core) > 0:  # region + 字号: 华东新材
        forms.add(bare[: bare.find(core) + len(core)])
    if unplaced.startswith(core) and len(unplaced) > len(core):  # 字号 + first trade word: 新材科技
        for word in TRADE_WORDS:
            if unplaced[len(core):].startswith(word):
                forms.add(core + word)
    return sorted((f for f in forms if len(f) >= 2 and f != name), key=len, reverse=True)


def region_parts(region: str) -> list[str]:
    """示范市高新区 → [示范市, 高新区]; a placeholder such as 某市 is not a place."""
    return [p for p in REGION_PART.findall(region or "") if "某" not in p and len(p) >= 2]


# -- pure: what the body and the profile name -----------------------------------------------------

def _candidates(found: str) -> set[str]:
    """A name as a shape-match caught it in a sentence, and what it may be without the words
    before it: after the last introducing word ("主要客户为华为技术有限公司" → "为华为技术有限公司"),
    and after each preposition ("熔喷料由金鹰石化集团" → "金鹰石化集团"). A name that holds a
    preposition ("华为…") is kept whole too; generic leftovers are dropped by the callers."""
    cut = max((found.rfind(w) + len(w) for w in CONTEXT_WORDS if w in found), default=0)
    name = found[cut:] if len(found) - cut >= 3 else found
    out = {name}
    for i, ch in enumerate(name):
        if ch in PREPOSITIONS and len(name) - i - 1 >= 3:
            out.add(name[i + 1:])
    return out


def _generic(name: str) -> bool:
    """Nothing of a name is left once its legal form, region and trade words are gone
    (石化集团, 技术有限公司): no one's name."""
    core = trade_name(name)
    return len(core) < 2 or core in TRADE_WORDS


@lru_cache(maxsize=256)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and part-of-speech tags, from its dictionary alone: the HMM guesser for
    unknown words costs ten times as much (0.7 s for a 10,000-character body) and the shapes
    above already catch the names it would add."""
    return tuple((w.word, w.flag) for w in jieba.posseg.cut(text, HMM=False))


def organisations_in(text: str) -> list[str]:
    """Names of organisations in a text, shortest first: the "…有限公司" shapes, and jieba's
    organisation words."""
    found = {c for m in ORG_NAME.finditer(text) for c in _candidates(m.group(0))}
    found |= {w for w, flag in _tagged(text) if flag == "nt" and len(w) >= 3}
    return sorted((f for f in found if not _generic(f)), key=lambda f: (len(f), f))


def places_in(text: str) -> list[str]:
    """Places named in a text: "…工业园", "…市", and jieba's place words of three characters or more
    (two-character ones are mostly provinces and countries, too broad to give anyone away)."""
    found = {c for m in PLACE.finditer(text) for c in _candidates(m.group(0))}
    found |= {w for w, flag in _tagged(text) if flag == "ns" and len(w) >= 3}
    return sorted((p for p in found if "某" not in p and p not in OWN_REGION and len(p) >= 3),
                  key=lambda p: (len(p), p))


def codes_in(text: str) -> list[str]:
    return [c for c in CODE.findall(text) if not STANDARD_CODE.match(c)]


def brands_in(text: str) -> list[str]:
    return [a or b for a, b in BRAND.findall(text)]


def figures_in(text: str) -> set[str]:
    """Numbers precise enough to be recognised as one company's: decimals (95.2, 0.35), integers
    of three significant digits or more (128, 1250), and two-digit percentages (95%). Round and
    small numbers (3, 12, 3000) and sizes (12 英寸) are everyone's."""
    out = set()
    for m in NUMBER.finditer(text):
        n = m.group(0)
        significant = n.replace(".", "").strip("0")
        percent = text[m.end():m.end() + 2].lstrip().startswith(("%", "％", "‰"))
        if "." in n and significant or len(significant) >= 3 or (len(significant) == 2 and percent):
            out.add(n)
    return out


def _mentions(term: str, text: str) -> bool:
    """*term* stands in *text* as itself, not as the start of a longer word jieba knows
    (新能 in 新能源): for two- and three-character terms, the segmentation must agree."""
    if term not in text:
        return False
    if len(term) > 3 or not re.fullmatch(rf"[{CJK}]+", term):
        return True
    words = [w for w, _flag in _tagged(text)]
    if term in words:
        return True
    # Split across words (华东|新材 for 华东新材): the term's edges must be word edges.
    edges, at = {0}, 0
    for w in words:
        at += len(w)
        edges.add(at)
    start = text.find(term)
    while start != -1:
        if start in edges and start + len(term) in edges:
            return True
        start = text.find(term, start + 1)
    return False


def find_leaks(public: str, *, org_name: str, org_region: str = "", detail: str = "",
               profile: str = "", public_figures: str = "") -> list[Leak]:
    """What in the *public* text (title and summary) points at the issuer. *detail* is the
    confidential body, *profile* the organisation's own registered details; numbers in
    *public_figures* (the public indicator table) are public anyway and not flagged."""
    leaks: list[Leak] = []
    seen: set[str] = set()

    def flag(kind: str, text: str, source: str) -> None:
        if text and not any(text in s or s in text for s in seen):
            seen.add(text)
            leaks.append(Leak(kind, text, source))

    if org_name and org_name in public:
        flag("name", org_name, "name")
    for form in short_forms(org_name):
        if _mentions(form, public):
            flag("abbreviation", form, "name")
    private = "\n".join((detail, profile))
    for code in codes_in(public):
        flag("code", code, "detail" if code in private else "public")
    for brand in brands_in(private):
        if _mentions(brand, public):
            flag("brand", brand, "detail")
    for other in organisations_in(private):
        if other == org_name or trade_name(other) == trade_name(org_name):
            continue
        for form in [other, *short_forms(other)]:
            if _mentions(form, public):
                flag("party", form, "detail")
                break
    own = region_parts(org_region)
    # The issuer's own province or city is broad: the k estimate speaks for it, not a flag.
    broad = {p for p in own if p.endswith(("省", "市", "自治区"))}
    for place in sorted({*places_in(private), *own} - broad, key=lambda p: (len(p), p)):
        if _mentions(place, public):
            flag("place", place, "profile" if place in own else "detail")
    public_nums = figures_in(public_figures)
    for number in sorted(figures_in(public) & figures_in(detail) - public_nums, key=len, reverse=True):
        flag("figure", number, "detail")
    return leaks


def implied_region(public: str, org_region: str) -> tuple[list[str], list[str]]:
    """The parts of the issuer's region the public text names (示范市, 高新区; 本市 stands for the
    issuer's city), and the words that named them."""
    parts = region_parts(org_region)
    implied, words = [], []
    for part in parts:
        if part in public:
            implied.append(part)
            words.append(part)
    for word, suffix in OWN_REGION.items():
        if word in public:
            mine = [p for p in parts if p.endswith(suffix)]
            if mine and mine[0] not in implied:
                implied.append(mine[0])
                words.append(word)
    return implied, words


# -- the database: k -----------------------------------------------------------------------------

def enterprises_in_field(field_name: str) -> set[int]:
    """Registered (verified) enterprises active in a field: they posted a 榜 in it, or one of
    their people lists it in an expert profile. Organisations carry no field of their own."""
    if not field_name:
        return set()
    verified = select(Organization.id).where(Organization.type == OrgType.ENTERPRISE,
                                             Organization.state == OrgState.VERIFIED)
    posted = set(db.session.scalars(select(Challenge.issuer_org_id).distinct().where(
        Challenge.field == field_name, Challenge.issuer_org_id.in_(verified))))
    listed = {org_id for org_id, fields in db.session.execute(
        select(ExpertProfile.organization_id, ExpertProfile.fields).where(
            ExpertProfile.organization_id.in_(verified), ExpertProfile.fields.contains(field_name)))
        if field_name in csv_list(fields)}
    return posted | listed


def anonymity(public: str, issuer: Organization, field_name: str) -> Anonymity:
    implied, words = implied_region(public, issuer.region)
    orgs = enterprises_in_field(field_name)
    if implied:
        regions = dict(db.session.execute(
            select(Organization.id, Organization.region).where(Organization.id.in_(orgs))).all()) \
            if orgs else {}
        orgs = {i for i, r in regions.items() if all(p in (r or "") for p in implied)}
    orgs.add(issuer.id)  # whatever the data says, the issuer itself is there
    return Anonymity(k=len(orgs), field=field_name, region="".join(implied), mentions=words)


def public_text(c: Challenge) -> str:
    """The public face: title and summary, the English ones too (codes and figures leak in any
    language)."""
    return "\n".join(t for t in (c.title, c.summary, c.title_en, c.summary_en) if t)


def check(c: Challenge | None) -> Check | None:
    """The 脱敏 check of a saved 榜; None for a public one (nothing is hidden there)."""
    if c is None or c.confidentiality is Confidentiality.PUBLIC or c.issuer is None:
        return None
    org = c.issuer
    profile = "\n".join(t for t in (org.name, org.region) if t)
    public = public_text(c)
    targets = " ".join(f"{i.target} {i.method}" for i in c.indicators)
    return Check(find_leaks(public, org_name=org.name, org_region=org.region, detail=c.detail or "",
                            profile=profile, public_figures=targets),
                 anonymity(public, org, c.field))
