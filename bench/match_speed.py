"""Speed and memory of the matcher on synthetic profiles generated at run time.

    python bench/match_speed.py            # full: 10k and 100k profiles, ~5-8 min on 2 cores
    python bench/match_speed.py --quick    # smoke run with small sizes

Each index size is built in a fresh child process, so its peak memory (resource.getrusage
ru_maxrss of that process: interpreter, jieba dictionary, generated input and index) is
not inflated by earlier runs. Figures printed: build time and peak RSS; top-10 latency for
single needs (median, p95), on needs as the bench writes them and on needs full of generic
words as enterprises write them; a batch of needs; the batch CLI timed from outside (gaps
between its output per need); reviewer assignment with HiGHS (all on Chinese profiles); then
English profiles (from bench/en_inventory.py) indexed and queried twice in the same
run: with the English-aware tokeniser, and with English words only lower-cased (no stop list,
stemming or phrase pairs, as before English-aware matching) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from en_inventory import DISTRACTORS, GENERIC, TOPICS
from host import cpu_model
from inventory import GENERIC_PHRASES, SUBTOPICS

from challenge.matching import Matcher, Need, Profile, assign_reviewers, english, text

COMMON_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信"
    "马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
    "候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
)

TEMPLATES = (
    "{org}{rank}，长期从事{core}相关研究，主要方向包括{t1}、{t2}和{rare}。主持{fund}{n}项，发表论文{m}篇。",
    "现任{org}技术总监，{n}年行业经验，负责{core}产品的{t1}与{t2}，主导完成{rare}等项目。",
    "{org}{rank}，博士生导师。在{g1}、{g2}等方面积累了丰富经验，近年关注{rare}与{t1}。",
)
ORGS = ("东部理工大学", "华中工业大学", "江南材料研究院", "北方先进制造研究院", "某上市公司",
        "某高新技术企业")
RANKS = ("教授", "研究员", "副教授", "高级工程师")
FUNDS = ("国家自然科学基金项目", "国家重点研发计划课题", "省重点研发计划项目", "企业横向项目")


def machine() -> str:
    return (f"{platform.platform()} | {cpu_model(platform.processor() or platform.machine())} | "
            f"CPUs: {os.cpu_count()} | Python {platform.python_version()}")


class Synth:
    """Random profiles and needs from the bench inventory plus invented rare terms."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.groups = [(sub, [g for f in sub.facets for g in f.terms]) for sub in SUBTOPICS]

    def rare(self) -> str:
        return "".join(self.rng.choices(COMMON_CHARS, k=self.rng.randint(2, 4)))

    def _pick(self) -> tuple[str, list[str]]:
        sub, groups = self.rng.choice(self.groups)
        core = self.rng.choice(self.rng.choice(sub.core))
        terms = [self.rng.choice(g) for g in self.rng.sample(groups, 4)]
        return core, terms

    def profile(self, pid: int) -> Profile:
        r = self.rng
        core, terms = self._pick()
        bio = r.choice(TEMPLATES).format(
            org=r.choice(ORGS), rank=r.choice(RANKS), core=core, t1=terms[0], t2=terms[1],
            rare=self.rare(), fund=r.choice(FUNDS), n=r.randint(1, 20), m=r.randint(5, 90),
            g1=r.choice(GENERIC_PHRASES), g2=r.choice(GENERIC_PHRASES))
        works = [f"{terms[2]}对{core}{self.rare()}的影响研究",
                 f"一种{core}的{terms[3]}方法"][: r.randint(1, 2)]
        return Profile(pid, f"专家{pid}", [core], [core, *terms[:3], self.rare()], bio, works)

    def generic_need(self, nid: int) -> Need:
        """A need as enterprises write one: the subject buried in generic words (技术, 研究,
        国际先进水平, 关键技术) that nearly every profile and need shares."""
        r = self.rng
        core, terms = self._pick()
        return Need(nid, f"{core}关键技术研究与产业化应用",
                    f"围绕{core}开展关键技术研究，突破{terms[0]}等核心技术，技术水平达到国际先进"
                    f"水平，形成具有自主知识产权的技术成果，提升企业技术创新能力和研究开发水平。",
                    ["技术研究", core],
                    f"技术指标达到国际先进水平；{terms[1]}关键技术取得突破，研究成果实现产业化应用，"
                    f"相关技术性能提升{r.randint(10, 50)}%以上。")

    def need(self, nid: int) -> Need:
        r = self.rng
        core, terms = self._pick()
        return Need(nid, f"{core}{terms[0]}关键技术攻关",
                    f"我公司在{terms[1]}环节存在{self.rare()}问题，希望在{terms[2]}方面合作。",
                    [core, terms[0]], f"技术指标：{terms[3]}提升{r.randint(10, 50)}%。")


class EnSynth:
    """Random English profiles and needs from the English inventory plus invented rare words."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.works = [w for t in TOPICS for f in t.facets for w in f.works]
        self.works += [w for d in DISTRACTORS for w in d[3]]
        self.keywords = [k for t in TOPICS for k in t.keywords]
        self.needs = [f.need for t in TOPICS for f in t.facets]

    def rare(self) -> str:
        return "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyz", k=self.rng.randint(5, 9)))

    def profile(self, pid: int) -> Profile:
        r = self.rng
        topic = r.choice(TOPICS)
        facet = r.choice(topic.facets)
        bio = (f"Professor working on {r.choice(topic.core)} with a focus on {facet.focus}, "
               f"in particular {self.rare()} methods. {r.choice(GENERIC)}")
        works = [f"{w} with {self.rare()}" for w in r.sample(self.works, 3)]
        return Profile(pid, f"Expert {pid}", [topic.field],
                       [*r.sample(self.keywords, 3), self.rare()], bio, works)

    def need(self, nid: int) -> Need:
        n = self.rng.choice(self.needs)
        return Need(nid, n.title, f"{n.summary} We also see {self.rare()} issues.",
                    list(n.keywords), n.detail)


def _plain_english(word: str, shouted: bool = False) -> tuple[str, bool]:
    return word.lower(), False


def child_english(n: int, latency_needs: int, plain: int) -> dict:
    """Index *n* English profiles and time top-10 queries; *plain* switches English-awareness off."""
    if plain:
        english.analyse = _plain_english
        text._PHRASE_GAP_RE = re.compile(r"(?!)")
    synth = EnSynth(n)
    Matcher([synth.profile(0)]).top_experts(synth.need(0))  # load jieba before measuring
    profiles = [synth.profile(i) for i in range(n)]
    t0 = time.perf_counter()
    matcher = Matcher(profiles)
    matcher.top_experts(synth.need(-1), 10)
    build = time.perf_counter() - t0
    return {"n": n, "build_s": build, "vocab": len(matcher._engine.index.vocab),
            "peak_rss_mb": peak_rss_mb(),
            **latencies(matcher, [synth.need(i) for i in range(latency_needs)])}


def latencies(matcher: Matcher, needs: list[Need]) -> dict:
    """Top-10 for each need in turn: the median and p95 milliseconds."""
    times = []
    for need in needs:
        t = time.perf_counter()
        matcher.top_experts(need, 10)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"latency_median_ms": statistics.median(times),
            "latency_p95_ms": times[int(0.95 * (len(times) - 1))]}


def rss_now_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_index(n: int, latency_needs: int, batch_needs: int) -> dict:
    """Build an index of *n* profiles; optionally time single and batch queries on it."""
    synth = Synth(n)
    Matcher([synth.profile(0)]).top_experts(synth.need(0))  # load jieba before measuring
    profiles = [synth.profile(i) for i in range(n)]
    rss_before = rss_now_mb()
    t0 = time.perf_counter()
    matcher = Matcher(profiles)
    matcher.top_experts(synth.need(-1), 10)  # includes flushing pending documents into segments
    build = time.perf_counter() - t0
    out = {"n": n, "build_s": build, "rss_before_mb": rss_before, "peak_rss_mb": peak_rss_mb(),
           "vocab": len(matcher._engine.index.vocab)}
    del profiles
    if latency_needs:
        out.update(latencies(matcher, [synth.need(i) for i in range(latency_needs)]))
        generic = latencies(matcher, [synth.generic_need(i) for i in range(latency_needs)])
        out.update({f"generic_{k}": v for k, v in generic.items()})
    if batch_needs:
        needs = [synth.need(10_000 + i) for i in range(batch_needs)]
        t = time.perf_counter()
        for need in needs:
            matcher.top_experts(need, 10)
        out["batch_s"] = time.perf_counter() - t
        out["batch_needs"] = batch_needs
    return out


def child_assign(n_needs: int, n_reviewers: int, per_need: int, load: int, candidates: int) -> dict:
    """Score needs against a reviewer pool with the matcher, then assign with HiGHS."""
    synth = Synth(7)
    matcher = Matcher(synth.profile(i) for i in range(n_reviewers))
    needs = [synth.need(i) for i in range(n_needs)]
    t = time.perf_counter()
    scores = {n.id: {m.id: m.score for m in matcher.top_experts(n, candidates)} for n in needs}
    scoring = time.perf_counter() - t
    rng = random.Random(1)
    conflicts = {(n.id, rng.randrange(n_reviewers)) for n in needs for _ in range(5)}
    t = time.perf_counter()
    result = assign_reviewers(scores, per_need, load, conflicts)
    solve = time.perf_counter() - t
    loads: dict = {}
    for _, r in result.pairs:
        loads[r] = loads.get(r, 0) + 1
    return {"needs": n_needs, "reviewers": n_reviewers, "pairs": sum(len(v) for v in scores.values()),
            "conflicts": len(conflicts), "scoring_s": scoring, "assign_s": solve,
            "assigned": len(result.pairs), "total_score": result.total_score,
            "max_load_used": max(loads.values(), default=0), "problems": result.problems}


def child_cli(n: int, extra: int) -> dict:
    """The batch CLI from outside: `python -m challenge.matching --top 10` on *n* profiles and
    1 + *extra* generic needs, its output read as it comes (unbuffered). A need's time is the
    gap between its first output line and the previous need's, so neither start-up nor the
    build enters it; the median of those gaps is what a batch pays per extra need. The CPU
    figure is the child's CPU time minus that of a run with the first need only."""
    import tempfile

    synth = Synth(n)
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        profiles, one, many = (Path(tmp) / f for f in ("p.jsonl", "n1.jsonl", "nk.jsonl"))
        with open(profiles, "w", encoding="utf-8") as f:
            for i in range(n):
                f.write(json.dumps(synth.profile(i).__dict__, ensure_ascii=False) + "\n")
        needs = [synth.generic_need(i).__dict__ for i in range(1 + extra)]
        for path, rows in ((one, needs[:1]), (many, needs)):
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        cpu = {}
        gaps: list[float] = []
        for label, path in (("one", one), ("many", many)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            with subprocess.Popen([sys.executable, "-m", "challenge.matching", "--profiles",
                                   str(profiles), "--needs", str(path), "--top", "10"],
                                  stdout=subprocess.PIPE, text=True, cwd=root,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1"}) as proc:
                assert proc.stdout is not None
                current, last = None, 0.0
                for line in proc.stdout:
                    need_id = json.loads(line)["need"]
                    if need_id != current:
                        now = time.perf_counter()
                        if current is not None and label == "many":
                            gaps.append((now - last) * 1000)
                        current, last = need_id, now
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[label] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    gaps.sort()
    return {"n": n, "extra": extra, "wall_ms_median": statistics.median(gaps),
            "wall_ms_p95": gaps[int(0.95 * (len(gaps) - 1))],
            "cpu_ms_per_need": (cpu["many"] - cpu["one"]) / extra * 1000}


def run_child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *nums = args.child
        fn = {"index": child_index, "assign": child_assign, "english": child_english,
              "cli": child_cli}[kind]
        print(json.dumps(fn(*map(int, nums))))
        return 0

    if args.quick:
        small, large, lat, batch, assign = 2_000, 10_000, 50, 100, (100, 1_000, 3, 2, 50)
        cli_extra = 20
        en = (10_000, 100)
    else:
        small, large, lat, batch, assign = 10_000, 100_000, 200, 1_000, (500, 5_000, 3, 2, 50)
        cli_extra = 100
        en = (50_000, 200)
    print(f"machine: {machine()}")
    print("memory: peak RSS of a fresh child process (resource.getrusage ru_maxrss), "
          "including interpreter, jieba dictionary and the generated input profiles\n")
    for n, latency, batched in ((small, 0, 0), (large, lat, batch)):
        r = run_child("index", str(n), str(latency), str(batched))
        print(f"index {n:>7,} profiles: build {r['build_s']:6.1f} s | peak RSS "
              f"{r['peak_rss_mb']:6.0f} MB (RSS before build {r['rss_before_mb']:.0f} MB) | "
              f"{r['vocab']:,} terms")
        if latency:
            print(f"  top-10 latency over {latency} needs: median {r['latency_median_ms']:.1f} ms, "
                  f"p95 {r['latency_p95_ms']:.1f} ms")
            print(f"  batch: {r['batch_needs']:,} needs x {n:,} profiles in {r['batch_s']:.1f} s "
                  f"({r['batch_s'] / r['batch_needs'] * 1000:.1f} ms/need)")
            print(f"  top-10 latency over {latency} generic needs (技术, 研究, 国际先进水平, 关键技术): "
                  f"median {r['generic_latency_median_ms']:.1f} ms, "
                  f"p95 {r['generic_latency_p95_ms']:.1f} ms")
    c = run_child("cli", str(large), str(cli_extra))
    print(f"batch CLI from outside (python -m challenge.matching --top 10), {large:,} profiles, "
          f"1 + {cli_extra} generic needs: per extra need median {c['wall_ms_median']:.1f} ms, "
          f"p95 {c['wall_ms_p95']:.1f} ms (between output lines); "
          f"{c['cpu_ms_per_need']:.1f} ms CPU (vs a run with 1 need)")
    a = run_child("assign", *map(str, assign))
    print(f"assignment: {a['needs']} needs x {a['reviewers']:,} reviewers, {assign[2]} per need, "
          f"load <= {assign[3]}, top-{assign[4]} candidates per need ({a['pairs']:,} pairs, "
          f"{a['conflicts']} conflicts)")
    print(f"  scoring {a['scoring_s']:.1f} s | HiGHS assignment {a['assign_s']:.2f} s | "
          f"{a['assigned']} pairs, total score {a['total_score']:.1f}, max load used "
          f"{a['max_load_used']}, problems: {a['problems'] or 'none'}")
    print(f"\nEnglish profiles, {en[0]:,} indexed, top-10 latency over {en[1]} needs "
          "(each way run twice, alternating; the faster run shown):")
    runs: dict[int, list[dict]] = {0: [], 1: []}
    for plain in (0, 1, 1, 0):
        runs[plain].append(run_child("english", str(en[0]), str(en[1]), str(plain)))
    for label, plain in (("English-aware (stem, stop list, pairs)", 0),
                         ("plain lower-cased words (before)", 1)):
        r = min(runs[plain], key=lambda x: x["build_s"] + x["latency_median_ms"] / 1000 * en[1])
        print(f"  {label:<40} build {r['build_s']:5.1f} s | median {r['latency_median_ms']:5.1f} ms"
              f" | p95 {r['latency_p95_ms']:5.1f} ms | {r['vocab']:,} terms | peak RSS "
              f"{r['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
