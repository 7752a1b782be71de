"""Whether the load run lost an update, read from the change history.

Every save the site accepted wrote a unique token into a text field (an action's resources, a
return's progress narrative). Two things must hold:

1. **Every accepted save is in the history**: a historical version of the object carries its token
   (for an action, at the version after the one the form was loaded at).
2. **No two accepted saves were based on the same version of the same object.** An action's form
   carries its version; a return's form carries its version when it has one, and otherwise the save
   counts as based on the token the form showed (or on none). Two accepted saves from the same base
   mean the second overwrote the first without its author having seen it: a lost update.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class Verdict:
    outcomes: dict[tuple[str, str], int] = field(default_factory=dict)
    missing: list[dict] = field(default_factory=list)
    lost: list[tuple[tuple, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.lost


def _basis(edit: dict) -> tuple:
    if edit["kind"] == "action":
        return ("action", edit["action"], "version", edit["version"])
    if edit.get("version"):
        return ("return", edit["action"], edit["quarter"], "version", str(edit["version"]))
    return ("return", edit["action"], edit["quarter"], "after", edit.get("previous"))


def _in_history(edit: dict) -> bool:
    from actionplans.models import Action, ProgressReturn
    from csp_portal.quarters import Quarter

    mark = f"[edit {edit['token']}]"
    if edit["kind"] == "action":
        return Action.history.filter(id=edit["action"], version=edit["version"] + 1, resources__contains=mark).exists()
    quarter = Quarter.parse(edit["quarter"])
    return ProgressReturn.history.filter(
        action_id=edit["action"], year=quarter.year, number=quarter.number, narrative__contains=mark
    ).exists()


def check(edits: list[dict]) -> Verdict:
    verdict = Verdict(outcomes=dict(Counter((edit["kind"], edit["outcome"]) for edit in edits)))
    saved = [edit for edit in edits if edit["outcome"] == "saved"]
    verdict.missing = [edit for edit in saved if not _in_history(edit)]
    by_basis: dict[tuple, list[str]] = defaultdict(list)
    for edit in saved:
        by_basis[_basis(edit)].append(edit["token"])
    verdict.lost = [(basis, tokens) for basis, tokens in by_basis.items() if len(tokens) > 1]
    return verdict
