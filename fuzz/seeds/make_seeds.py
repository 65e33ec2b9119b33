#!/usr/bin/env python3
"""Writes small seed inputs for the fuzz targets into fuzz/seeds/TARGET/ (run from anywhere).

Hand-encoded so that no extra (non-instrumented) build is needed; the fuzzers grow their own
corpora in fuzz/corpus/ from these.
"""
import json, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))

def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def vec(items):
    return uleb(len(items)) + b"".join(items)

def bstr(b):
    return uleb(len(b)) + b

def u64(n):
    return struct.pack("<Q", n)

def objid(n):
    return bytes(31) + bytes([n])

def objref(n, version=1):
    # id, version, digest: a digest is a BCS byte string (0x20 length prefix), as in Sui.
    return objid(n) + u64(version) + bstr(bytes(32))

def signed_tx(inputs, commands, sigs):
    ptb = vec(inputs) + vec(commands)
    kind = uleb(0) + ptb
    sender = bytes([7]) * 32
    gas = vec([objref(9)]) + sender + u64(1000) + u64(50_000_000)
    data = kind + sender + gas + uleb(0)
    return data + vec([bstr(s) for s in sigs])

ARG_GAS, ARG_INPUT = uleb(0), uleb(1)
def arg_input(i): return uleb(1) + struct.pack("<H", i)
def arg_result(i): return uleb(2) + struct.pack("<H", i)

def move_call(pkg, module, function, args):
    return uleb(0) + objid(pkg) + bstr(module.encode()) + bstr(function.encode()) + vec([]) + vec(args)

SIG = bytes([0]) + bytes(64) + bytes([1]) * 32

def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# signed_tx_bcs
pure = uleb(0) + bstr(u64(5))
addr = uleb(0) + bstr(bytes([7]) * 32)
owned = uleb(1) + uleb(0) + objref(0x21)
shared = uleb(1) + uleb(1) + objid(6) + u64(1) + b"\x00"
split = uleb(2) + arg_input(0) + vec([arg_input(1)])
transfer = uleb(1) + vec([arg_result(0)]) + arg_input(2)
merge = uleb(3) + ARG_GAS + vec([arg_input(0)])
mkvec = uleb(4) + b"\x01" + uleb(2) + vec([arg_input(1)])  # Some(u64)
write("signed_tx_bcs", "split_transfer", signed_tx([owned, pure, addr], [split, transfer], [SIG]))
write("signed_tx_bcs", "call_shared", signed_tx([shared], [move_call(2, "clock", "timestamp_ms", [arg_input(0)])], [SIG]))
write("signed_tx_bcs", "merge_vec", signed_tx([owned, pure], [merge, mkvec], [SIG, SIG]))
write("signed_tx_bcs", "publish", signed_tx([], [uleb(5) + vec([bstr(b"\xa1\x1c\xeb\x0b\x06")]) + vec([objid(1), objid(2)])], []))

# did_parse
hexid = "00" * 31 + "ab"
for i, s in enumerate([
    f"did:movid:local:0x{hexid}",
    f"did:movid:testnet:0x{hexid}/path/to?query=1#key-1",
    f"did:movid:local:0x{hexid}#key-1",
    f"did:movid:local:0x{hexid}?service=files&relativeRef=%2Fa",
    "did:key:z6Mk",
]):
    write("did_parse", f"seed{i}", s.encode())

# did_document_decode
doc = {
    "@context": ["https://www.w3.org/ns/did/v1"],
    "id": "did:0:0",
    "controller": "did:0:0",
    "verificationMethod": [{
        "id": "did:0:0#key-1", "type": "JsonWebKey2020", "controller": "did:0:0",
        "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
    }],
    "authentication": ["#key-1"],
    "assertionMethod": ["did:0:0#key-1"],
    "service": [{"id": "#svc", "type": "LinkedDomains", "serviceEndpoint": "https://example.com"}],
}
js = json.dumps(doc).encode()
write("did_document_decode", "json", b"DID\x01\x00" + js)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
write("did_document_decode", "deflate", b"DID\x01\x01" + c.compress(js) + c.flush())
write("did_document_decode", "minimal", b'DID\x01\x00{"id":"did:0:0"}')

# json_rpc (the target prepends nothing when the first byte is >= the number of prefixes)
def rpc(method, params):
    return b" " + json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
objhex = "0x" + "00" * 31 + "06"
write("json_rpc", "getObject", rpc("movid_getObject", [objhex]))
write("json_rpc", "getEpoch", rpc("movid_getEpoch", []))
write("json_rpc", "owned", rpc("movid_getOwnedObjects", ["0x" + "07" * 32]))
write("json_rpc", "events", rpc("movid_queryEvents", [{"All": []}, 10]))
write("json_rpc", "batch", b" " + json.dumps([{"jsonrpc": "2.0", "id": 1, "method": "movid_getClock"}, {"jsonrpc": "2.0", "id": 2, "method": "x"}]).encode())
import base64
txb = signed_tx([pure], [], [])[:-1]  # TransactionData without the signature vector
write("json_rpc", "dryRun", rpc("movid_dryRunTransaction", [base64.b64encode(txb).decode()]))
write("json_rpc", "execute", rpc("movid_executeTransaction", [base64.b64encode(txb).decode(), [base64.b64encode(SIG).decode()]]))
write("json_rpc", "prefix_getObject", b"\x01[\"" + objhex.encode() + b"\"]}")
print("seeds written under", HERE)
