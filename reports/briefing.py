"""What the dashboard and the issuing page read out of a snapshot (``snapshot.build``): the RAG bar
of each priority, the actions the board should look at, and what is still missing before a
quarter's report is issued. Plain data in, plain data out: no database."""

from __future__ import annotations

from dataclasses import dataclass

from .snapshot import RAG_LABELS, RAG_ORDER

BAR_STEPS = 20  # a segment's width is its share of the bar in twentieths (static/src/_reports.scss)


def rag_bar(counts: dict[str, int]) -> list[dict]:
    """The segments of a RAG bar, one per category with actions, each with its label and count as
    text and its share of the bar (at least one step, so that every segment shows)."""
    total = counts.get("total", 0)
    return [
        {
            "rag": rag,
            "label": RAG_LABELS[rag],
            "count": counts[rag],
            "share": max(1, round(BAR_STEPS * counts[rag] / total)),
        }
        for rag in RAG_ORDER
        if counts.get(rag)
    ]


def _bar_row(title: str, counts: dict[str, int], priority: dict | None = None) -> dict:
    return {
        "number": priority["number"] if priority else None,
        "id": priority["id"] if priority else None,
        "title": title,
        "total": counts["total"],
        "segments": rag_bar(counts),
    }


def rag_bars(report: dict) -> list[dict]:
    """Each priority with its bar, then the bar of all priorities."""
    rows = [_bar_row(p["title"], p["counts"], p) for p in report["priorities"]]
    return [*rows, _bar_row("All priorities", report["summary"]["counts"])]


def to_look_at(report: dict) -> list[dict]:
    """The red actions and those whose RAG worsened since last quarter, with their priority."""
    return [
        {**action, "priority": priority["title"], "priority_number": priority["number"]}
        for priority in report["priorities"]
        for action in priority["actions"]
        if action["rag"] == "red" or action["change"] == "worsened"
    ]


@dataclass
class Missing:
    """What a quarter's report would go to the board without."""

    owed: list[dict]  # actions whose return is still owed
    waiting: list[dict]  # actions whose return is submitted, not yet accepted
    undecided: list[dict]  # escalations the board has not decided

    @property
    def count(self) -> int:
        return len(self.owed) + len(self.waiting) + len(self.undecided)


def missing(report: dict) -> Missing:
    actions = [action for priority in report["priorities"] for action in priority["actions"]]
    return Missing(
        owed=[action for action in actions if action["outstanding"]],
        waiting=[action for action in actions if (action["this_quarter"] or {}).get("status") == "submitted"],
        undecided=[item for item in report["decisions_required"] if not item["decided"]],
    )
