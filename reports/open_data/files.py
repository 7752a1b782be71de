"""The open data files, written from a dataset's declaration: CSV (UTF-8, a header row of the column
names, CRLF line ends) and JSON (the licence, the dataset's name and columns, then its rows as
objects keyed by the column names).

A file is streamed as it is read, and kept in the cache under a key naming the dataset's state (the
publications, and the data's latest change), so the next asker is served it in the few queries that
name it; a file past CACHE_LIMIT is streamed every time rather than held in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

from csp_portal.exports import neutralise

from .datasets import LICENCE, Dataset

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CACHE_SECONDS = 10 * 60  # bounds how long a change the state cannot see (a council renamed) waits
CACHE_LIMIT = 8 * 1024 * 1024  # bytes: a larger file is streamed each time, never held whole
ROWS_PER_CHUNK = 500


def _decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 95.000 -> 95, 12.500 -> 12.5, never 1E+2


def csv_cell(value, kind: str) -> str:
    """A value as the CSV writes it: text a spreadsheet would take for a formula kept as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m}" if kind == "month" else value.isoformat()
    return neutralise(str(value)) if kind == "string" else str(value)


def json_value(value, kind: str):
    """A value as the JSON writes it: numbers as numbers, dates and months as their ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m}" if kind == "month" else value.isoformat()
    return value


def _chunks(rows: Iterable[dict]) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == ROWS_PER_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def csv_file(dataset: Dataset, rows: Iterable[dict]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.column_names)
    for chunk in _chunks(rows):
        writer.writerows([[csv_cell(row[c.name], c.type) for c in dataset.columns] for row in chunk])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()  # the header alone, for a file with no rows


def about(dataset: Dataset) -> dict:
    """Everything the JSON file says before its rows."""
    about = {"licence": LICENCE, "dataset": dataset.name, "title": dataset.title, "description": dataset.description}
    if dataset.source:
        about["source"] = dataset.source
    about["documentation"] = f"/open-data/#{dataset.name}"
    about["columns"] = [{"name": c.name, "type": c.type, "description": c.description} for c in dataset.columns]
    return about


def json_file(dataset: Dataset, rows: Iterable[dict]) -> Iterator[bytes]:
    yield (json.dumps(about(dataset), ensure_ascii=False)[:-1] + ', "rows": [\n').encode()
    separator = ""
    for chunk in _chunks(rows):
        objects = [{c.name: json_value(row[c.name], c.type) for c in dataset.columns} for row in chunk]
        yield (separator + ",\n".join(json.dumps(o, ensure_ascii=False) for o in objects)).encode()
        separator = ",\n"
    yield b"\n]}\n"


WRITERS = {"csv": csv_file, "json": json_file}


def _kept(key: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks as they come, keeping the whole file in the cache once sent, if it is small enough."""
    kept: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        yield chunk
        if kept is not None:
            size += len(chunk)
            if size > CACHE_LIMIT:
                kept = None
            else:
                kept.append(chunk)
    if kept is not None:
        cache.set(key, b"".join(kept), CACHE_SECONDS)


def filename(dataset: Dataset, file_format: str, slug: str | None) -> str:
    return f"{slug}-{dataset.name}.{file_format}" if slug else f"{dataset.name}.{file_format}"


def response(dataset: Dataset, file_format: str, slug: str | None, state) -> HttpResponse | StreamingHttpResponse:
    """The file, from the cache when its state has not changed since it was written, else streamed
    from the database (and kept)."""
    key = f"open-data:{dataset.name}:{file_format}:{slug or '*'}:{state.key}"
    body = cache.get(key)
    if body is None:
        chunks = WRITERS[file_format](dataset, dataset.rows(slug))
        answer = StreamingHttpResponse(_kept(key, chunks), content_type=FORMATS[file_format])
    else:
        answer = HttpResponse(body, content_type=FORMATS[file_format])
    disposition = "attachment" if file_format == "csv" else "inline"
    answer["Content-Disposition"] = f'{disposition}; filename="{filename(dataset, file_format, slug)}"'
    answer["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    answer["Access-Control-Allow-Origin"] = "*"  # open data: any site's scripts may read it (no cookies sent)
    if state.last_modified is not None:
        answer["Last-Modified"] = http_date(state.last_modified.timestamp())
    return answer
