"""Synonyms and abbreviations of common technical terms, folded into shared concept features.

Each group lists one canonical name first; every variant found in a text adds a concept
feature for the group, so "芯片" in a need meets "集成电路" or "IC" in a profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .normalize import normalize
from .sound import fold_sound

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    # 集成电路 / 半导体
    ("集成电路", "芯片", "ic", "半导体芯片", "积体电路"),
    ("封装测试", "封测", "芯片封装", "ic封装"),
    ("电子设计自动化", "eda"),
    ("现场可编程门阵列", "fpga"),
    ("微控制器", "mcu", "单片机"),
    ("片上系统", "soc芯片", "系统级芯片"),
    ("绝缘栅双极型晶体管", "igbt"),
    ("金属氧化物半导体场效应晶体管", "mosfet", "场效应管"),
    ("碳化硅", "sic", "silicon carbide"),
    ("氮化镓", "gan", "gallium nitride"),
    ("功率半导体", "功率器件", "电力电子器件"),
    ("微机电系统", "mems", "micro-electro-mechanical systems",
     "microelectromechanical systems"),
    ("化学气相沉积", "cvd"),
    ("物理气相沉积", "pvd"),
    ("原子层沉积", "ald"),
    ("极紫外光刻", "euv"),
    ("晶圆", "wafer", "硅片"),
    ("印制电路板", "pcb", "印刷电路板", "线路板"),
    ("发光二极管", "led"),
    ("有机发光二极管", "oled"),
    # 新能源 / 锂电
    ("锂离子电池", "锂电", "锂电池", "锂离子电芯", "li-ion", "lithium-ion", "lithium ion"),
    ("电池管理系统", "bms", "battery management system"),
    ("健康状态", "soh", "state of health"),
    ("固态电池", "全固态电池", "solid-state battery", "solid state battery"),
    ("正极材料", "阴极材料", "cathode"),
    ("负极材料", "阳极材料", "anode"),
    ("储能", "储能系统", "ess", "energy storage"),
    ("光伏", "太阳能电池", "pv", "photovoltaic"),
    ("燃料电池", "氢燃料电池", "pemfc", "质子交换膜燃料电池", "fuel cell"),
    ("新能源汽车", "电动汽车", "ev", "电动车", "纯电动汽车"),
    # 材料
    ("聚丙烯", "pp"),
    ("聚乙烯", "pe"),
    ("超高分子量聚乙烯", "uhmwpe"),
    ("聚对苯二甲酸乙二醇酯", "pet", "涤纶"),
    ("聚氯乙烯", "pvc"),
    ("碳纤维增强复合材料", "cfrp", "碳纤维复合材料"),
    ("陶瓷基复合材料", "cmc"),
    ("金属有机框架", "mof", "mofs"),
    ("石墨烯", "graphene"),
    ("高分子", "聚合物", "polymer"),
    ("熔喷布", "熔喷无纺布", "熔喷非织造布", "meltblown", "melt-blown"),
    ("非织造布", "无纺布", "非织造材料", "nonwoven"),
    ("增材制造", "3d打印", "additive manufacturing", "3d printing", "metal printing"),
    # 装备 / 工业软件
    ("数控机床", "cnc", "数控加工中心"),
    ("可编程逻辑控制器", "plc"),
    ("制造执行系统", "mes"),
    ("企业资源计划", "erp"),
    ("计算机辅助设计", "cad"),
    ("计算机辅助工程", "cae"),
    ("产品生命周期管理", "plm"),
    ("数据采集与监视控制系统", "scada"),
    ("分布式控制系统", "dcs"),
    ("有限元分析", "有限元", "fea", "fem"),
    ("计算流体力学", "cfd"),
    ("工业机器人", "机械臂", "机器人手臂"),
    ("数字孪生", "digital twin"),
    ("工业互联网", "iiot"),
    ("物联网", "iot"),
    ("剩余使用寿命", "剩余寿命", "rul", "remaining useful life"),
    ("故障诊断", "故障检测与诊断", "fault diagnosis"),
    ("无人机", "uav", "无人飞行器"),
    # 人工智能
    ("人工智能", "ai", "a.i"),
    ("机器视觉", "计算机视觉", "视觉检测", "machine vision", "computer vision"),
    ("深度学习", "深度神经网络", "deep learning"),
    ("机器学习", "machine learning"),
    ("自然语言处理", "nlp"),
    ("大语言模型", "大模型", "llm", "large language model"),
    ("知识图谱", "knowledge graph"),
    # 汽车电子
    ("自动驾驶", "无人驾驶", "智能驾驶", "autonomous driving"),
    ("高级驾驶辅助系统", "adas", "驾驶辅助"),
    ("激光雷达", "lidar", "laser radar"),
    ("电子控制单元", "ecu"),
    ("控制器局域网", "can总线", "can bus"),
    ("车联网", "v2x", "车路协同"),
    # 生物医药
    ("单克隆抗体", "单抗", "mab"),
    ("聚合酶链式反应", "pcr"),
    ("信使核糖核酸", "mrna"),
    ("高效液相色谱", "hplc", "液相色谱"),
    ("中药", "中医药", "中草药"),
    ("原料药", "活性药物成分"),
    ("热障涂层", "tbc", "thermal barrier coating"),
    ("热失控", "thermal runaway"),
    ("质子交换膜电解水", "pem电解水", "pem electrolysis", "pem water electrolysis",
     "proton exchange membrane electrolysis"),
    ("激光粉末床熔融", "lpbf", "slm", "selective laser melting", "laser powder bed fusion"),
    ("结构健康监测", "shm", "structural health monitoring"),
    ("无线传感器网络", "wsn", "wireless sensor network"),
    ("时间敏感网络", "tsn", "time-sensitive networking", "time sensitive networking"),
    ("超可靠低时延通信", "urllc", "ultra-reliable low-latency communication"),
    ("零液体排放", "零排放", "zld", "zero liquid discharge"),
    ("阴极保护", "cathodic protection"),
    # 环保 / 农业食品
    ("挥发性有机物", "vocs", "voc", "volatile organic compound"),
    ("细颗粒物", "pm2.5"),
    ("化学需氧量", "cod"),
    ("污水处理", "废水处理", "wastewater treatment"),
    ("膜生物反应器", "mbr", "membrane bioreactor"),
    ("反渗透", "ro膜", "reverse osmosis"),
    ("农药残留", "农残"),
    ("冷链", "冷链物流", "cold chain"),
    ("射频识别", "rfid"),
    ("转基因", "gmo"),
)


def _build() -> tuple[re.Pattern[str], dict[str, list[str]], dict[str, str]]:
    canonical: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        head = normalize(group[0])
        for variant in group:
            canonical[normalize(variant)] = head
    by_first: dict[str, list[str]] = {}
    for variant in sorted(canonical, key=len, reverse=True):
        by_first.setdefault(variant[0], []).append(variant)
    latin = "".join(sorted(c for c in by_first if _is_latin(c)))
    other = "".join(sorted(c for c in by_first if not _is_latin(c)))
    # Candidate starts: a Latin abbreviation must begin a word ("ai" is not inside "detail").
    starts = re.compile(rf"(?<![a-z0-9])[{re.escape(latin)}]|[{re.escape(other)}]")
    return starts, by_first, canonical


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_STARTS, _BY_FIRST, _CANONICAL = _build()


def find_concepts(normalized_text: str) -> Iterator[tuple[str, str]]:
    """Yield (variant, canonical) for every synonym-table term found in *normalized_text*.

    Leftmost-longest, non-overlapping; a Latin variant also matches its plural in "s". A scan
    from candidate start characters is far cheaper than one big regex alternation on long texts.
    """
    text = normalized_text
    end = 0
    for m in _STARTS.finditer(text):
        i = m.start()
        if i < end:
            continue
        for variant in _BY_FIRST[text[i]]:
            if text.startswith(variant, i):
                j = i + len(variant)
                if _is_latin(variant[-1]) and j < len(text) and _is_latin(text[j]):
                    # An English plural still names the concept: "fuel cells", "mosfets".
                    if text[j] != "s" or (j + 1 < len(text) and _is_latin(text[j + 1])):
                        continue
                    j += 1
                end = j
                yield variant, _CANONICAL[variant]
                break


def canonical_terms() -> list[str]:
    """Every normalised CJK variant, so the word segmenter keeps them whole."""
    return [v for v in _CANONICAL if not v.isascii() and " " not in v]


def _sounds() -> list[tuple[str, str, str]]:
    """(sound, variant, canonical) of each Chinese variant of three or more characters, longest
    first; shorter ones read like too many other words to be guessed from their sound."""
    rows = [(fold_sound(v), v, c) for v, c in _CANONICAL.items()
            if len(v) >= 3 and not v.isascii() and " " not in v]
    return sorted(rows, key=lambda r: -len(r[0]))


_SOUNDS = _sounds()


def find_sound_concepts(normalized_text: str) -> Iterator[tuple[str, str]]:
    """Yield (what was written, canonical) for every synonym-table term that *normalized_text*
    does not contain but contains a homophone of (溶喷布 reads like 熔喷布), each concept once."""
    sounded = fold_sound(normalized_text)
    if sounded == normalized_text:
        return
    seen: set[str] = set()
    for sound, variant, canon in _SOUNDS:
        i = sounded.find(sound)
        if i < 0 or canon in seen:
            continue
        written = normalized_text[i : i + len(variant)]
        if written != variant:
            seen.add(canon)
            yield written, canon
