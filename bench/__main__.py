"""`python -m bench run [--size N ...] [--quick]`: see bench/README.md."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        print("commands: run (the benchmark; `python -m bench run --help`), "
              "compare (the engine against older code of its own; `--help`), "
              "growth OUT.md COMPARE.json... (the growth table of several compare runs), "
              "report RESULT.json... (rewrite the Markdown from the JSON), "
              "http RESULT.json (the server under load again, on the run's kept indexes; "
              "`--help`), "
              "ocr (pages/s of OCR on scanned samples, one process and both cores; `--help`)")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        from .run import main as run_main

        return run_main(rest)
    if command == "compare":
        from .compare import main as compare_main

        return compare_main(rest)
    if command == "growth":
        # The growth table of compare results of several runs: growth OUT.md RESULT.json...
        import json
        from pathlib import Path

        from .compare import growth

        out, results = Path(rest[0]), [json.loads(Path(n).read_text()) for n in rest[1:]]
        out.write_text(growth(results), encoding="utf-8")
        print(f"wrote {out}")
        return 0
    if command == "ocr":
        from .ocr import main as ocr_main

        return ocr_main(rest)
    if command == "http":
        from .run import http_again

        return http_again(rest)
    if command == "report":
        # Rewrite the Markdown of results/*.json (after report.py changed).
        import json
        from pathlib import Path

        from .report import markdown

        for name in rest:
            path = Path(name)
            result = json.loads(path.read_text(encoding="utf-8"))
            path.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
            print(f"wrote {path.with_suffix('.md')}")
        return 0
    print(f"unknown command {command!r}; try `python -m bench run --help`", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
