"""The portal's signing key: it signs the short-lived JWTs the services accept, and its
public half is served as a JWKS at `/.well-known/jwks.json`.

Ed25519 (`EdDSA`) by default; an EC P-256 key (`ES256`) is taken too. The key id (`kid`)
is the RFC 7638 thumbprint of the public key, so a new key is told apart at once by the
services' `mip.core.jwks.JwksCache`. The cookie and CSRF secrets are derived from the
private key (HMAC under a label), so one secret is all the portal keeps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from mip.core.auth import Role, token_claims, valid_address
from mip.core.settings import Settings

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


def generate_pem() -> bytes:
    """A new Ed25519 private key, PEM (PKCS#8), for `mip dev` and development."""
    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def keep_key_file(path: Path) -> Path:
    """The key at `path`, made (readable by its owner only) if it is not there yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(generate_pem())
    return path


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKeys:
    private: PrivateKey
    algorithm: str
    kid: str
    public_jwk: dict[str, Any]
    _secret: bytes

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKeys:
        key = serialization.load_pem_private_key(pem, password=None)
        if isinstance(key, ed25519.Ed25519PrivateKey):
            jwk = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
            algorithm = "EdDSA"
        elif isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1":
            jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
            algorithm = "ES256"
        else:
            raise ValueError("the portal's signing key must be Ed25519 or EC P-256")
        members = {k: jwk[k] for k in sorted(jwk) if k in ("crv", "kty", "x", "y")}
        kid = _b64(hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest())
        public = {**members, "kid": kid, "alg": algorithm, "use": "sig"}
        raw = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return cls(key, algorithm, kid, public, hashlib.sha256(b"mip-portal:" + raw).digest())

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [self.public_jwk]}

    def sign(self, settings: Settings, *, role: Role, subject: str, ttl_s: int) -> str:
        """A token the services accept for `subject` in `role`, living `ttl_s` seconds."""
        if role is not Role.service:
            subject = valid_address(subject)
        claims = token_claims(settings, role=role, subject=subject, ttl_s=ttl_s)
        return jwt.encode(claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid})

    def mac(self, label: str, value: str) -> str:
        """An HMAC of `value` under a secret derived for `label` (cookies, CSRF)."""
        key = hmac.new(self._secret, label.encode(), hashlib.sha256).digest()
        return _b64(hmac.new(key, value.encode(), hashlib.sha256).digest())
