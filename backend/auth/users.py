"""Creating accounts with their geographic assignments (CLI, demo, admin console)."""

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlmodel import Session, select

from backend.auth.models import Role, User, UserTownship, UserVillage
from backend.auth.passwords import hash_password
from backend.geo.models import County, Township, Village
from backend.xmltext import ONE_LINE


class UserInput(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=8, max_length=256)
    role: Role
    villages: list[str] = []
    townships: list[str] = []
    phone: str = Field(default="", max_length=20)
    display_name: str = Field(default="", max_length=50, pattern=ONE_LINE)
    county_code: str | None = None

    @field_validator("villages", "townships")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return sorted(set(v))


def create_user(
    session: Session, data: UserInput | dict, *, password_hash: str | None = None
) -> User:  # type: ignore[type-arg]
    """Validate and insert a user; raises ValueError with a message a person can act on."""
    try:
        data = data if isinstance(data, UserInput) else UserInput.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()))
        raise ValueError(f"{field}: {first.get('msg', 'invalid')}") from exc
    if session.exec(select(User).where(User.username == data.username)).first():
        raise ValueError(f"username {data.username} is taken")
    county = data.county_code
    if county is None:
        counties = session.exec(select(County.code)).all()
        if len(counties) != 1:
            raise ValueError(f"say which county (--county): there are {len(counties)}")
        county = counties[0]
    if data.role == Role.cadre and not data.villages:
        raise ValueError("a cadre needs --villages")
    if data.role != Role.cadre and data.villages:
        raise ValueError("only cadres are assigned villages")
    if data.role != Role.supervisor and data.townships:
        raise ValueError("only supervisors are assigned townships")
    for code in data.villages:
        v = session.get(Village, code)
        t = session.get(Township, v.township_code) if v else None
        if t is None or t.county_code != county:
            raise ValueError(f"unknown village {code}")
    for code in data.townships:
        t = session.get(Township, code)
        if t is None or t.county_code != county:
            raise ValueError(f"unknown township {code}")
    user = User(
        username=data.username,
        password_hash=password_hash or hash_password(data.password),
        display_name=data.display_name or data.username,
        role=data.role,
        phone=data.phone,
        county_code=county,
        county_wide=data.role == Role.admin
        or (data.role == Role.supervisor and not data.townships),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    session.add_all([UserVillage(user_id=user.id, village_code=c) for c in data.villages])
    session.add_all([UserTownship(user_id=user.id, township_code=c) for c in data.townships])
    session.flush()
    return user
