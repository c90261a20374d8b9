"""Benchmark the full-text search on 50,000 decisions, on SQLite and PostgreSQL.

Builds a fresh database by the migrations (a temporary SQLite file; PostgreSQL when
GOVERN_BENCH_DATABASE_URL names a database it may empty), generates 20 bodies, 10 years,
1,000 approved meetings and 50,000 treatments with a decision, summary and proposed decision
written from a vocabulary of the domain, builds the search index, then times a set of typical
queries through the search service as an anonymous reader (ids, count, loading the page of
20 results and their highlighted snippets): p50 and p95 per query, in milliseconds, and the
ratio to a baseline measured in the same run (a primary-key lookup of one treatment).
Target: p95 under 30 ms. Only prints: nothing here asserts speed; the report also goes to
bench/results/search.json (git-ignored).

    .venv/bin/python bench/bench_search.py [--repeat 30] [--decisions 50000]
    GOVERN_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/govern_bench \\
        .venv/bin/python bench/bench_search.py
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "search.json"
sys.path.insert(0, str(ROOT))

from bench.common import write_results  # noqa: E402

TARGET_P95_MS = 30.0
BODIES, YEARS, MEETINGS_PER_YEAR = 20, 10, 5
FIRST_YEAR = 2017


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NOUNS = words(
    "journal journalen journaler journalløsning journalløsningen kjernejournal pasient pasienten "
    "pasientene helsedata helsedataene samhandling samhandlingen legemiddel legemidlene "
    "e-resept resept reseptformidleren helsenett helsenettet kommune kommunene sykehus "
    "sykehuset helseforetak helseforetakene fastlege fastlegen tjeneste tjenesten tjenestene "
    "arkitektur arkitekturen standard standarden standarder personvern personvernet "
    "informasjonssikkerhet tilgangsstyring tilgang tilgangen samtykke samtykket reservasjon "
    "meldingsutveksling melding meldingen meldinger dokumentdeling prøvesvar rekvirering "
    "finansiering finansieringen gevinst gevinstene plan planen strategi strategien veikart "
    "veikartet prosjekt prosjektet anskaffelse anskaffelsen leverandør leverandørene "
    "forvaltning forvaltningen drift driften kostnad kostnadene budsjett budsjettet"
)
VERBS = words(
    "støtter anbefaler tar til orientering ber om utreder prioriterer vedtar godkjenner "
    "viderefører avslutter drøfter styrker forenkler innfører"
)
ADJECTIVES = words(
    "nasjonal nasjonale felles digital digitale regional regionale ny nye økt bedre "
    "helhetlig strukturert sikker enklere"
)
#: Compounds as Norwegian forms them ("journal" + "løsning"): a realistic, long-tailed vocabulary.
PREFIXES = words(
    "journal helse pasient data melding tjeneste system tilgang samhandling legemiddel "
    "resept kommune sykehus kvalitet sikkerhet drift forvaltning arkiv prøve bilde"
)
SUFFIXES = words("løsning tjeneste plattform register portal modul standard avtale plan tiltak")
VOCABULARY = NOUNS + tuple(p + s for p in PREFIXES for s in SUFFIXES)
#: Zipf weights: the n-th word is 1/n as frequent as the first (shuffled once, seeded).
ZIPF = [1 / (n + 1) for n in range(len(VOCABULARY))]
SAKSTYPER = ("Godkjenning", "Orientering", "Drøfting", "Anbefaling", "Beslutning")

#: (label, query, filter) — typical searches; a trailing space ends the last word.
QUERIES = (
    ("ett ord", "kjernejournal ", {}),
    ("bøyd ord", "journalen ", {}),
    ("to ord", "samtykke reservasjon ", {}),
    ("frase", '"felles journalløsning"', {}),
    ("med organfilter", "personvern ", {"body": "organ-7"}),
    ("med årsfilter", "finansiering ", {"year": 2023}),
    ("sjeldent ord", "reseptformidleren ", {}),
    ("prefiks", "informasjonss", {}),
)


def sentence(rng: random.Random, vocabulary: list[str]) -> str:
    nouns = rng.choices(vocabulary, weights=ZIPF, k=4)
    parts = [rng.choice(ADJECTIVES), nouns[0], rng.choice(VERBS), nouns[1], "og", nouns[2]]
    parts += [rng.choice(("for", "i", "med", "til")), nouns[3]]
    return " ".join(parts).capitalize() + "."


def text(rng: random.Random, vocabulary: list[str], sentences: int) -> str:
    return " ".join(sentence(rng, vocabulary) for _ in range(sentences))


def generate(conn, decisions: int, rng: random.Random) -> None:
    """Bodies, meetings with a day, cases and treatments by plain inserts (fast)."""
    from sqlalchemy import insert

    from govern.models import Body, Meeting
    from govern.models.cases import Case, Treatment
    from govern.models.meetings import MeetingDay

    conn.execute(
        insert(Body),
        [
            {"slug": f"organ-{b}", "name": f"Organ {b}", "short_name": f"O{b}", "kind": "fagråd"}
            for b in range(1, BODIES + 1)
        ],
    )
    body_ids = [r[0] for r in conn.execute(Body.__table__.select().with_only_columns(Body.id))]
    meetings, days = [], []
    for body_id in body_ids:
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            for seq in range(1, MEETINGS_PER_YEAR + 1):
                meetings.append(
                    {"body_id": body_id, "year": year, "seq": seq}
                    | {"status": "referat godkjent", "minutes_status": "godkjent"}
                )
    conn.execute(insert(Meeting), meetings)
    rows = conn.execute(
        Meeting.__table__.select().with_only_columns(Meeting.id, Meeting.year, Meeting.seq)
    ).all()
    for meeting_id, year, seq in rows:
        day = date(year, 1, 15) + timedelta(days=70 * (seq - 1))
        start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        days.append(
            {"meeting_id": meeting_id, "date": day, "starts_at": start}
            | {"ends_at": start + timedelta(hours=6)}
        )
    conn.execute(insert(MeetingDay), days)
    per_meeting = max(1, decisions // len(rows))
    meeting_rows = [(mid, year, seq) for mid, year, seq in rows]
    counters: dict[tuple[int, int], int] = {}
    body_of = dict(
        conn.execute(
            Meeting.__table__.select().with_only_columns(Meeting.id, Meeting.body_id)
        ).all()
    )
    vocabulary = list(VOCABULARY)
    rng.shuffle(vocabulary)
    made = 0
    for meeting_id, year, _seq in meeting_rows:
        if made >= decisions:
            break
        batch = min(per_meeting, decisions - made)
        titles = [
            f"{rng.choice(ADJECTIVES)} {rng.choices(vocabulary, weights=ZIPF)[0]}".capitalize()
            for _ in range(batch)
        ]
        case_ids = [
            r[0]
            for r in conn.execute(
                insert(Case).returning(Case.id), [{"title": t} for t in titles]
            ).all()
        ]
        treatments = []
        for case_id in case_ids:
            key = (body_of[meeting_id], year)
            counters[key] = counters.get(key, 0) + 1
            treatments.append(
                {
                    "case_id": case_id,
                    "body_id": body_of[meeting_id],
                    "meeting_id": meeting_id,
                    "year": year,
                    "seq": counters[key],
                    "sakstype": rng.choice(SAKSTYPER),
                    "summary": text(rng, vocabulary, 4),
                    "proposed_decision": text(rng, vocabulary, 1),
                    "decision": text(rng, vocabulary, 2),
                }
            )
        conn.execute(insert(Treatment), treatments)
        made += batch


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(function, repeat: int, warmup: int = 3) -> dict:
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        function()
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95)}


def run(url: str, decisions: int, repeat: int) -> dict:
    """Build the database at `url`, fill it, and time the queries."""
    import logging

    from flask_login import AnonymousUserMixin
    from flask_migrate import upgrade
    from sqlalchemy import select
    from sqlalchemy import text as sql

    from govern import create_app
    from govern.extensions import db
    from govern.models.cases import Treatment
    from govern.search.index import rebuild_index
    from govern.search.query import search_page
    from govern.search.text import parse_query
    from govern.services.register import RegisterFilter

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sql("DROP SCHEMA public CASCADE"))
                conn.execute(sql("CREATE SCHEMA public"))
        logging.disable(logging.INFO)
        upgrade()
        logging.disable(logging.NOTSET)
        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            generate(conn, decisions, random.Random(8))
        generated = time.perf_counter() - t0
        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            indexed = rebuild_index(conn)
            if conn.dialect.name == "postgresql":
                conn.execute(sql("ANALYZE"))
            else:
                conn.execute(sql("INSERT INTO search_index(search_index) VALUES ('optimize')"))
        index_seconds = time.perf_counter() - t0
        anonymous = AnonymousUserMixin()
        today = date(2026, 11, 23)
        some_id = db.session.scalar(select(Treatment.id).offset(decisions // 2).limit(1))

        def baseline():
            db.session.expunge_all()
            return db.session.get(Treatment, some_id)

        report = {
            "database": db.engine.dialect.name,
            "decisions": indexed,
            "generate_s": round(generated, 1),
            "index_s": round(index_seconds, 1),
            "baseline": measure(baseline, repeat),
            "queries": {},
        }
        base = report["baseline"]["p50"]
        for label, q, filters in QUERIES:
            parsed, wanted = parse_query(q), RegisterFilter(**filters)
            hits = search_page(db.session, anonymous, parsed, wanted, 1, today).total

            def call(parsed=parsed, wanted=wanted):
                db.session.expunge_all()
                return search_page(db.session, anonymous, parsed, wanted, 1, today)

            timing = measure(call, repeat)
            timing |= {"query": q, "hits": hits, "p95_ratio": timing["p95"] / base}
            report["queries"][label] = timing
        db.session.remove()
        db.engine.dispose()
    return report


def show(report: dict) -> None:
    print(
        f"\n{report['database']}: {report['decisions']} behandlinger "
        f"(generert {report['generate_s']} s, indeksert {report['index_s']} s)"
    )
    b = report["baseline"]
    print(f"  {'grunnlinje (primærnøkkel)':<28} p50 {b['p50']:7.2f} ms  p95 {b['p95']:7.2f} ms")
    for label, t in report["queries"].items():
        verdict = "OK" if t["p95"] < TARGET_P95_MS else "OVER MÅL"
        print(
            f"  {label:<28} p50 {t['p50']:7.2f} ms  p95 {t['p95']:7.2f} ms"
            f"  ×{t['p95_ratio']:6.1f}  {t['hits']:>6} treff  {verdict}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--decisions", type=int, default=50_000)
    opts = parser.parse_args(argv)
    reports = []
    with tempfile.TemporaryDirectory() as folder:
        reports.append(
            run(f"sqlite:///{Path(folder) / 'search.sqlite'}", opts.decisions, opts.repeat)
        )
    pg_url = os.environ.get("GOVERN_BENCH_DATABASE_URL")
    if pg_url:
        from govern.config import normalise_database_url

        reports.append(run(normalise_database_url(pg_url), opts.decisions, opts.repeat))
    for report in reports:
        show(report)
    print(f"\nMål: p95 under {TARGET_P95_MS:.0f} ms; ×n = p95 delt på grunnlinjens p50.")
    write_results(
        RESULTS,
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": platform.platform(),
            "python": platform.python_version(),
            "target_p95_ms": TARGET_P95_MS,
            "runs": reports,
        },
    )


if __name__ == "__main__":
    main()
