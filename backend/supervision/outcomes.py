"""A cadre's outcome in a round of spot checks.

A call that did not get through (未接通, ``reached`` false) is an attempt, not an outcome: a
supervisor who calls again and gets through has one result for that round. So within a
round, a cadre's outcome is the latest call that got through; a round with only attempts
is 未接通. A check recorded outside any round is a round of its own. Counting rounds, not
calls, keeps one bad line from listing a cadre for recall twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Call:
    check_id: str
    round_id: str | None
    at: datetime
    reached: bool
    on_post: bool | None


@dataclass
class RoundOutcome:
    round_id: str | None
    attempts: int  # calls that did not get through
    outcome: Call | None  # the latest call that did; None: 未接通
    last: Call  # the round's latest call

    @property
    def last_at(self) -> datetime:
        return self.last.at

    @property
    def reached(self) -> bool:
        return self.outcome is not None

    @property
    def not_on_post(self) -> bool:
        return self.outcome is not None and self.outcome.on_post is False

    @property
    def absent(self) -> bool:
        """Not reached in the round, or reached and not on post."""
        return self.outcome is None or self.outcome.on_post is False


def by_round(calls: Iterable[Call]) -> list[RoundOutcome]:
    """One cadre's calls folded into rounds, in the order of each round's first call."""
    rounds: dict[str, RoundOutcome] = {}
    for call in sorted(calls, key=lambda c: (c.at, c.check_id)):
        key = call.round_id or f"check:{call.check_id}"
        r = rounds.setdefault(key, RoundOutcome(call.round_id, 0, None, call))
        r.last = call
        if call.reached:
            r.outcome = call
        else:
            r.attempts += 1
    return list(rounds.values())
