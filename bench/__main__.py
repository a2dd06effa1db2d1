"""The benchmark runner: `python -m bench` (or `make bench`) runs every scenario module,
`python -m bench NAME [NAME...]` only those.

A scenario module is bench/<name>.py (not starting with "_") exposing `run() -> dict`
(scenario -> numbers). Each module runs in a process of its own, so that modules may set
up Django as they need. Results go to bench/results.json:
{"machine": {"cores": n, "date": ..., ...}, "scenarios": {"<module>": run()'s dict}};
running some modules only updates their entries. A table of every number is printed.
"""
from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"


def discover() -> list[str]:
    """Module names under bench/ that define run()."""
    names = []
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "\ndef run(" in text:
            names.append(path.stem)
    return names


def machine() -> dict:
    return {
        "cores": os.cpu_count(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _child(name: str, out: str) -> int:
    """Run one module's run() in this process and write its result to `out`."""
    sys.path.insert(0, str(ROOT))
    module = importlib.import_module(f"bench.{name}")
    result = module.run()
    if not isinstance(result, dict):
        raise TypeError(f"bench.{name}.run() returned {type(result).__name__}, not dict")
    Path(out).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


def run_module(name: str) -> tuple[dict, float]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        out = Path(directory) / "result.json"
        process = subprocess.run(
            [sys.executable, "-m", "bench", "--child", name, "--out", str(out)], cwd=ROOT
        )
        elapsed = time.monotonic() - started
        if process.returncode != 0 or not out.exists():
            return {"error": f"exit code {process.returncode}"}, elapsed
        return json.loads(out.read_text(encoding="utf-8")), elapsed


def _flatten(prefix: str, value, rows: list) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, rows)
    else:
        rows.append((prefix, value))


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.1f}"
    if isinstance(value, list):
        text = json.dumps(value)
        return text if len(text) <= 24 else f"[{len(value)} items]"
    return str(value)


def table(scenarios: dict) -> str:
    rows: list = []
    for module, result in scenarios.items():
        for key, value in _flatten_items(result):
            rows.append((module, key, _format(value)))
    if not rows:
        return "(no results)"
    widths = [max(len(row[i]) for row in rows + [("module", "metric", "value")]) for i in range(3)]
    lines = [
        f"{'module':<{widths[0]}}  {'metric':<{widths[1]}}  {'value':>{widths[2]}}",
        f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * widths[2]}",
    ]
    for module, key, value in rows:
        lines.append(f"{module:<{widths[0]}}  {key:<{widths[1]}}  {value:>{widths[2]}}")
    return "\n".join(lines)


def _flatten_items(result) -> list:
    rows: list = []
    _flatten("", result, rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="modules to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the modules and exit")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        try:
            return _child(args.child, args.out)
        except Exception:
            traceback.print_exc()
            return 1

    available = discover()
    if args.list:
        print("\n".join(available))
        return 0
    unknown = [name for name in args.names if name not in available]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(available)}")
        return 2
    names = args.names or available

    previous: dict = {}
    if args.names and RESULTS.exists():
        try:
            previous = json.loads(RESULTS.read_text(encoding="utf-8")).get("scenarios", {})
        except ValueError:
            previous = {}
    scenarios = dict(previous)
    failed = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        result, elapsed = run_module(name)
        scenarios[name] = result
        status = "FAILED" if "error" in result else "done"
        print(f"== bench.{name} {status} in {elapsed:.1f} s", flush=True)
        if "error" in result:
            failed.append(name)

    report = {"machine": machine(), "scenarios": scenarios}
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(f"Machine: {report['machine']['cores']} cores, {report['machine']['date']}")
    print(table({name: scenarios[name] for name in names}))
    print(f"\nWritten to {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
