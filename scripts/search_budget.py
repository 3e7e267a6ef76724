#!/usr/bin/env python3
"""Expensive searches must not stall cheap ones (issue #14).

    python scripts/search_budget.py [--clients 10] [--duration 60] [--write-doc]

On 127.0.0.1, in a temporary folder: an index of samples/ and a generated corpus (about
300 items, scripts/loadtest.py's), `searchapp serve` (waitress, 4 threads; rate limits
off, so that only the cost budget is measured). Then:

1. candidates for the most expensive query that fits the 500 characters of the search
   box (two-letter prefixes joined with OR, one-letter prefixes, prefixes ANDed, many
   phrases, many words ORed) are timed alone; the slowest is "the expensive query";
2. a cheap query (`q=budget`) alone, for --baseline seconds, one client;
3. --duration seconds of --clients clients sending the expensive query back to back,
   while one client sends the cheap query every 0.2 s;
4. 12 expensive requests each abandoned by its client after 50 ms, and then the cheap
   query: how long it waits, and how much CPU the server spent meanwhile.

Pass: the cheap query's p95 under 1 s during (3), no request of (3) answered after the
deadline (`limits.search_seconds`, 3 s) plus 1 s of queueing and transfer, and (4)'s
cheap query under 1 s. Exit 0 on pass, 1 on fail, 2 when it could not start.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "scripts"))

from kill_reindex import write_doc  # noqa: E402
from loadtest import _env, free_port, generate_corpus, machine, percentile  # noqa: E402
from slowloris import start_app, stop, wait_for  # noqa: E402

HOST = "127.0.0.1"
DEADLINE = 3.0  # limits.search_seconds, the default
CHEAP = "/api/search?q=budget"
# Frequent beginnings of Danish words: each expands to many terms.
PAIRS = ("ko re be af ud til fo sa st ka de ov an ha mo in vi pr pl he ge ar ve an ti "
         "op fr ma bo so te ne la li sk mi sy by gr tr ho ek er em en fa fi hu ja ku le "
         "lo me mu na ni no om pa pe po ra ri ro ru se si sl sm sn sp su ta to ty un va "
         "vu ak al am ar as au ba bi bl br bu da di do dr du ef el et ev").split()


def fit(parts: list[str], joiner: str, limit: int = 500) -> str:
    out = ""
    for part in parts:
        nxt = part if not out else out + joiner + part
        if len(nxt) > limit:
            break
        out = nxt
    return out


def candidates() -> dict[str, str]:
    words = ("kommune budget borger plan skole ældre region klima sundhed trafik "
             "erhverv beskæftigelse udvalg byråd ").split()  # fmt: skip
    return {
        "two-letter prefixes ORed": fit([p + "*" for p in PAIRS], " OR "),
        "one-letter prefixes ORed": fit([c + "*" for c in "abdefghijklmnoprstuv"], " OR "),
        "two-letter prefixes": fit([p + "*" for p in PAIRS], " "),
        "phrases ORed": fit([f'"{a} {b}"' for a in words for b in words], " OR "),
        "words ORed": fit(words * 10, " OR "),
        # The most just under what the app counts as heavy (web/budget.py), which is
        # never turned away.
        "the most prefixes and words that are not heavy": largest_light(words),
    }


def largest_light(words: list[str]) -> str:
    from searchapp.web.budget import is_heavy

    parts = [p + "*" for p in PAIRS[:4]]
    for word in words * 3:
        if is_heavy(" OR ".join(parts + [word])) or len(" OR ".join(parts + [word])) > 500:
            break
        parts.append(word)
    return " OR ".join(parts)


def get(port: int, path: str, timeout: float = 30) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def search_path(q: str) -> str:
    return "/api/search?q=" + quote(q)


def abandon(port: int, path: str, after: float) -> None:
    """Send a request and close the connection `after` seconds later, unread."""
    s = socket.create_connection((HOST, port))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    time.sleep(after)
    s.close()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def under_load(port: int, expensive: str, args) -> tuple[list, list]:
    """--clients clients sending `expensive` back to back for --duration seconds, and
    the cheap query every 0.2 s: (the expensive answers, the cheap ones)."""
    heavy: list[tuple[int, float]] = []
    cheap: list[tuple[int, float]] = []
    stop_at = time.monotonic() + args.duration

    def hammer():
        while time.monotonic() < stop_at:
            try:
                heavy.append(get(port, expensive))
            except OSError:
                heavy.append((0, 0.0))

    threads = [threading.Thread(target=hammer) for _ in range(args.clients)]
    for t in threads:
        t.start()
    time.sleep(1)
    while time.monotonic() < stop_at:
        try:
            cheap.append(get(port, CHEAP))
        except OSError:
            cheap.append((0, 0.0))
        time.sleep(0.2)
    for t in threads:
        t.join(60)
    return heavy, cheap


def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="budget-"))
    app = None
    log = open(work / "server.log", "wb")
    try:
        sources = work / "generated"
        items = generate_corpus(sources, args.meetings, 7)
        config = work / "config.toml"
        config.write_text(
            f'[sources]\npaths = ["{PROJECT / "samples"}", "{sources}"]\n'
            '[index]\npath = "index"\n[limits]\napi = ""\npages = ""\n'
            f"search_seconds = {int(DEADLINE)}\n",
            encoding="utf-8",
        )
        import subprocess

        done = subprocess.run([sys.executable, "-m", "searchapp", "reindex", "--config",
                               str(config), "--quiet"], env=_env(), capture_output=True,
                              text=True)  # fmt: skip
        if done.returncode not in (0, 1):
            raise RuntimeError(f"reindex failed: {done.stderr}")
        port = free_port()
        app = start_app(config, port, False, log)
        wait_for(port)
        get(port, CHEAP)  # warm the caches

        alone: dict[str, tuple[int, float]] = {}
        for name, q in candidates().items():
            runs = [get(port, search_path(q)) for _ in range(3)]
            alone[name] = (runs[-1][0], min(t for _, t in runs))
        from searchapp.web.budget import is_heavy

        heavy_names = [n for n in alone if is_heavy(candidates()[n])]
        light_names = [n for n in alone if n not in heavy_names]
        chosen = [max(names, key=lambda n: alone[n][1])
                  for names in (heavy_names, light_names) if names]  # fmt: skip

        baseline = []
        until = time.monotonic() + args.baseline
        while time.monotonic() < until:
            baseline.append(get(port, CHEAP)[1])
            time.sleep(0.2)

        loads = {name: under_load(port, search_path(candidates()[name]), args)
                 for name in chosen}  # fmt: skip
        expensive = search_path(candidates()[chosen[0]])

        time.sleep(2)
        cpu_before = cpu_seconds(app.pid)
        started = time.monotonic()
        abandoners = [threading.Thread(target=abandon, args=(port, expensive, 0.05))
                      for _ in range(12)]  # fmt: skip
        for t in abandoners:
            t.start()
        for t in abandoners:
            t.join()
        status_after, after = get(port, CHEAP)
        time.sleep(DEADLINE + 1)
        cpu_spent = cpu_seconds(app.pid) - cpu_before
        wall = time.monotonic() - started
        return {"items": items, "alone": alone, "loads": loads, "heavy_names": heavy_names,
                "baseline": baseline,
                "after_abandoned": (status_after, after), "abandon_cpu": cpu_spent,
                "abandon_wall": wall}  # fmt: skip
    finally:
        stop(app)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def render(r: dict, args, load: str) -> tuple[str, bool]:
    base = sorted(r["baseline"])
    ok = r["after_abandoned"][0] == 200 and r["after_abandoned"][1] < 1.0
    lines = [
        f"Run {datetime.now(UTC).isoformat(timespec='seconds')} on {machine()}, load average "
        f"{load} before the run; `python scripts/search_budget.py --clients {args.clients} "
        f"--duration {args.duration:g}`; index of {r['items']} generated items and samples/; "
        f"`searchapp serve` (4 threads), deadline {DEADLINE:g} s, rate limits off.",
        "",
        "Candidates for the most expensive query (500 characters at most), alone, best of 3 "
        "(heavy: more than 4 prefixes or 24 words, one at a time):",
        "",
        "| query | heavy | status | ms |",
        "|---|---|---:|---:|",
        *[f"| {name} | {'yes' if name in r['heavy_names'] else 'no'} | {s} | {t * 1000:.0f} |"
          for name, (s, t) in r["alone"].items()],
        "",
        f"- cheap query (`{CHEAP}`) alone: {len(base)} requests, p50 "
        f"{percentile(base, 50) * 1000:.0f} ms, p95 {percentile(base, 95) * 1000:.0f} ms",
    ]  # fmt: skip
    for name, (heavy, cheap) in r["loads"].items():
        cheap_ok = sorted(t for s, t in cheap if s == 200)
        cheap_failed = sum(1 for s, _ in cheap if s != 200)
        heavy_times = sorted(t for _, t in heavy)
        late = sum(1 for t in heavy_times if t > DEADLINE + 1.0)
        p95 = percentile(cheap_ok, 95)
        ok = ok and not cheap_failed and p95 < 1.0 and late == 0
        lines += [
            f"- {args.clients} clients sending \"{name}\" back to back for {args.duration:g} s:",
            f"  - the cheap query: {len(cheap_ok)} requests ({cheap_failed} failed), p50 "
            f"{percentile(cheap_ok, 50) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max "
            f"{max(cheap_ok, default=0) * 1000:.0f} ms ({p95 / max(percentile(base, 95), 1e-9):.0f}"
            "x its p95 alone)",
            f"  - the expensive requests: {len(heavy_times)}, statuses "
            f"{dict(Counter(s for s, _ in heavy))}, p50 {percentile(heavy_times, 50) * 1000:.0f} "
            f"ms, p95 {percentile(heavy_times, 95) * 1000:.0f} ms, max "
            f"{max(heavy_times, default=0) * 1000:.0f} ms; answered later than the deadline + "
            f"1 s: {late}",
        ]  # fmt: skip
    lines += [
        f"- 12 expensive requests abandoned after 50 ms, then the cheap query: "
        f"{r['after_abandoned'][1] * 1000:.0f} ms (status {r['after_abandoned'][0]}); the "
        f"server's CPU meanwhile: {r['abandon_cpu']:.2f} s in {r['abandon_wall']:.1f} s",
        "",
        f"Result: **{'PASS' if ok else 'FAIL'}** (cheap p95 under 1 s, none past the deadline, "
        "the cheap query after the abandoned ones under 1 s)",
    ]
    return "\n".join(lines), ok


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=10)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--baseline", type=float, default=10)
    p.add_argument("--meetings", type=int, default=30)
    p.add_argument("--write-doc", action="store_true")
    args = p.parse_args(argv)
    args.duration = min(args.duration, 1800)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    try:
        result = run(args)
    except RuntimeError as exc:
        print(f"could not start: {exc}", file=sys.stderr)
        return 2
    section, ok = render(result, args, load)
    print(section)
    if args.write_doc:
        write_doc(section, marker="search-budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
