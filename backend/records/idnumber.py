"""Resident ID numbers (GB 11643-1999): the check character, what the number says of its
holder (birth date, sex), and the masked form shown to roles that do not need the whole
number. The phone applies the same rules from the published schema."""

from datetime import date
from operator import mul

# Weights of the first 17 digits, and the check character for their sum mod 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
# Masking keeps the region (6) and the last two characters: enough to tell people apart.
MASK_KEEP = (6, 2)


def check_character(first17: str) -> str:
    """The 18th character of an ID number (ISO 7064 MOD 11-2)."""
    return CHECK[sum(map(mul, map(int, first17), WEIGHTS)) % 11]


def valid(number: str) -> bool:
    return (
        len(number) == 18
        and number[:17].isdigit()
        and check_character(number[:17]) == number[17].upper()
    )


def birth_date(number: str) -> date | None:
    """The birth date an ID number carries, or None when it is no real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def sex(number: str) -> str:
    """The 17th digit is odd for men."""
    return "male" if int(number[16]) % 2 else "female"


def mask(value: str | None) -> str | None:
    if not value:
        return value
    head, tail = MASK_KEEP
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]
