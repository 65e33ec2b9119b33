"""Signs and verifies JWT credentials with PyJWT, a JWT library nobody on movid wrote.

Used by cli/tests/credentials.rs:
  jwt_credentials.py issue SUBJECT_DID     -> {"jwt": ..., "public_key_pem": ...} on stdout
  jwt_credentials.py verify PEM_FILE JWT_FILE -> the verified claims on stdout (exit 1 if invalid)
"""
import json
import sys

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def issue(subject):
    key = Ed25519PrivateKey.generate()
    claims = {
        "iss": "did:example:university",
        "sub": subject,
        "nbf": 1700000000,
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential", "UniversityDegreeCredential"],
            "credentialSubject": {"id": subject, "degree": "BSc"},
        },
    }
    token = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "did:example:university#key-1"})
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    print(json.dumps({"jwt": token, "public_key_pem": pem}))


def verify(pem_file, jwt_file):
    with open(pem_file) as f:
        public_key = serialization.load_pem_public_key(f.read().encode())
    with open(jwt_file) as f:
        token = f.read()
    try:
        claims = jwt.decode(token, public_key, algorithms=["EdDSA"], options={"verify_aud": False})
    except jwt.InvalidTokenError as e:
        print(json.dumps({"valid": False, "error": str(e)}))
        sys.exit(1)
    print(json.dumps({"valid": True, "claims": claims}))


if __name__ == "__main__":
    if sys.argv[1] == "issue":
        issue(sys.argv[2])
    elif sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
