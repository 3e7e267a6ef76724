"""The Markdown report (and a short console summary) of one size of a run."""

from __future__ import annotations

from .queries import describe

SYSTEMS = ("whoosh", "fts5", "tantivy")
VARIANT_NAMES = {"full": "facets + snippets", "no_facets": "no facets",
                 "no_snippets": "no snippets"}  # fmt: skip


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _x(a: float | None, b: float | None) -> str:
    if a is None or not b:
        return "–"
    r = a / b
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x" if r < 100 else f"{r:.0f}x"


def _mb(n: int | float | None) -> str:
    return "–" if not n else f"{n / 1e6:.0f} MB"


def _ok(flag: bool) -> str:
    return "yes" if flag else "**no**"


def targets(r: dict) -> list[dict]:
    """Issue #6's targets, as measured in this run."""
    out = []
    lat = r.get("latency", {})
    if lat:
        w, f = lat["whoosh"]["full"]["p95"], lat["fts5"]["full"]["p95"]
        out.append({"target": "search p95 (facets + snippets) within 3x of FTS5",
                    "measured": f"{_ms(w)} ms vs {_ms(f)} ms", "ratio": w / f,
                    "ratio_text": _x(w, f), "met": w / f <= 3})  # fmt: skip
    ix = r.get("indexing", {})
    if ix:
        w = ix["whoosh"]["items_per_s"]
        f = ix["fts5"]["items_per_s"]
        out.append({"target": "indexing from text >= 1/3 of FTS5 items/s (FTS5 incl. analysis)",
                    "measured": f"{w:.0f} vs {f:.0f} items/s", "ratio": w / f,
                    "ratio_text": f"{w / f:.2f} (need 0.33)", "met": w / f >= 1 / 3})  # fmt: skip
        f2 = ix["fts5"].get("items_per_s_insert_only")
        if f2:
            out.append({"target": "  ... against FTS5 inserting pre-analysed tokens only",
                        "measured": f"{w:.0f} vs {f2:.0f} items/s", "ratio": w / f2,
                        "ratio_text": f"{w / f2:.2f} (need 0.33)", "met": w / f2 >= 1 / 3})
    pdf = r.get("pdf")
    if pdf:
        v = pdf["pages_per_s_extract"]
        out.append({"target": "PDF extraction >= 70 pages/s on both cores",
                    "measured": f"{v:.1f} pages/s ({pdf['pages']} pages, "
                                f"{pdf['seconds_extract']:.1f} s)",
                    "ratio": v / 70, "ratio_text": f"{v / 70:.2f} of target",
                    "met": v >= 70})  # fmt: skip
    nc = r.get("nochange")
    if nc:
        v = min(nc["nochange_seconds"])
        out.append({"target": f"no-change reindex of {nc['files']} files < 2 s",
                    "measured": f"{v:.2f} s (best of {len(nc['nochange_seconds'])}; worst "
                                f"{max(nc['nochange_seconds']):.2f} s)",
                    "ratio": v / 2, "ratio_text": f"{v / 2:.2f} of limit", "met": v < 2})
    http = r.get("http")
    if http:
        v = http["vm_hwm"]
        out.append({"target": "serving process < 500 MB RSS (peak, VmHWM)",
                    "measured": f"{_mb(v)} peak, {_mb(http['rss'])} at the end",
                    "ratio": v / 500e6, "ratio_text": f"{v / 500e6:.2f} of limit",
                    "met": v < 500e6})  # fmt: skip
    return out


def markdown(r: dict) -> str:
    size = r["size"]
    m = r["machine"]
    lines = [
        f"# Benchmark: {size:,} items{' (quick)' if r.get('quick') else ''}, {r['args']['date']}",
        "",
        f"Machine: {m.get('cpus')} cores, {m.get('mem_total_gb')} GB, load at start "
        f"{', '.join(f'{x:.2f}' for x in m.get('load_at_start', ()))}; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
        + f". Seed {r['args']['seed']}; {len(r['queries'])} queries; "
        f"{r.get('latency_rounds')} timed rounds in-process; run took {r['seconds'] / 60:.1f} min.",
        "",
        "All systems were measured in the same run, side by side (queries round-robin "
        "across systems); ratios are Whoosh / baseline, so 3.0x means Whoosh is three "
        "times slower.",
        "",
        "## Targets (issue #6)",
        "",
        "| target | measured | ratio | met |",
        "|---|---|---|---|",
    ]
    for t in targets(r):
        lines.append(f"| {t['target']} | {t['measured']} | {t['ratio_text']} | {_ok(t['met'])} |")
    lat = r.get("latency")
    if lat:
        lines += ["", "## Search latency, in-process, warm (ms)", "",
                  "| system | variant | p50 | p95 | p99 | mean | p50 / FTS5 | p95 / FTS5 "
                  "| p99 / FTS5 | p50 / tantivy | p95 / tantivy | p99 / tantivy |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for name in SYSTEMS:
            for v, label in VARIANT_NAMES.items():
                s = lat[name][v]
                f, t = lat["fts5"][v], lat["tantivy"][v]
                lines.append(
                    f"| {name} | {label} | {_ms(s['p50'])} | {_ms(s['p95'])} | {_ms(s['p99'])} "
                    f"| {_ms(s['mean'])} | {_x(s['p50'], f['p50'])} | {_x(s['p95'], f['p95'])} "
                    f"| {_x(s['p99'], f['p99'])} | {_x(s['p50'], t['p50'])} "
                    f"| {_x(s['p95'], t['p95'])} | {_x(s['p99'], t['p99'])} |"
                )
        lines += ["", "Facet and snippet costs, measured apart (mean ms a query: the full "
                  "search minus the search without them):", "",
                  "| system | facets cost (mean) | snippets cost (mean) | facets / FTS5's "
                  "| snippets / FTS5's |", "|---|---|---|---|---|"]  # fmt: skip
        costs = {}
        for name in SYSTEMS:
            full = lat[name]["full"]["mean"]
            costs[name] = (full - lat[name]["no_facets"]["mean"],
                           full - lat[name]["no_snippets"]["mean"])  # fmt: skip
        for name in SYSTEMS:
            fc, sc = costs[name]
            lines.append(f"| {name} | {_ms(fc)} | {_ms(sc)} | {_x(fc, costs['fts5'][0])} "
                         f"| {_x(sc, costs['fts5'][1])} |")  # fmt: skip
    http = r.get("http")
    if http and lat:
        s = http["latency"]
        f, t = lat["fts5"]["full"], lat["tantivy"]["full"]
        lines += ["", "## Search over HTTP: the real server (ms)", "",
                  f"{http['server']}; {http['requests']} requests ({http['rounds']} timed "
                  f"rounds after a warm-up pass), {http['errors']} not 200. Ratios against the "
                  "baselines' in-process full search (they have no server).", "",
                  "| | p50 | p95 | p99 | mean |", "|---|---|---|---|---|",
                  f"| whoosh, HTTP | {_ms(s['p50'])} | {_ms(s['p95'])} | {_ms(s['p99'])} "
                  f"| {_ms(s['mean'])} |",
                  f"| / FTS5 in-process | {_x(s['p50'], f['p50'])} | {_x(s['p95'], f['p95'])} "
                  f"| {_x(s['p99'], f['p99'])} | {_x(s['mean'], f['mean'])} |",
                  f"| / tantivy in-process | {_x(s['p50'], t['p50'])} | "
                  f"{_x(s['p95'], t['p95'])} | {_x(s['p99'], t['p99'])} "
                  f"| {_x(s['mean'], t['mean'])} |",
                  "", f"Server memory: {_mb(http['rss_idle'])} after start, "
                  f"{_mb(http['rss'])} after the run, peak (VmHWM) "
                  f"{_mb(http['vm_hwm'])}."]  # fmt: skip
    ix = r.get("indexing")
    if ix:
        f, t = ix["fts5"], ix["tantivy"]
        lines += ["", "## Indexing from text (each system in its own child process)", "",
                  "| system | items/s | seconds | / FTS5 | / tantivy | index on disk | "
                  "disk / FTS5 | peak RSS | RSS with items loaded |",
                  "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for name in SYSTEMS:
            s = ix[name]
            lines.append(
                f"| {name} | {s['items_per_s']:.0f} | {s['seconds']:.1f} "
                f"| {s['items_per_s'] / f['items_per_s']:.3f} "
                f"| {s['items_per_s'] / t['items_per_s']:.3f} | {_mb(s['size_bytes'])} "
                f"| {_x(s['size_bytes'], f['size_bytes'])} | {_mb(s['peak_rss'])} "
                f"| {_mb(s['rss_items_loaded'])} |"
            )
        if f.get("items_per_s_insert_only"):
            lines += ["", f"FTS5's time includes analysing title and text with the project's "
                      f"DanishAnalyzer ({f['analysis_seconds_warm']:.1f} s of it when timed "
                      f"alone, warm cache); inserting the pre-analysed tokens alone runs at "
                      f"{f['items_per_s_insert_only']:.0f} items/s. tantivy analyses with its "
                      f"own Rust analyzer on {t.get('threads', '?')} writer threads."]  # fmt: skip
    srss = r.get("search_rss")
    if srss:
        lines += ["", "## Memory of a searching process (child per system: open the index, "
                  "run the mix with facets and snippets)", "",
                  "| system | RSS opened | RSS after | peak |", "|---|---|---|---|"]  # fmt: skip
        for name in SYSTEMS:
            s = srss[name]
            lines.append(f"| {name} | {_mb(s['rss_opened'])} | {_mb(s['rss'])} "
                         f"| {_mb(s['vm_hwm'])} |")  # fmt: skip
    pdf, nc = r.get("pdf"), r.get("nochange")
    if pdf or nc:
        lines += ["", "## Reindexing from files (the project's `reindex`)", ""]
    if pdf:
        lines += [f"- PDF: {pdf['files']} generated meetings, {pdf['pages']} pages, "
                  f"{pdf['items']} items, {pdf['workers']} workers: extraction "
                  f"{pdf['seconds_extract']:.1f} s = **{pdf['pages_per_s_extract']:.1f} pages/s**; "
                  f"with indexing and publishing {pdf['seconds_total']:.1f} s = "
                  f"{pdf['pages_per_s_total']:.1f} pages/s. Failed files: "
                  f"{len(pdf['failed'])}. Peak RSS: parent {_mb(pdf['peak_rss'])}, "
                  f"largest worker {_mb(pdf['peak_rss_workers'])}."]  # fmt: skip
    if nc:
        times = ", ".join(f"{s:.2f}" for s in nc["nochange_seconds"])
        lines += [f"- No-change reindex of {nc['files']} small files ({nc['items']} items): "
                  f"**{min(nc['nochange_seconds']):.2f} s** best ({times} s); the first, full "
                  f"reindex took {nc['full_seconds']:.1f} s; one file changed: "
                  f"{nc['one_changed_seconds']:.2f} s ({nc['one_changed_written']} items "
                  "written)."]  # fmt: skip
    st = r.get("whoosh_stages")
    if st:
        lines += ["", "## Where Whoosh's search time goes (mean ms a query, facets + snippets)",
                  "", "Older results: the core's functions, timed by wrapping them; newer: the "
                  "stages the engine times itself (search(..., timings=True)):",
                  "", "| stage | ms | share |", "|---|---|---|"]  # fmt: skip
        labels = {
            "_columns": "per-generation column cache lookup",
            "_plan": "parse the query string",
            "_matching": "every match and its score, as arrays (execute.run_query)",
            "_filter_and_count": "facet filters and counts (numpy bincount)",
            "_run": "collect every match + facet counts",
            "_ordered": "order: the top of the scores, or the date ranks",
            "_item_of": "load stored item_json of the page",
            "snippet": "snippets (find the terms in the stored text, mark them)",
            "highlight_words": "terms to highlight",
            "_highlight_words": "terms to highlight",
            "suggest": "did-you-mean check",
            # The engine's own stages (whoosh_engine/engine.py):
            "columns": "per-generation column cache lookup",
            "match": "plan, parse, every match and its score (execute.run_query)",
            "facets": "facet filters and counts (numpy bincount)",
            "order": "order: the top of the scores, or the date ranks",
            "load": "load stored item_json of the page",
            "snippets": "snippets (find the terms in the stored text, mark them)",
            "other": "the rest (the searcher, terms to mark, the result)",
        }
        for name, label in labels.items():
            if name in st:
                lines.append(f"| {label} (`{name}`) | {_ms(st[name])} "
                             f"| {st[name] / st['total'] * 100:.0f} % |")  # fmt: skip
        lines.append(f"| total | {_ms(st['total'])} | 100 % |")
    prof = r.get("profile")
    if prof:
        lines += ["", f"## cProfile of the Whoosh search path ({prof['queries']} queries; "
                  f"ms a query; full listing in `{prof['file']}`)", "",
                  "| function | calls | own ms | cumulative ms |", "|---|---|---|---|"]  # fmt: skip
        for row in prof["by_tottime"][:15]:
            lines.append(f"| `{row['function']}` | {row['calls']} | {row['tottime_ms']:.2f} "
                         f"| {row['cumtime_ms']:.2f} |")  # fmt: skip
    ip = r.get("index_profile")
    if ip:
        lines += ["", f"## cProfile of Whoosh indexing ({ip['items']} items, "
                  f"{ip['items_per_s_profiled']:.0f} items/s under the profiler; ms an item; "
                  f"full listing in `{ip['file']}`)", "",
                  "| function | calls | own ms | cumulative ms |", "|---|---|---|---|"]  # fmt: skip
        for row in ip["top"][:15]:
            lines.append(f"| `{row['function']}` | {row['calls']} "
                         f"| {row['tottime_ms_per_item']:.2f} | {row['cumtime_ms_per_item']:.2f} |")
    per = r.get("per_query_p50")
    if per:
        lines += ["", "## Per query (p50 ms, facets + snippets; totals found)", "",
                  "| id | kind | query | found w / f / t | whoosh | fts5 | tantivy | w / f |",
                  "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for q in r["queries"]:
            tot = r["totals"].get(q["id"], {})
            w, f, t = (per[n].get(q["id"]) for n in SYSTEMS)
            found = " / ".join(str(tot.get(n, "–")) for n in SYSTEMS)
            text = describe(q).replace("|", "\\|")
            lines.append(f"| {q['id']} | {q['kind']} | {text} | {found} | {_ms(w)} "
                         f"| {_ms(f)} | {_ms(t)} | {_x(w, f)} |")  # fmt: skip
        lines += ["", "Totals differ where the systems analyse differently: Whoosh and FTS5 "
                  "share the project's analyzer (compound parts, æ/ø/å folding), but Whoosh "
                  "matches phrases on its unstemmed `exact` field while FTS5 uses NEAR over "
                  "stems (stop words are gone from its token string); tantivy has its own "
                  "analysis (no compound splitting, no folding)."]  # fmt: skip
    return "\n".join(lines) + "\n"


def summary(r: dict) -> str:
    out = [f"== {r['size']:,} items =="]
    lat = r.get("latency", {})
    for name in SYSTEMS:
        if name in lat:
            s = lat[name]["full"]
            out.append(f"  {name:8s} p50 {_ms(s['p50']):>6} p95 {_ms(s['p95']):>6} "
                       f"p99 {_ms(s['p99']):>6} ms")  # fmt: skip
    if "http" in r:
        s = r["http"]["latency"]
        out.append(f"  whoosh over HTTP p50 {_ms(s['p50'])} p95 {_ms(s['p95'])} "
                   f"p99 {_ms(s['p99'])} ms")  # fmt: skip
    for t in targets(r):
        out.append(f"  [{'ok' if t['met'] else 'NO'}] {t['target']}: {t['measured']} "
                   f"({t['ratio_text']})")  # fmt: skip
    return "\n".join(out)
