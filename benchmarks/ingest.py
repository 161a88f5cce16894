"""Ingestion speed: the extraction pipeline against the trained spaCy pipeline's own `nlp.pipe`,
and 1,000 articles end to end.

    .venv/bin/python benchmarks/ingest.py                      # scratch SQLite file under var/
    .venv/bin/python benchmarks/ingest.py --articles 200 --database-url postgresql+psycopg://...

Articles of about 3,000 words are generated from corpus-like sentence templates (labs, models,
prices, funding, benchmark scores, lags, table rows, [VERIFY] markers) with random names and
figures, so no two texts are alike. The knowledge base holds the curated seeds' entities and
attributes plus the generated names. Printed: words per second for the whole pipeline (reading,
sentences, names, figures, parses, attributes, subjects; no database writes) next to the trained
pipeline's `nlp.pipe` over the same texts (CPU time, best of three alternating rounds), then the
end-to-end time to ingest the articles (each in its own transaction, as `manage.py ingest` does)
with the process's memory every 100 articles. kb parses only the sentences that hold a figure or
a [VERIFY] marker, so it can be faster than parsing the whole text.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from kb.db import session_scope  # noqa: E402
from kb.ingest import SourceMeta, Vocabulary, ingest_bytes, read_document  # noqa: E402
from kb.models import Alias, Entity  # noqa: E402
from kb.names import normalize_name, slugify  # noqa: E402
from kb.nlp.extract import extract  # noqa: E402
from kb.nlp.language import load  # noqa: E402
from scratch import scratch  # noqa: E402
from kb.seeds import load_seeds, read_seed_files  # noqa: E402

LABS = ["Acme AI", "Borealis Labs", "Cinder Systems", "Dunmore AI", "Everpeak Research", "Fathom AI",
        "Glimmer Labs", "Halcyon Intelligence", "Ironwood AI", "Juniper Compute"]
SUFFIXES = ["Pro", "Flash", "Mini", "Max", "Lite", "Turbo"]
COUNTRY = [("Chinese", "China"), ("US", "the US")]
TEMPLATES = [
    "{lab} charges ${p1} per million input tokens and ${p2} per million output tokens for {model}.",
    "{model} reportedly cost ${m} million to train, according to {lab2}.",
    "{lab} raised ${b} billion in {year}, compared to ${b2} billion raised by {lab2}.",
    "Their latest model, {model}, scores {pct}% on MMLU while costing only ${p1} per million tokens.",
    "Chinese AI startups raised ${b} billion in {year} compared to ${b2} billion in the US.",
    "{adj} open-source models are only {n1} to {n2} months behind the US frontier.",
    "{model}'s {ratio}x price advantage over {model2} is hard to ignore.",
    "{lab} employs some {count} engineers across {n1} offices.",
    "Hosted on GitHub with over {stars} stars, {model} has become a reference implementation.",
    "The company says {model} reduces memory use by more than {pct}% without losing accuracy.",
    "Analysts expect the gap to close within {n1} months, though the details are uncertain.",
    "[VERIFY] Reports suggest that {lab} received subsidized access to compute in {year}.",
    "{lab} was founded in {year} by former researchers from {lab2}.",
    "Demand for inference has grown {ratio}x in two years, and prices keep falling.",
]
# Sentences without figures: in the corpus about three sentences in four state no quantity.
PROSE = [
    "Everyone we met talked about efficiency, culture and the race to ship products quickly.",
    "The researchers were young, focused and deeply technical; most had trained models before.",
    "Export controls have shaped how labs plan their compute, and that shows in their choices.",
    "In practice, teams share techniques openly and adopt what works within weeks.",
    "Few of these companies expect the constraints to ease soon.",
    "Open weights let anyone download, run and fine-tune the models on their own hardware.",
    "{lab} has focused on {model} and on the tooling around it for most of the past year.",
    "The team at {lab} described its approach as pragmatic: measure first, then scale.",
    "Several engineers told us the hardest part is not training but serving customers reliably.",
    "Benchmarks can be gamed, and they rarely capture how a model feels in daily use.",
    "Like other labs, {lab} publishes its research and releases the weights of most models.",
    "The shift from training to inference changes which costs matter and who bears them.",
    "Investors remain cautious, but the pace of releases has not slowed.",
]
FIGURE_SHARE = 0.28
HEADINGS = ["The compute gap", "Prices and margins", "Key players", "What comes next", "Funding"]


def names(rng: random.Random) -> tuple[list[str], list[str]]:
    labs = list(LABS)
    models = [f"{lab.split()[0]}-{rng.randint(2, 9)} {rng.choice(SUFFIXES)}" for lab in labs for _ in range(2)]
    return labs, models


def article(rng: random.Random, labs: list[str], models: list[str], words: int = 3000,
            figure_share: float = FIGURE_SHARE) -> str:
    """One synthetic article of about `words` words, with a table and headings."""
    lines, count = [f"{rng.choice(labs)} and the state of AI, part {rng.randint(1, 10**9)}"], 0
    while count < words:
        if rng.random() < 0.06:
            lines.append(rng.choice(HEADINGS))
        if rng.random() < 0.02:
            lines.append("| Model | MMLU Score | Training Cost (est.) | Inference Cost/1M tokens |")
            lines.append("|---|---|---|---|")
            for _ in range(3):
                lines.append(f"| {rng.choice(models)} | {rng.uniform(60, 95):.1f}% | ${rng.randint(2, 300)}M | "
                             f"${rng.uniform(0.05, 9):.2f} |")
        paragraph = []
        for _ in range(rng.randint(3, 7)):
            adj = rng.choice(COUNTRY)[0]
            template = rng.choice(TEMPLATES if rng.random() < figure_share else PROSE)
            sentence = template.format(
                lab=rng.choice(labs), lab2=rng.choice(labs), model=rng.choice(models),
                model2=rng.choice(models), p1=f"{rng.uniform(0.05, 5):.2f}", p2=f"{rng.uniform(0.1, 20):.2f}",
                m=f"{rng.uniform(1, 200):.1f}", b=f"{rng.uniform(0.5, 300):.1f}", b2=f"{rng.uniform(0.5, 300):.1f}",
                year=rng.randint(2019, 2026), pct=f"{rng.uniform(10, 99):.1f}", n1=rng.randint(2, 9),
                n2=rng.randint(10, 24), ratio=rng.randint(2, 40), count=f"{rng.randint(50, 9000):,}",
                stars=f"{rng.randint(1, 90) * 1000:,}", adj=adj)
            paragraph.append(sentence)
        lines.append(" ".join(paragraph))
        count = sum(len(line.split()) for line in lines)
    return "\n".join(lines) + "\n"


def add_names(session: Session, labs: list[str], models: list[str]) -> None:
    """The generated labs and models, as an editor would have added them."""
    lab_ids = {}
    for lab in labs:
        entity = Entity(kind="lab", slug=slugify(lab), name=lab)
        session.add(entity)
        session.flush()
        lab_ids[lab.split()[0]] = entity.id
        session.add(Alias(entity_id=entity.id, name=lab, normalized=normalize_name(lab)))
    for model in sorted(set(models)):
        entity = Entity(kind="model", slug=slugify(model), name=model, parent_id=lab_ids[model.split("-")[0]])
        session.add(entity)
        session.flush()
        session.add(Alias(entity_id=entity.id, name=model, normalized=normalize_name(model)))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def cpu_time(fn) -> float:
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="articles to ingest end to end (default 1000)")
    parser.add_argument("--words", type=int, default=3000, help="words per article (default 3000)")
    parser.add_argument("--sample", type=int, default=20, help="articles in the throughput sample (default 20)")
    parser.add_argument("--database-url", help="default: a scratch SQLite file under var/")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    labs, models = names(rng)
    settings, engine = scratch("bench-ingest", args.database_url)
    seeds = read_seed_files(settings.seeds_dir)
    seeds.claims = []
    with session_scope(engine) as session:
        load_seeds(session=session, settings=settings, seeds=seeds, datasets=False)
        add_names(session, labs, models)
    with Session(engine) as session:
        vocabulary = Vocabulary.load(session)

    # Throughput: the pipeline without the database, against nlp.pipe on the same text; once on
    # articles like the corpus's (about one sentence in four states a figure), once on articles
    # where every sentence does (kb then parses all of them, as nlp.pipe does).
    nlp = load()
    extract(article(rng, labs, models, 300), entities=vocabulary.entities, attributes=vocabulary.attributes)
    for label, share in (("corpus-like", FIGURE_SHARE), ("every sentence a figure", 1.0)):
        sample = [article(rng, labs, models, args.words, share) for _ in range(args.sample)]
        words = sum(len(text.split()) for text in sample)
        # Alternate the two and keep each one's best round, so a busy machine slows both alike.
        rounds = [(cpu_time(lambda: list(nlp.pipe(sample))),
                   cpu_time(lambda: [extract(read_document(text.encode(), name="a.txt").text,
                                             entities=vocabulary.entities, attributes=vocabulary.attributes)
                                     for text in sample]))
                  for _ in range(3)]
        t_pipe, t_all = min(r[0] for r in rounds), min(r[1] for r in rounds)
        print(f"{label}: {args.sample} articles, {words:,} words")
        print(f"  spaCy nlp.pipe ({nlp.meta['name']})  {words / t_pipe:10,.0f} words/s")
        print(f"  ingest pipeline      {words / t_all:10,.0f} words/s   ({t_pipe / t_all:.2f} of nlp.pipe's "
              "speed; target >= 0.70)")

    # End to end: each article read, extracted and written in its own transaction.
    print(f"\ningesting {args.articles:,} articles of ~{args.words:,} words into {engine.url.render_as_string()}")
    start = time.perf_counter()
    proposed = 0
    for n in range(1, args.articles + 1):
        text = article(rng, labs, models, args.words)
        with session_scope(engine) as session:
            result = ingest_bytes(session=session, data=text.encode(), name=f"synthetic-{n}.txt",
                                  meta=SourceMeta(), actor_id=None, vocabulary=vocabulary)
        proposed += result.proposed + result.verify_items
        if n % 100 == 0 or n == args.articles:
            gc.collect()
            elapsed = time.perf_counter() - start
            print(f"  {n:5d} articles  {elapsed:7.1f} s  {n / elapsed:5.1f} articles/s  "
                  f"{proposed:8,} claims proposed  RSS {rss_mb():6.1f} MB")
    print(f"end to end: {args.articles:,} articles in {time.perf_counter() - start:.1f} s")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
