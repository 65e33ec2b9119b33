"""Checks DID documents with libraries nobody on movid wrote.

Usage: check_did_documents.py FILE...   (each FILE holds one DID document as JSON)

For every document: pydid parses it strictly as a DID Core document, every verification
method and service it lists dereferences through pydid by its ID, and every publicKeyMultibase
decodes with the `base58` package to a known multicodec public key of the right length.
Prints one line per file and exits 1 if any document fails.
"""

import importlib.metadata
import json
import sys

import base58
import pydid

# multicodec varint prefix -> key length (ed25519-pub, x25519-pub, secp256k1-pub, p256-pub,
# p384-pub, bls12_381-g2-pub)
MULTICODEC = {
    b"\xed\x01": 32,
    b"\xec\x01": 32,
    b"\xe7\x01": 33,
    b"\x80\x24": 33,
    b"\x81\x24": 49,
    b"\xeb\x01": 96,
}


def check_multibase(value):
    if not value.startswith("z"):
        raise ValueError(f"publicKeyMultibase {value!r} is not base58btc")
    raw = base58.b58decode(value[1:])
    for prefix, length in MULTICODEC.items():
        if raw.startswith(prefix):
            if len(raw) - len(prefix) != length:
                raise ValueError(f"{value!r}: key of {len(raw) - len(prefix)} bytes, expected {length}")
            return
    raise ValueError(f"{value!r}: unknown multicodec prefix {raw[:2].hex()}")


def check(path):
    with open(path) as f:
        value = json.load(f)
    doc = pydid.deserialize_document(value, strict=True)
    if str(doc.id) != value["id"]:
        raise ValueError(f"id {doc.id} != {value['id']}")
    methods = list(doc.verification_method or [])
    for rel in ("authentication", "assertion_method", "key_agreement",
                "capability_invocation", "capability_delegation"):
        for entry in getattr(doc, rel) or []:
            if isinstance(entry, pydid.VerificationMethod):
                methods.append(entry)
            else:
                # A reference must dereference to a listed method.
                target = doc.dereference(entry)
                if not isinstance(target, pydid.VerificationMethod):
                    raise ValueError(f"{rel} reference {entry} is not a verification method")
    for m in methods:
        if m.public_key_multibase is not None:
            check_multibase(m.public_key_multibase)
        if m.public_key_multibase is None and m.public_key_jwk is None:
            raise ValueError(f"method {m.id} has no key")
    for m in doc.verification_method or []:
        if doc.dereference(m.id) is None:
            raise ValueError(f"method {m.id} does not dereference")
    for s in doc.service or []:
        if doc.dereference(s.id) is None:
            raise ValueError(f"service {s.id} does not dereference")
    return len(methods), len(doc.service or [])


def main(paths):
    failed = 0
    for path in paths:
        try:
            methods, services = check(path)
            print(f"ok {path}: {methods} methods, {services} services")
        except Exception as e:  # every failure is reported, then the exit code says it
            failed += 1
            print(f"FAIL {path}: {type(e).__name__}: {e}")
    version = importlib.metadata.version("pydid")
    print(f"pydid {version} checked {len(paths)} documents, {failed} failed")
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
