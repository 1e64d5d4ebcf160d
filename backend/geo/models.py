"""Geography: county → township → village → villager group, keyed by administrative code.

Codes are the national statistical division codes (county 6 digits, township 9, village 12;
a villager group is its village's code with a 3-digit suffix). They are stable, human
readable and what every county report uses, so they are the keys.
"""

from sqlmodel import Field, SQLModel


class County(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=6)
    name: str = Field(max_length=50)


class Township(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=9)
    county_code: str = Field(foreign_key="county.code", index=True, max_length=6)
    name: str = Field(max_length=50)


class Village(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=12)
    township_code: str = Field(foreign_key="township.code", index=True, max_length=9)
    name: str = Field(max_length=50)
    is_poor: bool = False


class VillagerGroup(SQLModel, table=True):
    __tablename__ = "villager_group"

    code: str = Field(primary_key=True, max_length=15)
    village_code: str = Field(foreign_key="village.code", index=True, max_length=12)
    name: str = Field(max_length=50)
