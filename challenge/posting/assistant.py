"""需求凝练助手: advice on a 榜 as it is written, from the form's values alone (no database).

Each indicator should carry a number, a comparator and a unit whose dimension fits the
indicator's name (寿命 in hours or cycles, not in MPa); the need should say where the
enterprise stands today (baseline) and, for 进口替代, which imported product it measures itself
against; vague words (先进, 高性能 …) are flagged; indicator rows are proposed from figures
found in the free text ("≥99.9 %", "≤5 μm", "寿命 3000 h"); field and chain tags are
suggested from the matcher's vocabulary. Advice never blocks anything.

Every piece of advice has a stable code "<kind>:<subject>", so what was shown while writing
can be compared with what remains at submission (followed or ignored), and its message can be
written again from the code alone (`describe`). Hand-written rules: no library knows which
unit fits a Chinese indicator name, and the tables below are short and readable.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..matching.normalize import fold, normalize
from ..matching.synonyms import find_concepts
from ..states import ChallengeKind

# -- units and their dimensions ---------------------------------------------------------------

LENGTH, ANGLE, RATIO, TIME, TEMPERATURE, PRESSURE = "length", "angle", "ratio", "time", "temp", "pressure"
POWER, VOLTAGE, CURRENT, MASS, FREQUENCY, ENERGY = "power", "voltage", "current", "mass", "freq", "energy"
ENERGY_DENSITY, CHARGE, SPEED, ROTATION, COUNT = "energy_density", "charge", "speed", "rotation", "count"
RESISTANCE, LEVEL, FLOW, DATA_RATE = "resistance", "level", "flow", "data_rate"

# Unit as typed (after NFKC folding, spaces removed) -> dimension. Case matters where it must
# (mW is power, MW too, but mm and Mm are not confused in practice); a lower-case look-up
# follows the exact one.
UNITS: dict[str, str] = {
    **dict.fromkeys(("nm", "μm", "um", "mm", "cm", "m", "km", "纳米", "微米", "毫米", "厘米", "米",
                     "埃", "å"), LENGTH),
    **dict.fromkeys(("°", "度", "rad", "mrad", "μrad", "urad", "″", "′′", "′", "arcsec", "角秒", "角分"),
                    ANGLE),
    **dict.fromkeys(("%", "‰", "ppm", "ppb", "百分比"), RATIO),
    **dict.fromkeys(("s", "秒", "ms", "毫秒", "μs", "us", "微秒", "ns", "纳秒", "min", "分钟", "h", "hr",
                     "小时", "d", "天", "日", "月", "年", "周"), TIME),
    **dict.fromkeys(("℃", "°c", "k", "摄氏度", "开", "℉", "°f"), TEMPERATURE),
    **dict.fromkeys(("pa", "kpa", "mpa", "gpa", "bar", "mbar", "atm", "帕", "千帕", "兆帕", "torr"),
                    PRESSURE),
    **dict.fromkeys(("w", "kw", "mw", "μw", "uw", "gw", "瓦", "千瓦", "兆瓦"), POWER),
    **dict.fromkeys(("v", "kv", "mv", "μv", "伏", "千伏"), VOLTAGE),
    **dict.fromkeys(("a", "ma", "ka", "μa", "ua", "安", "安培"), CURRENT),
    **dict.fromkeys(("g", "kg", "mg", "μg", "t", "吨", "克", "千克", "公斤"), MASS),
    **dict.fromkeys(("hz", "khz", "mhz", "ghz", "thz", "赫兹"), FREQUENCY),
    **dict.fromkeys(("j", "kj", "mj", "wh", "kwh", "mwh", "焦", "千瓦时", "度电"), ENERGY),
    **dict.fromkeys(("wh/kg", "wh/l", "mah/g"), ENERGY_DENSITY),
    **dict.fromkeys(("mah", "ah", "c"), CHARGE),
    **dict.fromkeys(("m/s", "km/h", "mm/s", "m/min", "mm/min", "米/秒"), SPEED),
    **dict.fromkeys(("rpm", "r/min", "转/分", "转/分钟"), ROTATION),
    **dict.fromkeys(("次", "个", "件", "片", "台", "套", "项", "道", "层", "通道", "路", "万次", "cycles",
                     "次循环", "周次"), COUNT),
    **dict.fromkeys(("ω", "mω", "kω", "欧", "欧姆"), RESISTANCE),
    **dict.fromkeys(("db", "dba", "db(a)", "分贝"), LEVEL),
    **dict.fromkeys(("m3/h", "m³/h", "l/min", "l/h", "ml/min", "sccm", "t/h"), FLOW),
    **dict.fromkeys(("bps", "kbps", "mbps", "gbps", "bit/s", "gb/s", "mb/s"), DATA_RATE),
}
_CASED = {"MW": POWER, "mW": POWER, "Mpa": PRESSURE}  # exact spellings the lower-case table blurs

# A word in an indicator's name -> the dimensions its unit may have. Longer words first win
# (能量密度 before 密度 before 能量).
NAME_DIMENSIONS: dict[str, frozenset[str]] = {
    "能量密度": frozenset({ENERGY_DENSITY}), "循环寿命": frozenset({COUNT, TIME}),
    "寿命": frozenset({TIME, COUNT}), "时间": frozenset({TIME}), "时长": frozenset({TIME}),
    "周期": frozenset({TIME}), "续航": frozenset({TIME, LENGTH}), "响应": frozenset({TIME}),
    "精度": frozenset({LENGTH, ANGLE, RATIO}), "误差": frozenset({LENGTH, ANGLE, RATIO, TEMPERATURE}),
    "公差": frozenset({LENGTH, ANGLE}), "偏差": frozenset({LENGTH, ANGLE, RATIO}),
    "粗糙度": frozenset({LENGTH}), "平整度": frozenset({LENGTH}), "分辨率": frozenset({LENGTH, ANGLE}),
    "温度": frozenset({TEMPERATURE}), "耐温": frozenset({TEMPERATURE}), "温升": frozenset({TEMPERATURE}),
    "效率": frozenset({RATIO}), "纯度": frozenset({RATIO}), "良率": frozenset({RATIO}),
    "合格率": frozenset({RATIO}), "收率": frozenset({RATIO}), "含量": frozenset({RATIO, MASS}),
    "转化率": frozenset({RATIO}), "回收率": frozenset({RATIO}), "占比": frozenset({RATIO}),
    "国产化率": frozenset({RATIO}), "透过率": frozenset({RATIO}), "孔隙率": frozenset({RATIO}),
    "耐压": frozenset({PRESSURE, VOLTAGE}), "压力": frozenset({PRESSURE}), "强度": frozenset({PRESSURE}),
    "模量": frozenset({PRESSURE}), "功率": frozenset({POWER}), "功耗": frozenset({POWER}),
    "电压": frozenset({VOLTAGE}), "电流": frozenset({CURRENT}), "频率": frozenset({FREQUENCY}),
    "带宽": frozenset({FREQUENCY, DATA_RATE}), "厚度": frozenset({LENGTH}), "直径": frozenset({LENGTH}),
    "长度": frozenset({LENGTH}), "宽度": frozenset({LENGTH}), "线宽": frozenset({LENGTH}),
    "孔径": frozenset({LENGTH}), "粒径": frozenset({LENGTH}), "尺寸": frozenset({LENGTH}),
    "重量": frozenset({MASS}), "载重": frozenset({MASS}), "载荷": frozenset({MASS, PRESSURE}),
    "容量": frozenset({CHARGE, ENERGY}), "能耗": frozenset({ENERGY, POWER}), "转速": frozenset({ROTATION}),
    "速度": frozenset({SPEED, DATA_RATE}), "速率": frozenset({SPEED, DATA_RATE}),
    "电阻": frozenset({RESISTANCE}), "阻抗": frozenset({RESISTANCE}), "噪声": frozenset({LEVEL}),
    "流量": frozenset({FLOW}), "次数": frozenset({COUNT}), "通道数": frozenset({COUNT}),
}
_NAME_WORDS = tuple(NAME_DIMENSIONS)

DIMENSION_NAMES = {
    LENGTH: _l("长度（nm、μm、mm）"),
    ANGLE: _l("角度（°、″、mrad）"),
    RATIO: _l("比例（%、ppm）"),
    TIME: _l("时间（h、s、年）"),
    TEMPERATURE: _l("温度（℃、K）"),
    PRESSURE: _l("压强/强度（MPa、kPa）"),
    POWER: _l("功率（W、kW）"),
    VOLTAGE: _l("电压（V、kV）"),
    CURRENT: _l("电流（A、mA）"),
    MASS: _l("质量（kg、g）"),
    FREQUENCY: _l("频率（Hz、GHz）"),
    ENERGY: _l("能量（J、kWh）"),
    ENERGY_DENSITY: _l("能量密度（Wh/kg）"),
    CHARGE: _l("电量（mAh、Ah）"),
    SPEED: _l("速度（m/s）"),
    ROTATION: _l("转速（rpm）"),
    COUNT: _l("次数（次、个）"),
    RESISTANCE: _l("电阻（Ω）"),
    LEVEL: _l("声级（dB）"),
    FLOW: _l("流量（m³/h、L/min）"),
    DATA_RATE: _l("速率（Gbps）"),
}


def _unit_key(unit: str) -> str:
    return re.sub(r"\s+", "", fold(unit)).replace("µ", "μ").replace("Ω", "ω").replace("Ω", "ω")


def unit_dimension(unit: str) -> str | None:
    """The dimension of a unit as typed ("μm" -> length, "℃" -> temp), None when unknown."""
    key = _unit_key(unit)
    if not key:
        return None
    return _CASED.get(key) or UNITS.get(key) or UNITS.get(key.lower())


def name_dimensions(name: str) -> frozenset[str] | None:
    """The dimensions an indicator's name allows (寿命 -> time or count), None when unknown.
    A Chinese name ends in its head word: 温度循环次数 is a count, 工作温度 a temperature, so
    the known word ending last wins (the longer one on a tie: 能量密度 over 密度)."""
    text = fold(name)
    found = [(text.rfind(word) + len(word), len(word), word) for word in _NAME_WORDS if word in text]
    return NAME_DIMENSIONS[max(found)[2]] if found else None


# -- values: comparator, number, unit ---------------------------------------------------------

_COMPARATORS = ("≥", "≤", ">=", "<=", "≧", "≦", ">", "<", "=", "±", "~", "～", "不低于", "不少于", "不小于",
                "大于等于", "小于等于", "不超过", "不高于", "不大于", "大于", "小于", "高于", "低于", "优于",
                "以上", "以下", "以内", "至少", "至多", "最高", "最低", "达到")
_NUMBER = r"(?<![\d.])[-+]?\d+(?:\.\d+)?(?:\s*[×x*]\s*10\^?-?\d+)?"
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in sorted(
    {*UNITS, *_CASED, "µm", "Ω", "°C", "Wh/kg", "kWh", "MPa", "GPa", "kPa", "Hz", "GHz", "MHz", "Gbps"},
    key=len, reverse=True))
_UNIT_RE = rf"(?:{_UNIT_ALTERNATION})(?![A-Za-z])"


@dataclass(frozen=True)
class Value:
    comparator: str  # "" when none was written
    number: str      # "" when none was written
    unit: str        # a unit written inside the value ("≤5 μm"), "" when none


def parse_value(text: str) -> Value:
    """"≥99.97" -> (≥, 99.97, ""); "≤ 5 μm" -> (≤, 5, μm); "3000小时以上" -> (以上, 3000, 小时);
    "10~20 ℃" -> (~, 10, ℃)."""
    folded = fold(text or "").strip()
    number = re.search(_NUMBER, folded)
    rest = folded[:number.start()] + " " + folded[number.end():] if number else folded
    comparator = next((c for c in _COMPARATORS if c in rest), "")
    if number and comparator in ("", "-") and re.search(rf"{_NUMBER}\s*[-–—]\s*{_NUMBER}", folded):
        comparator = "~"  # a range "10-20" bounds both ways
    unit = ""
    if number:
        after = re.match(rf"\s*(?:[-~～–]\s*{_NUMBER})?\s*({_UNIT_RE})", folded[number.end():],
                         re.IGNORECASE)
        unit = after.group(1) if after else ""
    return Value(comparator, number.group(0).replace(" ", "") if number else "", unit)


# -- vague words and the text's figures -------------------------------------------------------

VAGUE_WORDS = ("国际领先", "国际先进", "国内领先", "国内先进", "世界一流", "行业领先", "先进水平", "先进",
               "高性能", "高效", "高精度", "高可靠", "大幅", "显著", "明显", "较高", "较好", "较低", "优异",
               "良好", "一流", "突破性", "尽可能", "进一步", "低成本", "高品质", "高端")

_BASELINE_RE = re.compile(r"(现有|目前|当前|现状|现阶段|现行|基线|现在)[^。；;\n]{0,30}?\d")
_REFERENCE_RE = re.compile(r"(对标|参照|参考|替代|进口|国外)[^。；;\n]{0,30}?[A-Za-z]{1,}[-\s]?\d|"
                           r"[A-Za-z]{2,}[-\s]?\d+[^。；;\n]{0,20}?(进口|对标|替代)")
_NAME_CUT = re.compile(
    r".*(?:的|和|与|及|且|，|,|、|要求|需要|需|使其|将|把|在|为|达到|达|提升|提高|降低|实现)")
_FIGURE_RE = re.compile(
    rf"(?P<name>[\u4e00-\u9fffA-Za-z]{{0,12}}?)\s*"
    rf"(?P<cmp>优于±|±|≥|≤|>=|<=|≧|≦|＞|＜|>|<|不低于|不少于|不小于|不超过|不高于|不大于|大于|小于|优于|达到|为|达)?\s*"
    rf"(?P<num>{_NUMBER}(?:\s*[~～]\s*{_NUMBER})?)\s*(?P<unit>{_UNIT_RE})(?P<tail>以上|以下|以内)?",
    re.IGNORECASE)
_ASCII_CMP = {">=": "≥", "<=": "≤", "≧": "≥", "≦": "≤", "＞": ">", "＜": "<", "不低于": "≥", "不少于": "≥",
              "不小于": "≥", "不超过": "≤", "不高于": "≤", "不大于": "≤", "大于": ">", "小于": "<",
              "以上": "≥", "以下": "≤", "以内": "≤", "优于±": "±"}


@dataclass(frozen=True)
class Proposal:
    """An indicator row found in the free text."""

    name: str
    target: str
    unit: str
    quote: str  # the words it was read from


def propose_indicators(text: str, existing: Iterable[dict] = ()) -> list[Proposal]:
    """Indicator rows read from figures in *text*: "过滤效率≥99.9 %", "粒径≤5 μm", "寿命 3000 h"
    ("寿命达到3000小时以上" too). A figure already in a row (same number and unit) is left out;
    figures after a baseline word (目前 95 %) are the current level, not a target."""
    have = {(parse_value(r.get("target", "")).number, _unit_key(r.get("unit", "") or
             parse_value(r.get("target", "")).unit).lower()) for r in existing}
    found: list[Proposal] = []
    folded = fold(text or "")
    for m in _FIGURE_RE.finditer(folded):
        clause = re.split(r"[。；;，,\n]", folded[:m.start() + len(m.group("name"))])[-1]
        if re.search(r"现有|目前|当前|现状|现阶段|现行|现在", clause):
            continue
        name = _NAME_CUT.sub("", m.group("name")).strip()
        cmp = next((_ASCII_CMP.get(c, c) for c in (m.group("cmp"), m.group("tail"))
                    if c and _ASCII_CMP.get(c, c) in ("≥", "≤", ">", "<", "±")), "")
        unit = m.group("unit")
        dims = name_dimensions(name)
        if not cmp and not (dims and unit_dimension(unit) in dims):
            continue  # "3M", "30 天": a figure without a bound needs a name its unit fits
        key = (m.group("num").split("~")[0].replace(" ", ""), _unit_key(unit).lower())
        if key in have:
            continue
        have.add(key)
        found.append(Proposal(name=name or _("（请填写指标名称）"),
                              target=cmp + "".join(m.group("num").split()),
                              unit=unit, quote=m.group(0).strip()))
    return found[:8]


# -- advice -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Advice:
    code: str     # "<kind>:<subject>", stable across renders
    field: str    # the form field it is about ("summary", "indicators-0-unit" …)
    message: str  # what to do, in the reader's language


KINDS = ("no_indicators", "no_number", "no_comparator", "no_unit", "unit_dimension", "vague",
         "baseline", "reference", "proposal", "tags")


def describe(code: str) -> str:
    """The message of an advice code, written again from the code (for the screening page)."""
    kind, _sep, subject = code.partition(":")
    if kind == "no_indicators":
        return _("还没有量化技术指标：请至少写一项“指标名称 + 比较符 + 数值 + 单位”，如 过滤效率 ≥ 99.9 %。")
    if kind == "no_number":
        return _("指标“%(name)s”没有数值：写明要达到多少，如 ≥ 99.9。", name=subject)
    if kind == "no_comparator":
        return _("指标“%(name)s”没有比较符：写明是下限（≥）、上限（≤）还是范围（~）。", name=subject)
    if kind == "no_unit":
        return _("指标“%(name)s”没有单位：请填写单位。", name=subject)
    if kind == "unit_dimension":
        name, _bar, unit = subject.partition("|")
        dims = name_dimensions(name) or frozenset()
        return _("指标“%(name)s”的单位“%(unit)s”与名称不符，应为%(dims)s。", name=name, unit=unit,
                 dims=" / ".join(str(DIMENSION_NAMES[d]) for d in sorted(dims)))
    if kind == "vague":
        return _("“%(word)s”是模糊表述，评审无法判断是否达到：请改写为可测量的指标（数值 + 单位）。",
                 word=subject)
    if kind == "baseline":
        return _("请写明目前的水平（现有指标数值），便于揭榜方判断差距，如：目前过滤效率 95 %。")
    if kind == "reference":
        return _("进口替代榜请写明对标的进口产品（品牌、型号）及其关键指标。")
    if kind == "proposal":
        return _("正文中有可作为指标的数值“%(quote)s”，建议加入量化技术指标。", quote=subject)
    if kind == "tags":
        return _("可补充产业链/领域标签：%(tags)s（来自专家库的术语，有助于匹配专家）。", tags=subject)
    return subject


def _advice(kind: str, subject: str, field_name: str) -> Advice:
    code = f"{kind}:{subject}" if subject else kind
    return Advice(code, field_name, describe(code))


def indicator_advice(rows: list[dict]) -> list[Advice]:
    """Each filled indicator row: a number, a comparator and a unit that fits its name."""
    found = []
    for n, row in enumerate(rows):
        name = (row.get("name") or "").strip()
        label = name or _("第 %(n)d 项", n=n + 1)
        value = parse_value(row.get("target") or "")
        if not value.number:
            found.append(_advice("no_number", label, f"indicators-{n}-target"))
            continue
        if not value.comparator:
            found.append(_advice("no_comparator", label, f"indicators-{n}-target"))
        unit = (row.get("unit") or "").strip() or value.unit
        dims = name_dimensions(name)
        if not unit:
            if dims is None or dims != frozenset({COUNT}):
                found.append(_advice("no_unit", label, f"indicators-{n}-unit"))
            continue
        have = unit_dimension(unit)
        if dims is not None and have is not None and have not in dims:
            found.append(_advice("unit_dimension", f"{label}|{unit}", f"indicators-{n}-unit"))
    return found


def vague_words(text: str) -> list[str]:
    """The vague words in *text*, longest first, none inside another ("国际先进" not also "先进")."""
    text = fold(text or "")
    found = []
    for word in VAGUE_WORDS:
        if word in text:
            found.append(word)
            text = text.replace(word, " ")
    return found


def suggest_tags(text: str, have: Iterable[str], vocabulary: Iterable[str] = (), limit: int = 5
                 ) -> list[str]:
    """Field and chain tags from the matcher's vocabulary found in *text* and not yet given:
    the synonym table's concepts (芯片 -> 集成电路) and *vocabulary* (the pool's fields and
    keywords)."""
    norm = normalize(text)
    taken = {normalize(t) for t in have if t}
    found: list[str] = []
    for _variant, canonical in find_concepts(norm):
        if canonical not in taken and canonical not in found and not canonical.isascii():
            found.append(canonical)
    for term in vocabulary:
        key = normalize(term)
        if len(key) >= 2 and key in norm and key not in taken and term not in found \
                and not any(key in f or f in key for f in map(normalize, found)):
            found.append(term)
    return [t for t in found if not any(t in x for x in taken)][:limit]


@dataclass
class Report:
    """The assistant's advice on one set of form values."""

    advice: list[Advice] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.advice]

    @property
    def to_fix(self) -> list[Advice]:
        """The advice about what is written (proposed rows and tags are offered apart)."""
        return [a for a in self.advice if a.code.partition(":")[0] not in ("proposal", "tags")]

    def count(self, *kinds: str) -> int:
        return sum(1 for a in self.advice if a.code.partition(":")[0] in kinds)


def advise(values: dict, vocabulary: Iterable[str] = ()) -> Report:
    """All advice on a 榜's form values (the dict of `ChallengeForm.values()`)."""
    rows = [r for r in values.get("indicators") or [] if any((v or "").strip() for v in r.values())]
    title, summary, detail = values.get("title", ""), values.get("summary", ""), values.get("detail", "")
    text = "\n".join((title, summary, detail))
    report = Report()
    if not rows:
        report.advice.append(_advice("no_indicators", "", "indicators"))
    report.advice += indicator_advice(rows)
    targets = " ".join(r.get("target") or "" for r in rows)
    for word in vague_words(" ".join((title, summary, targets))):
        report.advice.append(_advice("vague", word, "summary"))
    if not _BASELINE_RE.search(fold(summary + "\n" + detail)):
        report.advice.append(_advice("baseline", "", "detail"))
    if values.get("kind") in (ChallengeKind.IMPORT_SUBSTITUTION, ChallengeKind.IMPORT_SUBSTITUTION.value) \
            and not _REFERENCE_RE.search(fold(summary + "\n" + detail)):
        report.advice.append(_advice("reference", "", "detail"))
    report.proposals = propose_indicators("\n".join((summary, detail)), rows)
    for p in report.proposals:
        report.advice.append(_advice("proposal", p.quote, "indicators"))
    tags = [values.get("field") or "", *re.split(r"[,，、;；]", values.get("industry_tags") or "")]
    report.tags = suggest_tags(text, [t.strip() for t in tags], vocabulary)
    if report.tags:
        report.advice.append(_advice("tags", "、".join(report.tags), "industry_tags"))
    return report


def followed_and_ignored(seen: Iterable[str], now: Report) -> tuple[list[str], list[str]]:
    """Of the advice shown while writing (*seen*) and the advice still standing at submission
    (*now*): (followed = shown, no longer standing; ignored = still standing)."""
    current = now.codes
    shown = [c for c in dict.fromkeys(seen) if valid_code(c)]
    return [c for c in shown if c not in current], current


def valid_code(code: str) -> bool:
    return len(code) <= 120 and code.partition(":")[0] in KINDS
