"""The only module that makes or reads JWTs.

The algorithm is fixed here (HS256 with the server secret) and never taken from a token's
header: ``alg: none`` and algorithm-confusion tokens (HS256 signed with a public key) fail.
Every claim we rely on is required: exp, iat, sub, aud, iss, jti, and ours: did (the
device) and lo (how many times that device had logged out when the token was issued, so a
logout ends the access tokens already handed out, not only the refresh tokens).
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from jose import JWTError, jwt

from backend.config import Settings
from backend.errors import Unauthorized
from backend.timeutil import utcnow

ALGORITHM = "HS256"
REQUIRED = ("exp", "iat", "sub", "aud", "iss", "jti")


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    device_pk: int
    logouts: int
    jti: str


def issue_access_token(settings: Settings, *, user_id: int, device_pk: int, logouts: int) -> str:
    now = utcnow()
    claims = {
        "sub": str(user_id),
        "did": device_pk,
        "lo": logouts,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=settings.access_token_minutes)).timestamp()),
        "aud": settings.jwt_audience,
        "iss": settings.jwt_issuer,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def read_access_token(settings: Settings, token: str) -> AccessClaims:
    """Verify signature, expiry, audience, issuer and the presence of every required claim."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("登录凭证无效", code="invalid_token")
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={f"require_{c}": True for c in REQUIRED},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("登录已过期，请重新登录", code="token_expired") from exc
    except JWTError as exc:
        raise Unauthorized("登录凭证无效", code="invalid_token") from exc
    try:
        return AccessClaims(
            user_id=int(claims["sub"]),
            device_pk=int(claims["did"]),
            logouts=int(claims["lo"]),
            jti=claims["jti"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise Unauthorized("登录凭证无效", code="invalid_token") from exc
