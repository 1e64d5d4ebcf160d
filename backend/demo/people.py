"""Invented people for the demo county: names, ID numbers and families that hang together.

A family is drawn around its head (age, sex), then spouse, parents, children and
grandchildren with ages that fit; health, labour ability and schooling follow from age and
from the household's main cause of poverty, so an "illness" household has someone ill and a
"no labour" household has nobody who can work full time.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from backend.demo import vocab

# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

_SURNAMES = [s for s, _ in vocab.SURNAMES]
_SURNAME_CUM = list(accumulate(w for _, w in vocab.SURNAMES))


def id_check_digit(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643, ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_valid(number: str) -> bool:
    return (
        len(number) == 18
        and number[:17].isdigit()
        and id_check_digit(number[:17]) == number[17].upper()
    )


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
            first17 = f"{self.region}{birth:%Y%m%d}{n:03d}"
            if first17 not in self._used:
                self._used.add(first17)
                return first17 + id_check_digit(first17)


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]


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
    name: str = ""
    id_number: str = ""
    health: str = "healthy"
    labour: str = "none"
    schooling: str | None = None

    def age(self, today: date) -> int:
        years = today.year - self.birth.year
        return years - ((today.month, today.day) < (self.birth.month, self.birth.day))


def _birth(rng: random.Random, today: date, age: int) -> date:
    return today - timedelta(days=int(age * 365.25) + rng.randrange(365))


_HEALTH_BY_AGE = (
    (50, ("healthy", "chronic", "serious", "disabled"), (92.0, 5.0, 1.5, 1.5)),
    (65, ("healthy", "chronic", "serious", "disabled"), (75.0, 18.0, 4.0, 3.0)),
    (200, ("healthy", "chronic", "serious", "disabled"), (55.0, 33.0, 7.0, 5.0)),
)
_SCHOOLING_BY_AGE = (
    (40, ("none", "primary", "junior", "senior", "college"), (3.0, 15.0, 45.0, 25.0, 12.0)),
    (60, ("none", "primary", "junior", "senior", "college"), (10.0, 40.0, 38.0, 10.0, 2.0)),
    (200, ("none", "primary", "junior"), (45.0, 45.0, 10.0)),
)


def _by_age(
    rng: random.Random, age: int, table: tuple[tuple[int, tuple[str, ...], tuple[float, ...]], ...]
) -> str:
    for upper, values, weights in table:
        if age < upper:
            return rng.choices(values, weights)[0]
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
        size = rng.choices((1, 2, 3, 4, 5, 6), (8, 18, 22, 24, 17, 11))[0]
    head_age = _head_age(rng, cause, size)
    head_male = rng.random() < (0.6 if size == 1 else 0.88)
    head = Person("head", head_male, _birth(rng, today, head_age))
    people = [head]
    spouse: Person | None = None
    if size >= 2 and (cause == "no_labour" or rng.random() < 0.88):
        spouse_age = max(20, head_age + rng.randint(-6, 3) * (1 if head_male else -1))
        spouse = Person("spouse", not head_male, _birth(rng, today, spouse_age))
        people.append(spouse)
    if head_age <= 55 and len(people) < size and rng.random() < 0.35:
        father_age = head_age + rng.randint(24, 32)
        if father_age <= 90 and rng.random() < 0.6:
            people.append(Person("parent", True, _birth(rng, today, father_age)))
        if len(people) < size:
            mother_age = min(92, head_age + rng.randint(21, 30))
            people.append(Person("parent", False, _birth(rng, today, mother_age)))
    child_age = head_age - rng.randint(22, 32)
    if cause == "schooling":
        child_age = rng.randint(15, 21)
    grandchild_age = child_age - rng.randint(22, 30)
    while len(people) < size:
        if grandchild_age >= 0 and rng.random() < 0.5 and len(people) >= 3:
            people.append(
                Person("grandchild", rng.random() < 0.52, _birth(rng, today, grandchild_age))
            )
            grandchild_age -= rng.randint(1, 4)
        elif child_age >= 0:
            people.append(Person("child", rng.random() < 0.52, _birth(rng, today, child_age)))
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
        age = p.age(today)
        p.health = _by_age(rng, age, _HEALTH_BY_AGE)
        p.schooling = _schooling(rng, age)

    # The household's cause shows in its members.
    adults = [p for p in people if p.age(today) >= 18] or people
    if cause == "illness" and all(p.health == "healthy" for p in people):
        rng.choice(adults).health = rng.choice(("chronic", "chronic", "serious"))
    if cause == "disability" and all(p.health != "disabled" for p in people):
        rng.choice(people).health = "disabled"
    for p in people:
        p.labour = _labour(p.age(today), p.health, p.schooling)
    return people
