"""Generate the labelled evaluation set in bench/data/ from bench/inventory.py.

    python bench/make_dataset.py            # rewrites profiles.jsonl, needs.jsonl, qrels.tsv

Texts are assembled from the hand-written inventory with deliberate noise: synonym and
abbreviation variants, homophone typos, full-width characters, traditional script, mixed
Chinese/English, bios that say nothing specific, and generic filler shared by every field.
Grades follow from the design only:
  3  the expert's main sub-topic and one of their facets equal the need's
  2  same main sub-topic, other facet; or the expert's secondary sub-topic and facet equal it
  1  the expert's secondary sub-topic is the need's (other facet), or same industry
  0  everything else (not listed in qrels.tsv)
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from pathlib import Path

import opencc
from inventory import GENERIC_PHRASES, OFF_TOPIC, SUBTOPICS, Facet, SubTopic

DATA = Path(__file__).resolve().parent / "data"
SEED = 20240611
NEEDS_PER_SUBTOPIC = 5
EXPERTS_PER_SUBTOPIC = 12
OFF_TOPIC_EXPERTS = 40

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏晨辰博文昊天宁思"
    "雨欣怡佳琪子轩梓涵一诺睿泽晓东建国志海春雷立新学勤永光振华"
)
ORGS = ("东部理工大学", "华中工业大学", "西南交通科技大学", "江南材料研究院", "北方先进制造研究院",
        "南海生物技术研究所", "中原农业大学", "滨海环境科学研究院", "长江信息技术研究院",
        "国家某重点实验室", "省产业技术研究院", "某央企中央研究院", "湾区创新研究院")
COMPANIES = ("某上市公司", "某高新技术企业", "某专精特新“小巨人”企业", "某行业龙头企业",
             "某外资企业中国研发中心", "某民营科技公司")
RANKS = ("教授", "研究员", "副教授", "副研究员", "高级工程师", "正高级工程师", "讲师")
FUNDS = ("国家自然科学基金面上项目", "国家重点研发计划课题", "省重点研发计划项目",
         "企业横向合作项目", "工信部产业基础再造项目", "国家自然科学基金青年项目")
METHODS = ("机器学习", "响应面法", "正交试验", "有限元仿真", "分子动力学模拟", "数值模拟",
           "实验设计", "多目标优化", "深度学习")

# Common IME homophone slips: the character on the left typed as the one on the right.
HOMOPHONES = {"布": "部", "池": "驰", "器": "气", "料": "了", "测": "侧", "驻": "注", "晶": "精",
              "极": "级", "膜": "模", "滤": "虑", "效": "校", "轴": "抽", "承": "成", "纤": "先",
              "剂": "济", "型": "形", "缘": "源", "度": "渡", "感": "敢", "传": "船",
              "喷": "盆", "锂": "理", "烧": "少", "蚀": "食", "菌": "均", "残": "惨", "渣": "楂",
              "污": "乌", "融": "熔", "热": "然", "涂": "图", "控": "空", "芯": "心", "封": "风"}


@dataclass
class Need:
    id: str
    sub: SubTopic
    facet: Facet
    record: dict


@dataclass
class Expert:
    id: str
    sub: SubTopic | None
    facets: tuple[str, ...]
    second: tuple[SubTopic, Facet] | None
    record: dict


class Writer:
    """Random text assembly with the noise a real submission form collects."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.s2t = opencc.OpenCC("s2t")
        self.formal = False

    def variant(self, group: tuple[str, ...], english: bool = False) -> str:
        if english:
            latin = [v for v in group if v.isascii()]
            if latin:
                return self.rng.choice(latin)
        # Academics favour the formal name listed first; companies use any form.
        weights = [3.0 if self.formal else 1.0] + [1.0] * (len(group) - 1)
        v = self.rng.choices(group, weights)[0]
        if v.isascii() and self.rng.random() < 0.2:
            v = self.rng.choice([v.lower(), v.upper(), v.title()])
        return v

    def typo(self, text: str, p: float) -> str:
        if self.rng.random() >= p:
            return text
        spots = [i for i, ch in enumerate(text) if ch in HOMOPHONES]
        if not spots:
            return text
        i = self.rng.choice(spots)
        return text[:i] + HOMOPHONES[text[i]] + text[i + 1:]

    def fullwidth(self, text: str, p: float) -> str:
        if self.rng.random() >= p:
            return text
        table = {ord(c): ord(c) + 0xFEE0 for c in string.ascii_letters + string.digits}
        return text.translate(table)

    def traditional(self, text: str) -> str:
        return self.s2t.convert(text)

    def facet_terms(self, facet: Facet, n: int) -> list[str]:
        groups = self.rng.sample(facet.terms, min(n, len(facet.terms)))
        return [self.variant(g) for g in groups]

    def core_term(self, sub: SubTopic, english: bool = False) -> str:
        return self.variant(self.rng.choice(sub.core), english)

    def generic(self, n: int) -> list[str]:
        return self.rng.sample(GENERIC_PHRASES, n)

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given


def make_need(w: Writer, nid: str, sub: SubTopic, facet: Facet) -> Need:
    r = w.rng
    w.formal = False
    core = w.core_term(sub)
    t1, t2 = (w.facet_terms(facet, 2) + [w.core_term(sub)])[:2]
    problem = r.choice(facet.problems)
    app = r.choice(sub.apps)
    title = r.choice((
        f"{app}用{core}{problem}问题攻关",
        f"解决{problem}的技术难题",
        f"{core}{t1}关键技术攻关",
        f"面向{app}的{t1}技术开发",
        f"{t1}与{t2}工艺优化",
        f"提升{core}的{t1}性能",
        f"{app}生产中{problem}",
    ))
    title = w.typo(title, 0.15)
    summary = (
        f"我公司是{r.choice(COMPANIES)}，主要面向{app}市场提供{core}相关产品，"
        f"年产值约{r.randint(2, 40)}亿元。目前在{t1}环节存在{problem}等问题，"
        f"{r.choice(('影响产品合格率', '制约产能提升', '客户投诉较多', '与进口产品差距明显'))}。"
        f"希望与高校、科研院所合作，在{t2}方面提供可落地的{r.choice(GENERIC_PHRASES)}方案。"
    )
    detail = (
        f"技术指标：{t1}相关指标较现有水平提升{r.randint(10, 50)}%以上；"
        f"{r.choice(('完成中试验证', '形成发明专利2项以上', '实现批量稳定生产', '通过用户现场验证'))}。"
        f"揭榜方需具备{'、'.join(w.generic(2))}能力，项目周期{r.choice((12, 18, 24))}个月，"
        "成果知识产权归属按合同约定。"
    )
    keywords: list[str] = []
    if r.random() > 0.25:
        keywords = [core] + w.facet_terms(facet, r.randint(1, 3))
        keywords = [w.typo(k, 0.08) for k in keywords]
    record = {"id": nid, "title": title, "summary": w.fullwidth(summary, 0.1),
              "keywords": keywords, "detail": detail}
    if r.random() < 0.04:
        record = {k: (w.traditional(v) if isinstance(v, str) and k != "id" else v)
                  for k, v in record.items()}
    return Need(nid, sub, facet, record)


def _works(w: Writer, sub: SubTopic, facet: Facet, n: int) -> list[str]:
    r = w.rng
    out = []
    for _ in range(n):
        core = w.core_term(sub)
        t1, t2 = (w.facet_terms(facet, 2) + [w.core_term(sub)])[:2]
        kind = r.random()
        if kind < 0.15:
            en_core = w.core_term(sub, english=True)
            en_t1 = w.variant(r.choice(facet.terms), english=True)
            if en_core.isascii() and en_t1.isascii():
                out.append(f"{en_t1.capitalize()} in {en_core}: mechanism and optimization")
                continue
        out.append(r.choice((
            f"{t1}对{core}{t2}的影响研究",
            f"基于{r.choice(METHODS)}的{core}{t1}研究",
            f"一种{core}的{t1}方法（发明专利）",
            f"一种用于{r.choice(sub.apps)}的{t1}装置及方法（发明专利）",
            f"{core}{t1}工艺及其{t2}",
            f"{t1}条件下{t2}的演化规律",
        )))
    return out


def make_expert(w: Writer, eid: str, sub: SubTopic, facets: list[Facet],
                second: tuple[SubTopic, Facet] | None) -> Expert:
    r = w.rng
    style = r.random()
    w.formal = style < 0.2 or style >= 0.5
    core = w.core_term(sub)
    terms = [t for f in facets for t in w.facet_terms(f, 2)]
    r.shuffle(terms)
    org = r.choice(ORGS)
    if style < 0.2:
        # Says nothing specific: relevance only shows in keywords and works.
        bio = (f"{org}{r.choice(RANKS)}，博士生导师。主持{r.choice(FUNDS)}等项目多项，"
               f"在{'、'.join(w.generic(3))}等方面积累了丰富经验，获省部级科技奖励{r.randint(1, 4)}项。")
    elif style < 0.5:
        bio = (f"现任{r.choice(COMPANIES)}{r.choice(('技术总监', '研发经理', '首席工程师'))}，"
               f"{r.randint(8, 25)}年{sub.industry.split('/')[0]}行业经验，负责{core}产品的"
               f"{'与'.join(terms[:2])}，主导完成{r.choice(sub.apps)}等{w.generic(1)[0]}"
               f"项目{r.randint(2, 9)}项。")
    else:
        bio = (f"{org}{r.choice(RANKS)}，博士。长期从事{core}相关的研究工作，"
               f"主要研究方向包括{'、'.join(terms[:3])}。主持{r.choice(FUNDS)}{r.randint(1, 5)}项，"
               f"发表论文{r.randint(10, 80)}篇，授权发明专利{r.randint(2, 20)}项。")
    bio = w.typo(bio, 0.06)
    keywords: list[str] = []
    if r.random() > 0.1:
        keywords = [core] + terms[: r.randint(1, 4)]
    works = _works(w, sub, facets[0], r.randint(0 if style >= 0.2 else 1, 3))
    fields = r.sample(sub.disciplines, r.randint(1, len(sub.disciplines)))
    if second:
        s2, f2 = second
        t2 = w.facet_terms(f2, 2)
        if r.random() < 0.5:
            keywords.append(t2[0])
        else:
            works += _works(w, s2, f2, 1)
        bio += f"近年来也开展{w.core_term(s2)}方向的{t2[-1]}研究。"
    keywords = [w.typo(w.fullwidth(k, 0.08), 0.05) for k in keywords]
    record = {"id": eid, "name": w.name(), "fields": fields, "keywords": keywords,
              "bio": w.fullwidth(bio, 0.08), "works": works}
    if r.random() < 0.06:
        record = {k: (w.traditional(v) if isinstance(v, str) and k != "id"
                      else [w.traditional(x) for x in v] if isinstance(v, list) else v)
                  for k, v in record.items()}
    return Expert(eid, sub, tuple(f.name for f in facets), second, record)


def make_off_topic(w: Writer, eid: str) -> Expert:
    r = w.rng
    domain, discipline, terms = r.choice(OFF_TOPIC)
    kws = terms.split("|")
    bio = (f"{r.choice(ORGS)}{r.choice(RANKS)}，长期从事{domain}领域的{'、'.join(w.generic(3))}工作，"
           f"主要方向为{'、'.join(r.sample(kws, 2))}，参与多项{w.generic(1)[0]}项目。")
    record = {"id": eid, "name": w.name(), "fields": [discipline],
              "keywords": r.sample(kws, 3) + w.generic(1), "bio": bio,
              "works": [f"基于{r.choice(METHODS)}的{r.choice(kws)}{w.generic(1)[0]}"]}
    return Expert(eid, None, (), None, record)


def grade(need: Need, expert: Expert) -> int:
    if expert.sub is None:
        return 0
    if expert.sub.key == need.sub.key:
        return 3 if need.facet.name in expert.facets else 2
    if expert.second and expert.second[0].key == need.sub.key:
        return 2 if expert.second[1].name == need.facet.name else 1
    return 1 if expert.sub.industry == need.sub.industry else 0


def build(seed: int = SEED) -> tuple[list[Need], list[Expert]]:
    rng = random.Random(seed)
    w = Writer(rng)
    needs: list[Need] = []
    for sub in SUBTOPICS:
        for j in range(NEEDS_PER_SUBTOPIC):
            facet = sub.facets[(j + len(needs)) % len(sub.facets)]
            needs.append(make_need(w, f"N{len(needs) + 1:03d}", sub, facet))
    experts: list[Expert] = []
    for sub in SUBTOPICS:
        for j in range(EXPERTS_PER_SUBTOPIC):
            facets = [sub.facets[j % len(sub.facets)]]
            if rng.random() < 0.35:
                facets.append(rng.choice([f for f in sub.facets if f is not facets[0]]))
            second = None
            if rng.random() < 0.3:
                pool = [s for s in SUBTOPICS if s is not sub]
                same = [s for s in pool if s.industry == sub.industry]
                s2 = rng.choice(same if rng.random() < 0.5 else pool)
                second = (s2, rng.choice(s2.facets))
            experts.append(make_expert(w, "", sub, facets, second))
    experts += [make_off_topic(w, "") for _ in range(OFF_TOPIC_EXPERTS)]
    rng.shuffle(experts)
    for i, e in enumerate(experts, 1):
        e.id = e.record["id"] = f"E{i:04d}"
        e.record = {"id": e.id, **{k: v for k, v in e.record.items() if k != "id"}}
    return needs, experts


def main() -> None:
    needs, experts = build()
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / "needs.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(n.record, ensure_ascii=False) + "\n" for n in needs)
    with open(DATA / "profiles.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(e.record, ensure_ascii=False) + "\n" for e in experts)
    lines = 0
    with open(DATA / "qrels.tsv", "w", encoding="utf-8") as f:
        f.write("need_id\texpert_id\tgrade\n")
        for n in needs:
            for e in experts:
                g = grade(n, e)
                if g:
                    f.write(f"{n.id}\t{e.id}\t{g}\n")
                    lines += 1
    print(f"{len(needs)} needs, {len(experts)} profiles, {lines} graded pairs, "
          f"{len({s.industry for s in SUBTOPICS})} industries -> {DATA}")


if __name__ == "__main__":
    main()
