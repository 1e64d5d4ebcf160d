"""The county's policy book (口袋书, Suiyang): each policy with its standard, who qualifies,
how to apply and where to ask — what a cadre answers a household with on the spot.

Written by the county's admin (in the console), read and searched offline by every cadre:
the first county-wide type (no village of its own; see ``county_wide`` in the registry).
The policies are data, not code: the phone's bundle does not grow with them.
"""

from typing import Annotated

from backend.records.fields import Vocab, choice, text
from backend.records.models import DataSchema
from backend.records.registry import ADMIN, CADRE, RecordType, declare

# The 口袋书's chapters (Suiyang 《精准扶贫政策口袋书》).
POLICY_CATEGORY = Vocab(
    industry="产业扶持",
    social="社会扶贫",
    sector="行业扶贫",
    education="教育资助",
    finance="金融扶贫",
    employment="就业扶贫",
    security="社会保障",
    pairing="结对帮扶",
)


class PolicyData(DataSchema):
    category: Annotated[str, POLICY_CATEGORY] = choice("政策类别", "industry")
    title: str = text("政策名称", 100, min_length=1)
    standard: str | None = text("扶持标准", 2000, lines=True)
    eligible: str | None = text("享受对象", 1000, lines=True)
    how_to_apply: str | None = text("办理程序", 1000, lines=True)
    contact: str | None = text("咨询单位及电话", 200)
    source: str | None = text("政策依据", 200)


POLICY = declare(
    RecordType(
        name="policy",
        label="政策",
        schema=PolicyData,
        county_wide=True,
        writers=frozenset({ADMIN}),
        pulled_by=frozenset({CADRE}),
        title=("title",),
        export=("category", "title", "standard", "eligible", "how_to_apply", "contact", "source"),
    )
)
