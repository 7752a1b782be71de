"""What the locust run leaves behind and how the runner reads it.

- The **samples** file: one JSON line per request, ``[started, name, method, milliseconds, bytes,
  error]``, written by the locustfile, so that percentiles over all pages (which locust's own CSV
  cannot combine across endpoints) are exact.
- The **edits** file: one JSON line per attempt to save an action or a progress return, with the
  token it wrote, the version (or earlier token) it was based on and what the site answered.

Request names that start with ``DOWNLOAD`` are report downloads, kept out of the pages' percentiles.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DOWNLOAD = "download"
SIGN_IN = "sign in"
YARDSTICK = "yardstick: the account page"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` from 0 to 1) of ``values``; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Summary:
    requests: int = 0
    failures: int = 0
    seconds: float = 0.0
    pages: list[float] = field(default_factory=list)
    downloads: list[float] = field(default_factory=list)
    by_name: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def times_of(self, name: str) -> list[float]:
        """The response times of the GETs named ``name``."""
        return self.by_name.get(f"GET {name}", [])

    def slowest(self, count: int = 8) -> list[tuple[str, int, float, float]]:
        """(name, requests, p95, max) of the endpoints with the highest 95th percentile."""
        rows = [(name, len(times), percentile(times, 0.95), max(times)) for name, times in self.by_name.items()]
        return sorted(rows, key=lambda row: row[2], reverse=True)[:count]


def read(path: Path) -> Summary:
    summary = Summary()
    first = last = None
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            started, name, method, milliseconds, _size, error = json.loads(line)
            summary.requests += 1
            key = f"{method} {name}"
            summary.by_name[key].append(milliseconds)
            (summary.downloads if name.startswith(DOWNLOAD) else summary.pages).append(milliseconds)
            if error:
                summary.failures += 1
                summary.errors[f"{key}: {error}"[:200]] += 1
            first = started if first is None else min(first, started)
            last = max(last or 0, started + milliseconds / 1000)
    summary.seconds = (last - first) if first is not None else 0.0
    return summary


def read_edits(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
