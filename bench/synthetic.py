"""A generator of SYNTHETIC General Assembly resolutions in Chinese, for benchmarks at scale.

Nothing it writes is a UN text. Every file starts with front matter `synthetic: true`, its name
starts with `synthetic_`, and its first header line says 合成文本 (synthetic text). Resolutions
are composed from the grammar of GA texts, not copied from the seed: a session header (1 to 80,
in Chinese numerals), agenda items with sub-items, sponsors from the 193 member states, a title
from a topic, preambular clauses (connective + manner + verb + object, ending in `，`) and
numbered operative clauses (verb + actor + action, ending in `；`), with dates and citations of
earlier resolutions. Words are drawn with Zipf-like weights so that frequent and rare terms
look like a real corpus, and each topic forms a series across sessions (same title, citing the
previous one), as real agenda items do.

Clause lengths follow the real ones: each clause draws a target length from the lengths of real
Chinese clauses and sentences (the seed draft's clauses, and the UNPC test and development
sentences of ../shared/corpus where present) and grows by the grammar's parts until it reaches
it. The run prints both distributions.

    python bench/synthetic.py --clauses 100000 --out bench/out/synthetic
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import cn2an

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers.dictionaries import member_states  # noqa: E402

ORGANS = """大会 安全理事会 经济及社会理事会 秘书长 人权理事会 建设和平委员会 国际法委员会 联合国开发计划署
联合国环境规划署 联合国儿童基金会 世界卫生组织 国际劳工组织 联合国教育科学及文化组织 世界粮食计划署
联合国难民事务高级专员公署 联合国人权事务高级专员办事处 联合国毒品和犯罪问题办公室 国际原子能机构 世界银行
国际货币基金组织 联合国贸易和发展会议 联合国人口基金 联合国妇女署 联合国人类住区规划署 非洲联盟 欧洲联盟
东南亚国家联盟 阿拉伯国家联盟 伊斯兰合作组织 美洲国家组织 上海合作组织 集体安全条约组织 独立国家联合体
太平洋岛屿论坛 加勒比共同体 国际移民组织 各国议会联盟 红十字国际委员会 区域委员会 各专门机构 会员国 观察员国""".split()
TREATIES = """联合国宪章 世界人权宣言 公民权利和政治权利国际公约 经济社会及文化权利国际公约 儿童权利公约
消除对妇女一切形式歧视公约 残疾人权利公约 禁止酷刑公约 联合国海洋法公约 联合国气候变化框架公约 巴黎协定
生物多样性公约 不扩散核武器条约 全面禁止核试验条约 联合国打击跨国有组织犯罪公约 联合国反腐败公约
2030年可持续发展议程 仙台减少灾害风险框架 亚的斯亚贝巴行动议程 北京宣言和行动纲要 联合国全球反恐战略
维也纳宣言和行动纲领 千年宣言 新城市议程 全球移民契约 难民问题全球契约""".split()
FIELDS = """维持和平 建设和平 预防冲突 裁军 核不扩散 反恐 打击跨国有组织犯罪 禁毒 人权 妇女赋权 儿童保护
难民保护 移民 人道主义援助 减少灾害风险 气候变化 生物多样性 海洋和海洋法 可持续发展 消除贫穷 粮食安全
营养 公共卫生 全民健康覆盖 教育 文化遗产 科学技术 信息和通信技术 网络安全 外层空间 南南合作 发展筹资
债务可持续性 国际贸易 工业化 能源 水和卫生 城市化 农村发展 土著人民权利 残疾人权利 老龄问题 青年
体育促进发展 法治 国际刑事司法 司法协助 选举援助 良政 反腐败 排雷行动 小武器和轻武器 化学武器 生物武器
信息安全 区域合作 次区域合作 技术转让 能力建设""".split()
VERBS_PREAMBULAR = [
    ("提及", 30),
    ("回顾", 28),
    ("重申", 25),
    ("欢迎", 22),
    ("注意到", 20),
    ("认识到", 14),
    ("确认", 12),
    ("强调", 12),
    ("深信", 6),
    ("意识到", 6),
    ("深表关切", 8),
    ("铭记", 8),
    ("考虑到", 8),
    ("申明", 4),
    ("认为", 6),
    ("赞扬", 5),
    ("关切地注意到", 5),
    ("承认", 4),
    ("审议了", 3),
    ("表示赞赏", 3),
    ("着重指出", 4),
    ("痛惜", 1),
    ("坚信", 2),
]
VERBS_OPERATIVE = [
    ("请", 30),
    ("决定", 25),
    ("呼吁", 20),
    ("鼓励", 20),
    ("促请", 14),
    ("欢迎", 12),
    ("邀请", 12),
    ("敦促", 10),
    ("重申", 10),
    ("强调", 10),
    ("注意到", 8),
    ("吁请", 6),
    ("赞扬", 5),
    ("支持", 5),
    ("谴责", 3),
    ("强烈谴责", 2),
    ("核可", 2),
    ("授权", 1),
    ("表示关切", 4),
    ("感谢", 3),
    ("建议", 3),
    ("宣布", 1),
]
CONNECTIVES = [("", 60), ("又", 25), ("还", 10), ("并", 3), ("再次", 2)]
MANNERS = [
    ("", 80),
    ("满意地", 6),
    ("赞赏地", 5),
    ("关切地", 4),
    ("严重关切地", 2),
    ("深为关切地", 1),
    ("表示赞赏地", 2),
]
ACTIONS = """加强合作 提供技术援助 分享最佳做法 调动资源 提高认识 加强能力建设 制定国家战略 执行相关决议
开展联合行动 收集和分析数据 改进协调 促进对话 确保问责 保护平民 支持受影响国家 推动性别平等
加强伙伴关系 提供自愿捐助 加快执行工作 消除障碍 加强法律框架 促进包容性增长 提交报告 开展审查
定期交流信息 建立预警机制 加强监测 提供资金 采取一切必要措施 加强区域安排""".split()
QUALIFIERS = """在其任务范围内 在现有资源范围内 根据国际法 按照联合国宪章 在尊重国家主权的基础上 酌情
以协调一致的方式 在国家、区域和国际各级 特别是在发展中国家 与相关利益攸关方协商 在联合国系统内""".split()
OBJECTS = [
    "《{treaty}》的有关规定",
    "秘书长关于{field}的报告",
    "{organ}在{field}领域的作用",
    "{organ}所做的工作",
    "{country}为{field}所作的努力",
    "{field}与{field2}之间的联系",
    "各国在{field}方面面临的挑战",
    "{organ}和{organ2}之间的合作",
    "{year} 年举行的关于{field}的高级别会议",
    "《{treaty}》通过{n}周年",
]


SEED_CLAUSES = ROOT / "seeds" / "zh_draft_73"
UNPC_SENTENCES = ("UNv1.0.testset.zh", "UNv1.0.devset.zh-og")
QUANTILES = (10, 25, 50, 75, 90)
# Part of the corpus folder's name: a corpus written by another version of the grammar is not reused.
GRAMMAR_VERSION = 2  # 2: clause lengths drawn from the real ones (1: 33 characters on average)


def real_lengths() -> tuple[list[int], str]:
    """Lengths in characters of real Chinese clauses and sentences, and where they came from."""
    from bench.shared import UNPC
    from indexer.readers import read_document

    lengths = [len(c.text) for p in sorted(SEED_CLAUSES.glob("*.txt")) for c in read_document(p).clauses]
    sources = [f"{len(lengths)} clauses of seeds/zh_draft_73"]
    for name in UNPC_SENTENCES:
        path = UNPC / name
        if path.exists():
            sentences = [len(line.strip()) for line in path.read_text("utf-8").splitlines() if line.strip()]
            lengths += sentences
            sources.append(f"{len(sentences)} UNPC sentences ({name})")
    return lengths, ", ".join(sources)


def quantiles(lengths: list[int]) -> list[int]:
    ordered = sorted(lengths)
    return [ordered[min(len(ordered) - 1, len(ordered) * q // 100)] for q in QUANTILES]


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def zipf(rng: random.Random, items: list[str], s: float = 1.1) -> str:
    weights = [1 / (rank + 1) ** s for rank in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def chinese_date(rng: random.Random, year: int) -> str:
    return f"{year} 年 {rng.randint(9, 12)} 月 {rng.randint(1, 28)} 日"


class Generator:
    def __init__(self, seed: int, lengths: list[int]) -> None:
        self.rng = random.Random(seed)
        self.lengths = lengths  # real clause lengths, a target drawn for each clause
        self.states = [s.chinese for s in member_states.all_states()[:193]]
        self.rng.shuffle(ORGANS)
        self.rng.shuffle(FIELDS)
        self.series: dict[str, list[str]] = {}  # title -> symbols of earlier resolutions in the series

    def fill(self, template: str, year: int) -> str:
        rng = self.rng
        return template.format(
            treaty=zipf(rng, TREATIES),
            field=zipf(rng, FIELDS),
            field2=zipf(rng, FIELDS),
            organ=zipf(rng, ORGANS),
            organ2=zipf(rng, ORGANS),
            country=rng.choice(self.states),
            year=max(1946, year - rng.randint(1, 10)),
            n=rng.choice([10, 20, 25, 30, 50, 70, 75]),
        )

    def citation(self, title: str, session: int) -> str:
        earlier = self.series.get(title, [])
        if earlier and self.rng.random() < 0.7:
            symbols = earlier[-self.rng.randint(1, min(3, len(earlier))) :]
            parts = [f"{chinese_date(self.rng, 1945 + int(s.split('/')[0]))}第 {s} 号" for s in symbols]
            return "大会关于" + title + "的" + "、".join(parts) + "决议"
        old = f"{self.rng.randint(1, max(1, session - 1))}/{self.rng.randint(1, 300)}"
        return f"大会 {chinese_date(self.rng, 1945 + int(old.split('/')[0]))}第 {old} 号决议"

    def preambular(self, title: str, session: int, year: int) -> str:
        rng = self.rng
        verb = weighted(rng, VERBS_PREAMBULAR)
        head = weighted(rng, CONNECTIVES) + (weighted(rng, MANNERS) if verb in ("注意到",) else "") + verb
        body = (
            self.citation(title, session)
            if verb in ("提及", "回顾") and rng.random() < 0.6
            else self.fill(rng.choice(OBJECTS), year)
        )
        return self.grow(f"{head}{body}", year) + "，"

    def operative(self, number: int, year: int) -> str:
        rng = self.rng
        verb = weighted(rng, VERBS_OPERATIVE)
        actor = rng.choice(["各会员国", "秘书长", zipf(rng, ORGANS), "所有国家", "国际社会", "各相关方", "捐助国"])
        body = f"{actor}{rng.choice(QUALIFIERS)}{zipf(rng, ACTIONS)}"
        return f"{number}. " + self.grow(f"{weighted(rng, CONNECTIVES[:2])}{verb}{body}", year) + "；"

    def grow(self, clause: str, year: int) -> str:
        """`clause` extended by the grammar's parts to a length drawn from the real clauses."""
        rng = self.rng
        target = rng.choice(self.lengths)
        while len(clause) < target - 4:
            clause += rng.choice(
                [
                    f"，以促进{zipf(rng, FIELDS)}",
                    f"，并在{zipf(rng, FIELDS)}方面{zipf(rng, ACTIONS)}",
                    f"，包括{self.fill(rng.choice(OBJECTS), year)}",
                    f"，{rng.choice(QUALIFIERS)}{rng.choice(ACTIONS)}",
                    f"、{zipf(rng, FIELDS)}",
                ]
            )
        return clause

    def resolution(self, index: int, session: int) -> tuple[str, str, int]:
        rng = self.rng
        year = 1945 + session
        field = zipf(rng, FIELDS, 0.8)
        title = rng.choice(
            [
                f"加强{field}领域的国际合作",
                f"联合国同{zipf(rng, ORGANS)}的合作",
                f"{field}问题",
                f"促进{field}",
                f"执行《{zipf(rng, TREATIES)}》",
            ]
        )
        item = rng.randint(8, 180)
        sub = f"({chr(97 + rng.randint(0, 19))})" if rng.random() < 0.5 else ""
        sponsors = rng.sample(self.states, rng.choice([1, 2, 2, 3, 5, 8, 12]))
        sponsor_text = "、".join(sponsors[:-1]) + ("和" if len(sponsors) > 1 else "") + sponsors[-1]
        preambular = [self.preambular(title, session, year) for _ in range(rng.randint(4, 16))]
        operative = [self.operative(n, year) for n in range(1, rng.randint(4, 18))]
        operative[-1] = operative[-1][:-1] + "。"
        number = 100 + index % 400
        self.series.setdefault(title, []).append(f"{session}/{number}")
        lines = [
            "---",
            "synthetic: true",
            "generator: bench/synthetic.py",
            "---",
            " 合成文本（基准测试用，非联合国文件）",
            f" 第{cn2an.an2cn(session)}届会议",
            f"议程项目 {item}{sub}",
            title + "：",
            f"  {sponsor_text}：决议草案",
            f"  {title}",
            " 大会，",
        ]
        lines += [" " + p for p in preambular] + [" " + o for o in operative]
        return "\n\n".join(lines) + "\n", f"synthetic_{session:02d}_{index:06d}.txt", len(preambular) + len(operative)


def generate(out: Path, clauses: int, seed: int = 2026) -> tuple[int, int]:
    """Write synthetic resolutions into `out` until `clauses` clauses; (documents, clauses)."""
    out.mkdir(parents=True, exist_ok=True)
    lengths, sources = real_lengths()
    (out / "README.md").write_text(
        "SYNTHETIC corpus written by bench/synthetic.py for benchmarks. Not UN documents.\n"
        f"Clause lengths drawn from {sources}.\n",
        "utf-8",
    )
    generator = Generator(seed, lengths)
    written = documents = 0
    while written < clauses:
        session = generator.rng.randint(1, 80)
        text, name, count = generator.resolution(documents, session)
        (out / name).write_text(text, "utf-8")
        written += count
        documents += 1
    return documents, written


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a SYNTHETIC corpus of GA resolutions for benchmarks.")
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "synthetic")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    documents, clauses = generate(args.out, args.clauses, args.seed)
    print(f"wrote {documents:,} SYNTHETIC resolutions with {clauses:,} clauses to {args.out}")
    lengths, sources = real_lengths()
    written = synthetic_lengths(args.out)
    print(f"clause lengths in characters, p{'/p'.join(map(str, QUANTILES))}:")
    print(f"  SYNTHETIC: {quantiles(written)} (mean {sum(written) / len(written):.0f})")
    print(f"  real:      {quantiles(lengths)} (mean {sum(lengths) / len(lengths):.0f}; {sources})")


def corpus_folder(out: Path, clauses: int) -> Path:
    """Where a corpus of `clauses` clauses of this grammar version is written."""
    return out / f"synthetic-v{GRAMMAR_VERSION}-{clauses}"


def synthetic_lengths(folder: Path, files: int = 2000) -> list[int]:
    """Clause lengths of (the first `files` documents of) a synthetic corpus, as the readers see them."""
    from indexer.readers import read_document

    paths = sorted(folder.glob("synthetic_*.txt"))[:files]
    return [len(clause.text) for path in paths for clause in read_document(path).clauses]


if __name__ == "__main__":
    main()
