"""Deterministic benchmark corpus: N explainer-sized articles for chalk, Hugo and Pelican.

``python bench/corpus.py N DIR [--seed S] [--tools chalk hugo pelican]`` writes

    DIR/chalk/    site.yaml + content/posts/<slug>.md      (chalk's built-in theme, no templates/)
    DIR/hugo/     hugo.toml + content/posts/<slug>.md + minimal layouts/ with a TOC
    DIR/pelican/  pelicanconf.py + content/<slug>.md + theme/ of equivalent templates

Every article is generated once from a seeded ``random.Random`` and then written in
each tool's dialect, so the three sites carry the same text, links, lists, table,
code, diagram slots, footnotes and admonition. Each article has ~2,100 words of
prose (code excluded), front matter (title, date, 3-4 tags from a pool of 30,
summary), ``##``/``###`` headings, internal links to other articles'
``/posts/<slug>/`` URLs and external links, a bullet and a numbered list, a table,
3 Python code blocks of 15-25 lines with a ``title="x.py"``, 4 diagram slots,
3 footnotes and one ``!!! note`` admonition.

Dialect differences, kept to equivalent work:

* chalk: ```` ```diagram ```` slots (YAML id/caption/alt), ```` ```python title="x.py" ```` fences.
* Hugo: the same ```` ```diagram ```` fences, rendered by a code-block render hook
  (``layouts/_markup/render-codeblock-diagram.html``) that unmarshals the YAML into a
  figure; code fences as ```` ```python {title="x.py"} ````; the admonition as a
  GitHub-style alert (``> [!NOTE]``) with a blockquote render hook; Chroma highlighting
  with CSS classes (``markup.highlight.noClasses = false``).
* Pelican: diagram slots as the same ``<figure>`` HTML chalk emits (Python-Markdown has
  no custom fences without pymdown-extensions); ```` ```python ```` fences (Python-Markdown's
  fenced_code cannot carry a title); a ``[TOC]`` marker for the table of contents;
  codehilite+toc+tables+footnotes+admonition+fenced_code+smarty.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

TOOLS = ("chalk", "hugo", "pelican")
WORDS_PER_ARTICLE = 2100
BASE_URL = "https://example.org/"
SITE_TITLE = "Bench explainers"

TAGS = [
    "machine-learning", "transformers", "attention", "diffusion", "optimization", "compilers", "databases",
    "distributed-systems", "networking", "cryptography", "rust", "python", "performance", "caching",
    "concurrency", "storage", "probability", "linear-algebra", "graphics", "operating-systems", "security",
    "testing", "observability", "search", "compression", "type-systems", "parsing", "gpu", "embeddings",
    "reinforcement-learning",
]

SUBJECTS = [
    "attention heads", "the key-value cache", "a B-tree index", "the write-ahead log", "a consistent hash ring",
    "the garbage collector", "the scheduler", "a Bloom filter", "the tokenizer", "gradient descent",
    "the diffusion sampler", "a vector clock", "the query planner", "the TCP congestion window", "a Merkle tree",
    "the page cache", "a lock-free queue", "the register allocator", "the raft leader", "a skip list",
    "the softmax layer", "the embedding table", "an LSM tree", "the branch predictor", "the noise schedule",
    "a rate limiter", "the Huffman coder", "the type checker", "a bump allocator", "the reward model",
]
TITLE_FORMS = [
    "How {s} really works", "Understanding {s} from first principles", "A visual guide to {s}",
    "What nobody tells you about {s}", "Building {s} from scratch", "{S}, explained slowly",
    "Why {s} is faster than you think", "The hidden cost of {s}", "Debugging {s} in production",
    "An illustrated tour of {s}",
]
NOUNS = [
    "buffer", "request", "gradient", "token", "vector", "partition", "replica", "checkpoint", "tensor", "batch",
    "pointer", "page", "segment", "heap", "queue", "latency", "throughput", "invariant", "allocation", "cursor",
    "hash", "bucket", "layer", "weight", "budget", "kernel", "thread", "transaction", "snapshot", "signal",
    "frame", "epoch", "shard", "lease", "quorum", "estimate", "sample", "matrix", "counter", "window",
]
ADJECTIVES = [
    "stale", "hot", "cold", "sparse", "dense", "monotonic", "bounded", "amortized", "lazy", "eager", "noisy",
    "stable", "expensive", "cheap", "contended", "idle", "durable", "volatile", "sorted", "balanced", "skewed",
    "predictable", "surprising", "subtle", "naive", "careful",
]
VERBS = [
    "evicts", "rewrites", "batches", "compares", "merges", "splits", "schedules", "normalizes", "retries",
    "flushes", "samples", "projects", "hashes", "validates", "replays", "caches", "rebalances", "streams",
    "collapses", "amplifies", "bounds", "tracks",
]
ADVERBS = ["quietly", "eventually", "immediately", "rarely", "almost always", "in practice", "by design",
           "at first glance", "under load", "on average"]
SENTENCES = [
    "The {n} {v} every {n2} before the {n3} becomes {a}.",
    "In practice, a {a} {n} is what makes the {n2} {a2}.",
    "Notice that the {n} only {v} the {n2} when the {n3} is {a}.",
    "This is why {s} {adv} {v} a {a} {n} instead of a {n2}.",
    "If the {n} grows faster than the {n2}, the whole {n3} {v} itself {adv}.",
    "We can measure this directly: count how often the {n} {v} a {a} {n2}.",
    "A {a} {n} costs little on its own, but a thousand of them turn the {n2} {a2}.",
    "The trick is to keep the {n} {a} while the {n2} stays {a2}.",
    "Most of the time the {n} is {a}, and that is exactly the case worth optimizing.",
    "When two {n}s disagree, the {n2} decides which one {v} the {n3}.",
    "It helps to think of the {n} as a {a} {n2} that {v} one {n3} at a time.",
    "Nothing here is magic: the {n} {v} the {n2}, and the {n3} follows.",
    "The first version of {s} simply {v} the {n}, which was {a} but {a2}.",
    "Each {n} carries a small {n2}, so the {n3} never has to guess.",
    "Under load the {n} {v} the {n2} {adv}, and the tail {n3} shows it.",
    "Before we go further, note that the {n} is never shared between {n2}s.",
    "That single {a} {n} explains most of the {n2} we saw in the benchmark.",
    "So the question becomes: how {a} can the {n} get before the {n2} notices?",
    "It's tempting to call the {n} \"{a}\" -- but that's only half the story...",
    "Don't confuse the {n} with the {n2}; they're related, but the {n3} isn't.",
]
EXTERNAL = [
    ("the Python documentation", "https://docs.python.org/3/library/functools.html"),
    ("Wikipedia's overview", "https://en.wikipedia.org/wiki/Bloom_filter"),
    ("the original paper", "https://arxiv.org/abs/1706.03762"),
    ("the PostgreSQL manual", "https://www.postgresql.org/docs/current/wal-intro.html"),
    ("the Linux kernel docs", "https://docs.kernel.org/admin-guide/mm/concepts.html"),
    ("the Rust book", "https://doc.rust-lang.org/book/ch16-00-concurrency.html"),
    ("the Raft site", "https://raft.github.io/"),
    ("the NumPy guide", "https://numpy.org/doc/stable/user/basics.broadcasting.html"),
    ("this talk", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("the SQLite docs", "https://www.sqlite.org/queryplanner.html"),
]
SECTION_TITLES = [
    "The problem", "A first attempt", "Why the naive version breaks", "The key idea", "A worked example",
    "Measuring it", "Edge cases", "What the hardware does", "Putting it together", "Trade-offs",
    "A closer look at the {n}", "When the {n} is {a}", "Tuning the {n}", "The {a} path",
    "How the {n} fails", "Going further",
]

CODE_TEMPLATES = [
    '''from collections import OrderedDict


class {Cls}:
    """A least-recently-used cache holding at most `capacity` {n}s."""

    def __init__(self, capacity: int = {k}) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: str) -> bytes | None:
        if key not in self._items:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return self._items[key]

    def put(self, key: str, value: bytes) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
''',
    '''import numpy as np


def {fn}(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask=None) -> np.ndarray:
    """Scaled dot-product attention over a batch of {n}s."""
    d = q.shape[-1]
    scores = q @ k.swapaxes(-1, -2) / np.sqrt(d)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    scores -= scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v


rng = np.random.default_rng({k})
q, k, v = (rng.standard_normal((2, 8, 16)) for _ in range(3))
out = {fn}(q, k, v)
print(out.shape, float(out.mean()))
''',
    '''import hashlib
import math


class {Cls}:
    """A Bloom filter sized for `n` {n}s at false-positive rate `p`."""

    def __init__(self, n: int = {k}, p: float = 0.01) -> None:
        self.size = math.ceil(-n * math.log(p) / math.log(2) ** 2)
        self.hashes = max(1, round(self.size / n * math.log(2)))
        self.bits = bytearray((self.size + 7) // 8)

    def _positions(self, item: str):
        digest = hashlib.sha256(item.encode()).digest()
        a, b = int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:16], "big")
        return ((a + i * b) % self.size for i in range(self.hashes))

    def add(self, item: str) -> None:
        for pos in self._positions(item):
            self.bits[pos // 8] |= 1 << (pos % 8)

    def __contains__(self, item: str) -> bool:
        return all(self.bits[pos // 8] >> (pos % 8) & 1 for pos in self._positions(item))
''',
    '''import heapq
from collections import defaultdict


def {fn}(edges: list[tuple[str, str, float]], source: str) -> dict[str, float]:
    """Dijkstra: the cheapest {n} cost from `source` to every reachable node."""
    graph: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for a, b, w in edges:
        graph[a].append((b, w))
        graph[b].append((a, w))
    best = {{source: 0.0}}
    frontier = [(0.0, source)]
    while frontier:
        cost, node = heapq.heappop(frontier)
        if cost > best.get(node, float("inf")):
            continue
        for nxt, w in graph[node]:
            new = cost + w
            if new < best.get(nxt, float("inf")):
                best[nxt] = new
                heapq.heappush(frontier, (new, nxt))
    return best
''',
    '''from dataclasses import dataclass, field


@dataclass
class {Cls}:
    """Token-bucket rate limiter: `rate` {n}s per second, bursts up to `burst`."""

    rate: float = {k}.0
    burst: int = {k2}
    tokens: float = field(init=False)
    last: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def allow(self, now: float, cost: float = 1.0) -> bool:
        elapsed = max(0.0, now - self.last)
        self.last = now
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False
''',
    '''import numpy as np


def {fn}(x: np.ndarray, y: np.ndarray, lr: float = 0.{k}, steps: int = {k2}00) -> np.ndarray:
    """Fit a linear model to the {n}s with plain batch gradient descent."""
    n, d = x.shape
    w = np.zeros(d)
    history = []
    for step in range(steps):
        pred = x @ w
        grad = 2.0 / n * x.T @ (pred - y)
        w -= lr * grad
        if step % 50 == 0:
            loss = float(np.mean((pred - y) ** 2))
            history.append(loss)
            if len(history) > 2 and abs(history[-2] - loss) < 1e-9:
                break
    return w


rng = np.random.default_rng(0)
x = rng.standard_normal((256, 4))
print({fn}(x, x @ np.array([1.0, -2.0, 0.5, 3.0])))
''',
    '''import asyncio
import random


async def {fn}(name: str, attempts: int = {k2}) -> str:
    """Fetch one {n}, retrying with exponential backoff and jitter."""
    delay = 0.05
    for attempt in range(1, attempts + 1):
        try:
            await asyncio.sleep(random.uniform(0, 0.01))
            if random.random() < 0.3:
                raise ConnectionError(f"{{name}}: reset on attempt {{attempt}}")
            return f"{{name}}: ok after {{attempt}} attempt(s)"
        except ConnectionError:
            if attempt == attempts:
                raise
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay *= 2
    raise AssertionError("unreachable")


async def main() -> None:
    results = await asyncio.gather(*({fn}(f"{n}-{{i}}") for i in range({k2})))
    print("\\n".join(results))
''',
    '''from collections import Counter


def {fn}(corpus: list[str], merges: int = {k}) -> list[tuple[str, str]]:
    """Learn byte-pair-encoding merges over the {n}s of a tiny corpus."""
    words = Counter(tuple(word) + ("</w>",) for line in corpus for word in line.split())
    learned = []
    for _ in range(merges):
        pairs: Counter[tuple[str, str]] = Counter()
        for word, freq in words.items():
            for a, b in zip(word, word[1:]):
                pairs[a, b] += freq
        if not pairs:
            break
        best = max(pairs, key=pairs.get)
        learned.append(best)
        joined = " ".join(best)
        words = Counter({{tuple(" ".join(w).replace(joined, "".join(best)).split()): f
                         for w, f in words.items()}})
    return learned
''',
]


@dataclass
class Block:
    """One piece of an article body, in a dialect-neutral form."""

    kind: str  # heading | para | bullets | numbers | table | code | diagram | note
    text: str = ""
    level: int = 2
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    title: str = ""  # code file name, diagram caption, note title
    ident: str = ""  # diagram id
    alt: str = ""


@dataclass
class Article:
    index: int
    slug: str
    title: str
    day: date
    tags: list[str]
    summary: str
    blocks: list[Block]
    footnotes: list[str]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Writer:
    """Generates prose for one article from a shared random stream."""

    def __init__(self, rng: random.Random, subject: str, slugs: list[str], titles: list[str], own: int):
        self.rng, self.subject, self.slugs, self.titles, self.own = rng, subject, slugs, titles, own

    def fill(self, template: str) -> str:
        r = self.rng
        n, n2, n3 = r.sample(NOUNS, 3)
        a, a2 = r.sample(ADJECTIVES, 2)
        return template.format(n=n, n2=n2, n3=n3, a=a, a2=a2, v=r.choice(VERBS), adv=r.choice(ADVERBS),
                               s=self.subject)

    def sentence(self) -> str:
        text = self.fill(self.rng.choice(SENTENCES))
        return text[0].upper() + text[1:]

    def decorate(self, sentence: str) -> str:
        """Sometimes turn a word into inline code, emphasis or a link."""
        r = self.rng
        roll = r.random()
        words = sentence.split(" ")
        if len(words) < 6:
            return sentence
        i = r.randrange(1, len(words) - 2)
        word = words[i].strip(".,:?")
        if not word.isalpha():
            return sentence
        if roll < 0.10:
            words[i] = words[i].replace(word, f"`{word}_{r.randrange(10)}`")
        elif roll < 0.18:
            words[i] = words[i].replace(word, f"**{word}**")
        elif roll < 0.26:
            words[i] = words[i].replace(word, f"*{word}*")
        elif roll < 0.36:
            other = self.other()
            words[i] = words[i].replace(word, f"[{word}](/posts/{self.slugs[other]}/)")
        elif roll < 0.42:
            label, url = r.choice(EXTERNAL)
            words[i] = words[i].replace(word, f"[{word}]({url})")
        return " ".join(words)

    def other(self) -> int:
        if len(self.slugs) == 1:
            return self.own
        while True:
            j = self.rng.randrange(len(self.slugs))
            if j != self.own:
                return j

    def paragraph(self, sentences: tuple[int, int] = (4, 7)) -> str:
        return " ".join(self.decorate(self.sentence()) for _ in range(self.rng.randint(*sentences)))

    def link_paragraph(self) -> str:
        """A paragraph guaranteed to carry one internal and one external link."""
        other = self.other()
        label, url = self.rng.choice(EXTERNAL)
        return (f"{self.sentence()} For the background, see [{self.titles[other]}](/posts/{self.slugs[other]}/) "
                f"and [{label}]({url}). {self.sentence()} {self.sentence()}")

    def short(self) -> str:
        return self.fill(self.rng.choice(SENTENCES)).rstrip(".")

    def heading(self) -> str:
        return self.fill(self.rng.choice(SECTION_TITLES)).capitalize()


def words_of(text: str) -> int:
    return len(re.sub(r"[`*\[\]()#|>!-]", " ", text).split())


def make_article(rng: random.Random, i: int, slugs: list[str], titles: list[str], subjects: list[str],
                 start: date) -> Article:
    w = Writer(rng, subjects[i], slugs, titles, i)
    blocks: list[Block] = []
    count = 0

    def add(block: Block) -> None:
        nonlocal count
        blocks.append(block)
        count += words_of(block.text) + sum(words_of(x) for x in block.items) + \
            sum(words_of(c) for row in block.rows for c in row) + words_of(block.title)

    intro = w.paragraph((5, 7))
    add(Block("para", intro + "[^1]"))
    add(Block("para", w.link_paragraph()))
    sections = 8
    features = {  # section index -> features placed in it
        0: ["bullets", "diagram"], 1: ["code", "footnote2"], 2: ["diagram", "table"], 3: ["note", "code"],
        4: ["numbers", "diagram"], 5: ["code", "footnote3"], 6: ["diagram"], 7: [],
    }
    code_names = rng.sample(range(len(CODE_TEMPLATES)), 3)
    fig = 0
    for s in range(sections):
        add(Block("heading", w.heading(), level=2))
        remaining_sections = sections - s
        budget = (WORDS_PER_ARTICLE - count) / remaining_sections
        target = count + budget
        subsections = 1 + (s % 2)
        for sub in range(subsections):
            if sub:
                add(Block("heading", w.heading(), level=3))
            add(Block("para", w.paragraph()))
        for feature in features[s]:
            if feature == "bullets":
                add(Block("bullets", items=[w.decorate(w.sentence()) for _ in range(rng.randint(4, 6))]))
            elif feature == "numbers":
                add(Block("numbers", items=[w.sentence() for _ in range(rng.randint(4, 6))]))
            elif feature == "table":
                head = ["Variant", "p50 latency (ms)", "p99 latency (ms)", "Memory (MiB)", "Notes"]
                rows = [[f"`{rng.choice(NOUNS)}-{k}`", f"{rng.uniform(0.2, 9):.2f}", f"{rng.uniform(10, 90):.1f}",
                         str(rng.randint(16, 2048)), f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"]
                        for k in range(5)]
                add(Block("table", rows=[head, *rows]))
            elif feature == "code":
                t = code_names.pop()
                name = rng.choice(NOUNS)
                code = CODE_TEMPLATES[t].format(
                    Cls=name.capitalize() + rng.choice(["Cache", "Filter", "Limiter", "Store", "Index"]),
                    fn=f"{rng.choice(VERBS).rstrip('s')}_{name}", n=name, k=rng.randint(3, 9),
                    k2=rng.randint(2, 6))
                add(Block("para", f"Here is the whole thing in a few lines of Python; "
                                  f"{w.short().lower()}."))
                blocks.append(Block("code", code.rstrip("\n"), title=f"{slugify(name)}_{t}.py"))
            elif feature == "diagram":
                fig += 1
                n1, n2 = rng.sample(NOUNS, 2)
                add(Block("diagram", ident=f"fig-{fig}",
                          title=f"How the {n1} flows into the {n2} in {w.subject}",
                          alt=f"Boxes for each {n1}, with arrows into a {rng.choice(ADJECTIVES)} {n2}; "
                              f"the {rng.choice(NOUNS)} sits between them."))
            elif feature == "note":
                add(Block("note", w.paragraph((2, 3)), title=f"A note on the {rng.choice(NOUNS)}"))
            elif feature.startswith("footnote"):
                add(Block("para", w.paragraph() + f"[^{feature[-1]}]"))
        while count < target - 40:
            add(Block("para", w.paragraph((3, 6))))
    while count < WORDS_PER_ARTICLE:
        add(Block("para", w.paragraph((3, 5))))
    footnotes = [w.sentence() + " " + w.sentence() for _ in range(3)]
    a1, a2 = rng.sample(EXTERNAL, 2)
    footnotes[1] += f" See [{a1[0]}]({a1[1]})."
    footnotes[2] += f" Compare [{a2[0]}]({a2[1]})."
    tags = rng.sample(TAGS, rng.randint(3, 4))
    summary = f"{titles[i]}: {w.short().lower()}."
    return Article(i, slugs[i], titles[i], start + timedelta(days=i), tags, summary, blocks, footnotes)


def make_corpus(n: int, seed: int = 1234) -> list[Article]:
    rng = random.Random(seed)
    titles, slugs = [], []
    subjects = []
    for i in range(n):
        subject = rng.choice(SUBJECTS)
        form = rng.choice(TITLE_FORMS)
        title = form.format(s=subject, S=subject[0].upper() + subject[1:])
        title = f"{title} (part {i + 1})"
        subjects.append(subject)
        titles.append(title)
        slugs.append(slugify(title))
    start = date(2015, 1, 1)
    return [make_article(rng, i, slugs, titles, subjects, start) for i in range(n)]


# --------------------------------------------------------------------------- dialects

def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def body_markdown(article: Article, dialect: str) -> str:
    out: list[str] = []
    if dialect == "pelican":
        out.append("[TOC]")
    for b in article.blocks:
        if b.kind == "heading":
            out.append("#" * b.level + " " + b.text)
        elif b.kind == "para":
            out.append(b.text)
        elif b.kind == "bullets":
            out.append("\n".join(f"- {x}" for x in b.items))
        elif b.kind == "numbers":
            out.append("\n".join(f"{k}. {x}" for k, x in enumerate(b.items, 1)))
        elif b.kind == "table":
            head, *rows = b.rows
            lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---"] + ["---:"] * 3 + ["---"]) + " |"]
            lines += ["| " + " | ".join(r) + " |" for r in rows]
            out.append("\n".join(lines))
        elif b.kind == "code":
            info = {"chalk": f'python title="{b.title}"', "hugo": f'python {{title="{b.title}"}}',
                    "pelican": "python"}[dialect]
            out.append(f"```{info}\n{b.text}\n```")
        elif b.kind == "diagram":
            if dialect == "pelican":
                alt = html.escape(b.alt)
                out.append(f'<figure class="diagram diagram--pending" id="{b.ident}">'
                           f'<div class="diagram-placeholder" role="img" aria-label="Diagram to come: {alt}">'
                           '<span class="diagram-placeholder__badge" aria-hidden="true">Diagram to come</span>'
                           f'<span class="diagram-placeholder__alt" aria-hidden="true">{alt}</span></div>'
                           f"<figcaption>{html.escape(b.title)}</figcaption></figure>")
            else:
                out.append(f"```diagram\nid: {b.ident}\ncaption: {_yaml_str(b.title)}\nalt: {_yaml_str(b.alt)}\n```")
        elif b.kind == "note":
            if dialect == "hugo":
                out.append(f"> [!NOTE] {b.title}\n> {b.text}")
            else:
                out.append(f'!!! note "{b.title}"\n    {b.text}')
    for k, note in enumerate(article.footnotes, 1):
        out.append(f"[^{k}]: {note}")
    return "\n\n".join(out) + "\n"


def front_matter(article: Article, dialect: str) -> str:
    if dialect == "pelican":
        return (f"Title: {article.title}\nDate: {article.day.isoformat()} 09:00\nTags: {', '.join(article.tags)}\n"
                f"Slug: {article.slug}\nSummary: {article.summary}\n\n")
    tags = ", ".join(article.tags)
    return (f"---\ntitle: {_yaml_str(article.title)}\ndate: {article.day.isoformat()}\ntags: [{tags}]\n"
            f"summary: {_yaml_str(article.summary)}\n---\n\n")


def article_path(site: Path, dialect: str, slug: str) -> Path:
    """Where an article's Markdown lives in the given tool's site."""
    if dialect == "pelican":
        return site / "content" / f"{slug}.md"
    return site / "content" / "posts" / f"{slug}.md"


def write_chalk(site: Path, articles: list[Article]) -> None:
    (site / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (site / "site.yaml").write_text(
        f"title: {SITE_TITLE}\nbase_url: {BASE_URL}\ndescription: Benchmark corpus of long explainers.\n"
        "author: Bench\nposts_per_page: 10\n"
        # Hugo and Pelican make no social cards: neither does chalk here, so the work compares (a card costs
        # ~50 ms of CPU per post on a cold build; cached after that)
        "images:\n  cards: false\n", encoding="utf-8")
    for a in articles:
        article_path(site, "chalk", a.slug).write_text(front_matter(a, "chalk") + body_markdown(a, "chalk"),
                                                       encoding="utf-8")


HUGO_CONFIG = f'''baseURL = "{BASE_URL}"
title = "{SITE_TITLE}"
disableKinds = ["robotsTXT"]

[pagination]
  pagerSize = 10

[taxonomies]
  tag = "tags"

[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html"]

[services.rss]
  limit = 20

[markup.highlight]
  codeFences = true
  noClasses = false
  guessSyntax = false

[markup.tableOfContents]
  startLevel = 2
  endLevel = 6

[markup.goldmark.renderer]
  unsafe = true

[markup.goldmark.parser.attribute]
  block = true
'''

HUGO_LAYOUTS = {
    "baseof.html": '''<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
  <meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 160 }}{{ end }}">
  <link rel="canonical" href="{{ .Permalink }}">
  <link rel="stylesheet" href="{{ "css/site.css" | relURL }}">
  {{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
  <header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
    <nav><a href="{{ "/tags/" | relURL }}">Tags</a> <a href="{{ "/posts/" | relURL }}">Archive</a></nav>
  </header>
  <main>{{ block "main" . }}{{ end }}</main>
  <footer>&copy; {{ now.Year }} {{ site.Title }}</footer>
</body>
</html>
''',
    "single.html": '''{{ define "main" }}
<article class="post">
  <h1>{{ .Title }}</h1>
  <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
    · {{ .ReadingTime }} min read</p>
  <ul class="tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
  <nav class="toc" aria-label="Table of contents"><details open><summary>Contents</summary>{{ .TableOfContents }}</details></nav>
  <div class="prose">{{ .Content }}</div>
  <nav class="post-nav">
    {{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
    {{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
  </nav>
</article>
{{ end }}
''',
    "list.html": '''{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="archive">
{{ range .Pages.ByDate.Reverse }}
  <li><time>{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
''',
    "home.html": '''{{ define "main" }}
{{ $pager := .Paginate (where site.RegularPages "Section" "posts").ByDate.Reverse }}
{{ range $pager.Pages }}
<article class="post-item">
  <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <p class="meta">{{ .Date.Format "January 2, 2006" }} · {{ .ReadingTime }} min read</p>
  <p>{{ .Summary | plainify }}</p>
</article>
{{ end }}
<nav class="pagination">
  {{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
  {{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
</nav>
{{ end }}
''',
    "taxonomy.html": '''{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="tags">
{{ range .Data.Terms.ByCount }}
  <li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
''',
    "term.html": '''{{ define "main" }}
<h1>Posts tagged “{{ .Title }}”</h1>
<ul class="archive">
{{ range .Pages.ByDate.Reverse }}
  <li><time>{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
''',
    "_markup/render-codeblock-diagram.html": '''{{ $d := transform.Unmarshal .Inner }}
<figure class="diagram diagram--pending" id="{{ $d.id }}"><div class="diagram-placeholder" role="img" aria-label="Diagram to come: {{ $d.alt }}"><span class="diagram-placeholder__badge" aria-hidden="true">Diagram to come</span><span class="diagram-placeholder__alt" aria-hidden="true">{{ $d.alt }}</span></div>{{ with $d.caption }}<figcaption>{{ . }}</figcaption>{{ end }}</figure>
''',
    "_markup/render-blockquote.html": '''{{ if eq .Type "alert" }}
<div class="admonition {{ .AlertType }}"><p class="admonition-title">{{ with .AlertTitle }}{{ . }}{{ else }}{{ .AlertType | title }}{{ end }}</p>{{ .Text }}</div>
{{ else }}
<blockquote>{{ .Text }}</blockquote>
{{ end }}
''',
}

PELICAN_CONFIG = f'''AUTHOR = "Bench"
SITENAME = "{SITE_TITLE}"
SITEURL = "{BASE_URL.rstrip('/')}"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "theme"
DEFAULT_PAGINATION = 10
DELETE_OUTPUT_DIRECTORY = False
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
RELATIVE_URLS = False
ARTICLE_URL = "posts/{{slug}}/"
ARTICLE_SAVE_AS = "posts/{{slug}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
TAGS_SAVE_AS = "tags/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags", "archives"]
PAGINATED_TEMPLATES = {{"index": None, "tag": None}}
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feed.xml"
FEED_MAX_ITEMS = 20
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TYPOGRIFY = False
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.codehilite": {{"css_class": "highlight", "guess_lang": False}},
        "markdown.extensions.toc": {{"permalink": "¶", "toc_depth": "2-6"}},
        "markdown.extensions.tables": {{}},
        "markdown.extensions.footnotes": {{}},
        "markdown.extensions.admonition": {{}},
        "markdown.extensions.fenced_code": {{}},
        "markdown.extensions.smarty": {{}},
        "markdown.extensions.extra": {{}},
        "markdown.extensions.meta": {{}},
    }},
    "output_format": "html5",
}}
'''

PELICAN_THEME = {
    "base.html": '''<!doctype html>
<html lang="{{ DEFAULT_LANG }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{{ SITENAME }}{% endblock %}</title>
  <link rel="stylesheet" href="{{ SITEURL }}/{{ THEME_STATIC_DIR }}/css/site.css">
  <link rel="alternate" type="application/atom+xml" href="{{ FEED_DOMAIN }}/{{ FEED_ALL_ATOM }}">
</head>
<body>
  <header><a href="{{ SITEURL }}/">{{ SITENAME }}</a>
    <nav><a href="{{ SITEURL }}/tags/">Tags</a> <a href="{{ SITEURL }}/archive/">Archive</a></nav>
  </header>
  <main>{% block content %}{% endblock %}</main>
  <footer>&copy; {{ SITENAME }}</footer>
</body>
</html>
''',
    "article.html": '''{% extends "base.html" %}
{% block title %}{{ article.title|striptags }} · {{ SITENAME }}{% endblock %}
{% block content %}
<article class="post">
  <h1>{{ article.title }}</h1>
  <p class="meta"><time datetime="{{ article.date.isoformat() }}">{{ article.locale_date }}</time></p>
  <ul class="tags">{% for tag in article.tags %}<li><a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a></li>{% endfor %}</ul>
  <div class="prose">{{ article.content }}</div>
  <nav class="post-nav">
    {% if article.prev_article %}<a rel="prev" href="{{ SITEURL }}/{{ article.prev_article.url }}">{{ article.prev_article.title }}</a>{% endif %}
    {% if article.next_article %}<a rel="next" href="{{ SITEURL }}/{{ article.next_article.url }}">{{ article.next_article.title }}</a>{% endif %}
  </nav>
</article>
{% endblock %}
''',
    "page.html": '''{% extends "base.html" %}
{% block content %}<h1>{{ page.title }}</h1>{{ page.content }}{% endblock %}
''',
    "index.html": '''{% extends "base.html" %}
{% block content %}
{% for article in articles_page.object_list %}
<article class="post-item">
  <h2><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></h2>
  <p class="meta">{{ article.locale_date }}</p>
  <p>{{ article.summary|striptags }}</p>
</article>
{% endfor %}
<nav class="pagination">
  {% if articles_page.has_previous() %}<a href="{{ SITEURL }}/{{ articles_previous_page.url }}">Newer</a>{% endif %}
  {% if articles_page.has_next() %}<a href="{{ SITEURL }}/{{ articles_next_page.url }}">Older</a>{% endif %}
</nav>
{% endblock %}
''',
    "tags.html": '''{% extends "base.html" %}
{% block content %}
<h1>Tags</h1>
<ul class="tags">{% for tag, articles in tags|sort %}<li><a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a> ({{ articles|count }})</li>{% endfor %}</ul>
{% endblock %}
''',
    "tag.html": '''{% extends "base.html" %}
{% block content %}
<h1>Posts tagged “{{ tag }}”</h1>
<ul class="archive">{% for article in articles %}<li><time>{{ article.date.strftime("%Y-%m-%d") }}</time> <a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></li>{% endfor %}</ul>
{% endblock %}
''',
    "archives.html": '''{% extends "base.html" %}
{% block content %}
<h1>Archive</h1>
<ul class="archive">{% for article in dates %}<li><time>{{ article.date.strftime("%Y-%m-%d") }}</time> <a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></li>{% endfor %}</ul>
{% endblock %}
''',
}

SITE_CSS = "body{max-width:70ch;margin:auto;font-family:system-ui}pre{overflow:auto}\n"


def write_hugo(site: Path, articles: list[Article]) -> None:
    (site / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (site / "static" / "css").mkdir(parents=True, exist_ok=True)
    (site / "static" / "css" / "site.css").write_text(SITE_CSS, encoding="utf-8")
    (site / "content" / "posts" / "_index.md").write_text('---\ntitle: "Archive"\n---\n', encoding="utf-8")
    for a in articles:
        article_path(site, "hugo", a.slug).write_text(front_matter(a, "hugo") + body_markdown(a, "hugo"),
                                                      encoding="utf-8")


def write_pelican(site: Path, articles: list[Article]) -> None:
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for rel, text in PELICAN_THEME.items():
        path = site / "theme" / "templates" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (site / "theme" / "static" / "css").mkdir(parents=True, exist_ok=True)
    (site / "theme" / "static" / "css" / "site.css").write_text(SITE_CSS, encoding="utf-8")
    for a in articles:
        article_path(site, "pelican", a.slug).write_text(front_matter(a, "pelican") + body_markdown(a, "pelican"),
                                                         encoding="utf-8")


WRITERS = {"chalk": write_chalk, "hugo": write_hugo, "pelican": write_pelican}


def generate(root: Path, n: int, seed: int = 1234, tools: tuple[str, ...] = TOOLS) -> dict[str, Path]:
    """Write the corpus of ``n`` articles for each tool under ``root/<tool>/``; returns the site folders."""
    articles = make_corpus(n, seed)
    sites = {}
    for tool in tools:
        site = root / tool
        if site.exists():
            shutil.rmtree(site)
        WRITERS[tool](site, articles)
        sites[tool] = site
    return sites


def edit_paragraph(k: int) -> str:
    """A deterministic paragraph to append for the one-article-edit rebuild (``k`` makes each edit unique)."""
    w = Writer(random.Random(10_000 + k), "the benchmark", ["self"], ["self"], 0)
    return f"\n{w.paragraph()} (edit {k})\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("dir", type=Path, help="folder to write chalk/, hugo/ and pelican/ into")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    args = parser.parse_args()
    sites = generate(args.dir, args.n, args.seed, tuple(args.tools))
    for tool, site in sites.items():
        print(f"{tool}: {site}")


if __name__ == "__main__":
    main()
