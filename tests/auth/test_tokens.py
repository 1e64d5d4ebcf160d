"""Access tokens: the server fixes the algorithm and requires every claim it relies on.

Each bad token is built here by hand (python-jose or raw base64) and must be refused with
401 in the one error shape on an authenticated endpoint.
"""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from backend.config import get_settings
from tests.conftest import County, login


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(obj: dict[str, Any]) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


def _hs256_by_hand(header: dict[str, Any], claims: dict[str, Any], key: bytes) -> str:
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    sig = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(sig)}"


def _sign(claims: dict[str, Any], key: str | None = None) -> str:
    return jwt.encode(claims, key or get_settings().secret_key, algorithm="HS256")


@pytest.fixture
def good_claims(client: httpx.Client, county: County) -> dict[str, Any]:
    """The claims of a real token of cadre_a on a registered device (sub and did are real)."""
    headers = login(client, "cadre_a")
    token = headers["Authorization"].removeprefix("Bearer ")
    return dict(jwt.get_unverified_claims(token))


def _get_me(client: httpx.Client, token: str) -> httpx.Response:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _assert_refused(r: httpx.Response, code: str = "invalid_token") -> None:
    assert r.status_code == 401, r.text
    body = r.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == code
    assert body["detail"]
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_made_like_the_servers_is_accepted(client, good_claims) -> None:
    # The control: the forging below, not something else, is what the refusals are about.
    r = _get_me(client, _sign(good_claims))
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "cadre_a"


def test_no_token_is_refused(client, county) -> None:
    _assert_refused(client.get("/api/v1/me"), code="unauthorized")


def test_garbage_token_is_refused(client, county) -> None:
    _assert_refused(_get_me(client, "not.a.jwt"))


def test_expired_token_is_refused(client, good_claims) -> None:
    now = int(time.time())
    claims = {**good_claims, "iat": now - 3600, "exp": now - 60}
    _assert_refused(_get_me(client, _sign(claims)), code="token_expired")


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_refused(client, good_claims, alg: str) -> None:
    token = f"{_segment({'alg': alg, 'typ': 'JWT'})}.{_segment(good_claims)}."
    _assert_refused(_get_me(client, token))


def test_hs256_signed_with_a_public_key_is_refused(client, good_claims) -> None:
    # Algorithm confusion: a server that verifies with "the key" and the token's own alg
    # would check an HS256 MAC made with its (public) RSA key. Ours fixes HS256 + its secret.
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = _hs256_by_hand({"alg": "HS256", "typ": "JWT"}, good_claims, pem)
    _assert_refused(_get_me(client, token))


def test_rs256_header_is_refused(client, good_claims) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    token = jwt.encode(good_claims, pem.decode(), algorithm="RS256")
    _assert_refused(_get_me(client, token))


def test_another_hmac_algorithm_with_the_right_secret_is_refused(client, good_claims) -> None:
    token = jwt.encode(good_claims, get_settings().secret_key, algorithm="HS512")
    _assert_refused(_get_me(client, token))


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "aud", "iss", "jti", "did", "lo"])
def test_a_token_missing_a_required_claim_is_refused(client, good_claims, claim: str) -> None:
    claims = {k: v for k, v in good_claims.items() if k != claim}
    _assert_refused(_get_me(client, _sign(claims)))


def test_wrong_audience_is_refused(client, good_claims) -> None:
    _assert_refused(_get_me(client, _sign({**good_claims, "aud": "someone-else"})))


def test_wrong_issuer_is_refused(client, good_claims) -> None:
    _assert_refused(_get_me(client, _sign({**good_claims, "iss": "evil"})))


def test_bad_signature_is_refused(client, good_claims) -> None:
    _assert_refused(_get_me(client, _sign(good_claims, key="another-secret-" + "y" * 40)))


def test_a_tampered_payload_is_refused(client, county, good_claims) -> None:
    # Keep cadre_a's signature but claim to be the admin.
    token = _sign(good_claims)
    header, _payload, sig = token.split(".")
    forged = {**good_claims, "sub": str(county.users["admin"])}
    _assert_refused(_get_me(client, f"{header}.{_segment(forged)}.{sig}"))


def test_a_token_for_another_users_device_is_refused(client, county, good_claims) -> None:
    # A well-signed token whose device belongs to someone else (the server's own secret
    # leaked into a test is the only way to make one, but the check must still hold).
    _assert_refused(_get_me(client, _sign({**good_claims, "sub": str(county.users["admin"])})))


def test_a_non_numeric_subject_is_refused(client, good_claims) -> None:
    _assert_refused(_get_me(client, _sign({**good_claims, "sub": "cadre_a"})))
