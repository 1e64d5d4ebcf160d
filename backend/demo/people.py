"""Invented people for the demo county: names, ID numbers and families that hang together.

A family is drawn around its head (age, sex), then spouse, parents, children and
grandchildren with ages that fit; health, labour ability and schooling follow from age and
from the household's main cause of poverty, so an "illness" household has someone ill and a
"no labour" household has nobody who can work full time.
"""

import random
from bisect import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Generic, TypeVar

from backend.demo import vocab
from backend.records import idnumber

T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted draw, prepared once (``random.choices`` rebuilds its tables every call)."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = list(pairs)
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect(self.cum, rng.random() * self.total)]


surname = Weighted(vocab.SURNAMES)


class IdNumbers:
    """Hands out unique ID numbers of one region: birth date, sequence (odd for men), check."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._used: set[str] = set()

    def make(self, rng: random.Random, birth: date, male: bool) -> str:
        while True:
            n = rng.randrange(1, 999)
            if (n % 2 == 1) != male:
                n += 1
            first17 = f"{self.region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{n:03d}"
            if first17 not in self._used:
                self._used.add(first17)
                return first17 + idnumber.check_character(first17)


def given_name(rng: random.Random, male: bool, born: int) -> str:
    young = born >= 1985
    if male:
        chars = vocab.GIVEN_MALE_YOUNG if young else vocab.GIVEN_MALE_OLD
    else:
        chars = vocab.GIVEN_FEMALE_YOUNG if young else vocab.GIVEN_FEMALE_OLD
    if rng.random() < 0.2:
        return rng.choice(chars)
    return rng.choice(chars) + rng.choice(chars)


def full_name(rng: random.Random, family: str, male: bool, born: int) -> str:
    return family + given_name(rng, male, born)


_MOBILE_PREFIXES = (
    "133", "135", "136", "138", "139", "150", "151", "152", "157", "158",
    "159", "178", "180", "182", "183", "187", "188", "189", "199",
)  # fmt: skip


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(_MOBILE_PREFIXES)
    return f"{prefix}{rng.randrange(10**8):08d}"


@dataclass
class Person:
    relation: str
    male: bool
    birth: date
    age: int  # on the demo's today
    name: str = ""
    id_number: str = ""
    health: str = "healthy"
    labour: str = "none"
    schooling: str | None = None


def _person(rng: random.Random, today: date, relation: str, male: bool, age: int) -> Person:
    birth = today - timedelta(days=int(age * 365.25) + rng.randrange(365))
    exact = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return Person(relation, male, birth, exact)


# (below this age, draw from these)
_HEALTH_BY_AGE = (
    (50, Weighted([("healthy", 92), ("chronic", 5), ("serious", 1.5), ("disabled", 1.5)])),
    (65, Weighted([("healthy", 75), ("chronic", 18), ("serious", 4), ("disabled", 3)])),
    (999, Weighted([("healthy", 55), ("chronic", 33), ("serious", 7), ("disabled", 5)])),
)
_SCHOOLING_BY_AGE = (
    (40, Weighted([("none", 3), ("primary", 15), ("junior", 45), ("senior", 25), ("college", 12)])),
    (60, Weighted([("none", 10), ("primary", 40), ("junior", 38), ("senior", 10), ("college", 2)])),
    (999, Weighted([("none", 45), ("primary", 45), ("junior", 10)])),
)
_HOUSEHOLD_SIZE = Weighted([(1, 8), (2, 18), (3, 22), (4, 24), (5, 17), (6, 11)])


def _by_age(rng: random.Random, age: int, table: tuple[tuple[int, Weighted[str]], ...]) -> str:
    for upper, draw in table:
        if age < upper:
            return draw(rng)
    raise AssertionError(age)


def _schooling(rng: random.Random, age: int) -> str | None:
    if age < 3:
        return None
    if age < 6:
        return "preschool"
    if age <= 18:
        return "in_school"
    if age <= 22:
        return "in_school" if rng.random() < 0.45 else rng.choice(("junior", "senior"))
    return _by_age(rng, age, _SCHOOLING_BY_AGE)


def _labour(age: int, health: str, schooling: str | None) -> str:
    if age < 16 or schooling == "in_school" or health in ("serious", "disabled"):
        return "partial" if health == "disabled" and 16 <= age < 60 else "none"
    if age >= 70:
        return "none"
    if age >= 60 or health == "chronic":
        return "partial"
    return "full"


def _head_age(rng: random.Random, cause: str | None, size: int) -> int:
    if cause == "no_labour":
        return rng.randint(66, 88)
    if cause == "schooling":
        return rng.randint(38, 52)
    if size == 1:
        return rng.randint(40, 85)
    return rng.randint(28, 75)


def make_family(rng: random.Random, today: date, ids: IdNumbers, cause: str | None) -> list[Person]:
    """A household's members, head first; ``cause`` is its main cause of poverty, if poor."""
    if cause == "no_labour":
        size = rng.choice((1, 1, 2))
    elif cause == "schooling":
        size = rng.randint(3, 6)
    else:
        size = _HOUSEHOLD_SIZE(rng)
    head_age = _head_age(rng, cause, size)
    head_male = rng.random() < (0.6 if size == 1 else 0.88)
    head = _person(rng, today, "head", head_male, head_age)
    people = [head]
    spouse: Person | None = None
    if size >= 2 and (cause == "no_labour" or rng.random() < 0.88):
        spouse_age = max(20, head_age + rng.randint(-6, 3) * (1 if head_male else -1))
        spouse = _person(rng, today, "spouse", not head_male, spouse_age)
        people.append(spouse)
    if head_age <= 55 and len(people) < size and rng.random() < 0.35:
        father_age = head_age + rng.randint(24, 32)
        if father_age <= 90 and rng.random() < 0.6:
            people.append(_person(rng, today, "parent", True, father_age))
        if len(people) < size:
            mother_age = min(92, head_age + rng.randint(21, 30))
            people.append(_person(rng, today, "parent", False, mother_age))
    child_age = head_age - rng.randint(22, 32)
    if cause == "schooling":
        child_age = rng.randint(15, 21)
    grandchild_age = child_age - rng.randint(22, 30)
    while len(people) < size:
        if grandchild_age >= 0 and rng.random() < 0.5 and len(people) >= 3:
            people.append(_person(rng, today, "grandchild", rng.random() < 0.52, grandchild_age))
            grandchild_age -= rng.randint(1, 4)
        elif child_age >= 0:
            people.append(_person(rng, today, "child", rng.random() < 0.52, child_age))
            child_age -= rng.randint(1, 5)
        else:
            break  # no more plausible members: a smaller household than drawn

    family = surname(rng)
    # Children take the father's surname: the husband's where the head is a married woman.
    family_name = surname(rng) if not head_male and spouse is not None else family
    for p in people:
        born = p.birth.year
        if p.relation == "head" or (p.relation == "parent" and p.male):
            p.name = full_name(rng, family, p.male, born)
        elif p.relation in ("child", "grandchild"):
            p.name = full_name(rng, family_name, p.male, born)
        elif p.relation == "spouse" and p.male:
            p.name = full_name(rng, family_name, True, born)
        else:
            p.name = full_name(rng, surname(rng), p.male, born)
        p.id_number = ids.make(rng, p.birth, p.male)
        p.health = _by_age(rng, p.age, _HEALTH_BY_AGE)
        p.schooling = _schooling(rng, p.age)

    # The household's cause shows in its members.
    adults = [p for p in people if p.age >= 18] or people
    if cause == "illness" and all(p.health == "healthy" for p in people):
        rng.choice(adults).health = rng.choice(("chronic", "chronic", "serious"))
    if cause == "disability" and all(p.health != "disabled" for p in people):
        rng.choice(people).health = "disabled"
    for p in people:
        p.labour = _labour(p.age, p.health, p.schooling)
    return people
