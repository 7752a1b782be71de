"""Hypothesis strategies for fuzzing file imports: a valid table with cells, headings and rows
changed, the bytes of a valid file broken (BOMs, other delimiters, NUL bytes, truncation, other
encodings), and plain random bytes. Plus the row counts that show whether an import wrote anything."""

from __future__ import annotations

from django.db import connection
from hypothesis import strategies as st

# Cell values that have broken parsers before: numbers too big for any column, non-numbers that
# Decimal accepts, dates that are nearly dates, formulas, markup, control and wide characters.
AWKWARD_CELLS = [
    "",
    " ",
    "0",
    "-1",
    "1e30",
    "9" * 40,
    "NaN",
    "Infinity",
    "-0",
    "1,000,000,000,000",
    "£",
    "31/02/2025",
    "2025-13-01",
    "0000-00-00",
    "99999-01-01",
    '=HYPERLINK("http://example.org")',
    '<script>alert("x")</script>',
    "\x00",
    "a\x00b",
    "\u202e\u200b\ufeff",
    "😀" * 50,
    "x" * 5000,
    "\r\n\r\n",
    ";;;",
    "True",
    "None",
]

cell_text = st.one_of(
    st.sampled_from(AWKWARD_CELLS),
    st.text(max_size=60),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)


@st.composite
def table_edits(draw, columns: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """A valid table (headings and rows of cells) with a few edits: cells replaced, headings dropped,
    duplicated, renamed or added, rows emptied, duplicated or removed."""
    columns, rows = list(columns), [list(row) for row in rows]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        kind = draw(
            st.sampled_from(
                [
                    "cell",
                    "cell",
                    "cell",
                    "drop heading",
                    "duplicate heading",
                    "rename heading",
                    "add column",
                    "empty row",
                    "duplicate row",
                    "remove rows",
                    "short row",
                    "long row",
                ]
            )
        )
        if kind == "cell" and rows:
            row = draw(st.integers(0, len(rows) - 1))
            if rows[row]:
                rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(cell_text)
        elif kind == "drop heading" and columns:
            index = draw(st.integers(0, len(columns) - 1))
            del columns[index]
            for row in rows:
                if index < len(row):
                    del row[index]
        elif kind == "duplicate heading" and columns:
            index = draw(st.integers(0, len(columns) - 1))
            columns.append(columns[index])
            for row in rows:
                row.append(row[index] if index < len(row) else "")
        elif kind == "rename heading" and columns:
            columns[draw(st.integers(0, len(columns) - 1))] = draw(cell_text)
        elif kind == "add column":
            columns.append(draw(st.sampled_from(["Budget", "Target value", "Indicator", "Status", "Due date"])))
            for row in rows:
                row.append(draw(cell_text))
        elif kind == "empty row":
            rows.insert(draw(st.integers(0, len(rows))), [""] * len(columns))
        elif kind == "duplicate row" and rows:
            rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))
        elif kind == "remove rows":
            rows = rows[: draw(st.integers(0, len(rows)))]
        elif kind == "short row" and rows:
            row = draw(st.integers(0, len(rows) - 1))
            rows[row] = rows[row][: draw(st.integers(0, len(rows[row])))]
        elif kind == "long row" and rows:
            rows[draw(st.integers(0, len(rows) - 1))].extend(draw(st.lists(cell_text, min_size=1, max_size=3)))
    return columns, rows


@st.composite
def broken_csv(draw, valid: bytes) -> bytes:
    """The bytes of a valid CSV file, broken in a few of the ways files arrive broken."""
    data = valid
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["bom", "delimiter", "nul", "truncate", "encoding", "splice", "line endings"]))
        if kind == "bom":
            data = (
                draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf"])) + data
            )
        elif kind == "delimiter":
            data = data.replace(b",", draw(st.sampled_from([b";", b"\t", b"|", b'"', b""])))
        elif kind == "nul":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + b"\x00" * draw(st.integers(1, 3)) + data[at:]
        elif kind == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "encoding":
            data = data.decode("utf-8", "replace").encode(
                draw(st.sampled_from(["utf-16", "latin-1", "cp1252"])), "replace"
            )
        elif kind == "splice":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(max_size=40)) + data[at:]
        elif kind == "line endings":
            data = data.replace(b"\n", draw(st.sampled_from([b"\r", b"\r\n", b"\n\n", b"\x85"])))
    return data


def random_bytes() -> st.SearchStrategy[bytes]:
    """Random bytes, some of them starting like a real CSV or a zip (an .xlsx is a zip)."""
    return st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=500).map(lambda b: b"Action,Activity\r\n" + b),
    )


def row_counts(tables: list[str]) -> dict[str, int]:
    """Rows in each table, counted in SQL so that no manager hides archived or other rows."""
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # names come from the test, never from input
            counts[table] = cursor.fetchone()[0]
    return counts
