"""A small HTTP load generator, run as its own process by bench/http_*.py:

    python -m bench._loadgen --url http://127.0.0.1:PORT/path --seconds 10 --threads 4

Each thread sends GET requests one after another for a fixed time (closed loop) with
http.client, reconnecting when the server closes the connection. Prints JSON: requests,
errors, status counts, requests/s and latency percentiles (ms) of the answered requests.
"""
from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def _worker(host: str, port: int, path: str, deadline: float, out: dict, lock) -> None:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    connection = None
    while time.monotonic() < deadline:
        if connection is None:
            connection = http.client.HTTPConnection(host, port, timeout=10)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept-Language": "vi"})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = None
            continue
        latencies.append(time.perf_counter() - started)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.will_close:
            connection.close()
            connection = None
    if connection is not None:
        connection.close()
    with lock:
        out["latencies"].extend(latencies)
        out["errors"] += errors
        for status, count in statuses.items():
            out["statuses"][status] = out["statuses"].get(status, 0) + count


def generate(url: str, seconds: float, threads: int) -> dict:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    out: dict = {"latencies": [], "errors": 0, "statuses": {}}
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds
    pool = [
        threading.Thread(
            target=_worker, args=(parts.hostname, parts.port or 80, path, deadline, out, lock)
        )
        for _ in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(out["latencies"])
    ok = out["statuses"].get(200, 0)
    return {
        "requests": len(latencies),
        "ok_200": ok,
        "non_200": len(latencies) - ok,
        "errors": out["errors"],
        "seconds": round(elapsed, 2),
        "threads": threads,
        "requests_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    print(json.dumps(generate(args.url, args.seconds, args.threads)))


if __name__ == "__main__":
    main()
