#!/usr/bin/env python3
"""Adversarial inputs for the "Bounded work" figures of benches/README.md.

Usage: benches/bounded.py DIR   (writes the inputs below into DIR)

- pbes2-64.json: a general JWE with 64 PBES2-HS512+A256KW recipients, each
  at p2c 1,000,000; decrypted with the password "wrong", which fits none.
- crit.jws: a 2.9 MB compact ES256 JWS whose protected header lists 110,000
  distinct extension names in `crit`, each present in the header; the last
  one is named twice.
- big-header.json: a 40 MB general JWE, 64 A256KW recipients, a protected
  header holding one 28 MB string; decrypted with keys.jwks (4 A256KW keys,
  none of which fits).
- sigs.json: a 60 MB general JWS with 1.4 million signatures, for `inspect`.
"""
import base64
import json
import os
import sys


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def main(out):
    os.makedirs(out, exist_ok=True)

    recips = [
        {
            "header": {
                "alg": "PBES2-HS512+A256KW",
                "p2c": 1000000,
                "p2s": b64(bytes([i]) * 16),
            },
            "encrypted_key": b64(bytes(40)),
        }
        for i in range(64)
    ]
    pbes2 = {
        "protected": b64(b'{"enc":"A256GCM"}'),
        "recipients": recips,
        "iv": b64(bytes(12)),
        "ciphertext": b64(b"abc"),
        "tag": b64(bytes(16)),
    }
    with open(os.path.join(out, "pbes2-64.json"), "w") as f:
        json.dump(pbes2, f)

    n = 110_000
    names = [f"x{i}" for i in range(n)]
    header = '{"alg":"ES256","crit":[' + ",".join(f'"{x}"' for x in names)
    header += f',"{names[-1]}"],' + ",".join(f'"{x}":0' for x in names) + "}"
    tok = b64(header.encode()) + "." + b64(b"{}") + "." + b64(bytes(64))
    with open(os.path.join(out, "crit.jws"), "w") as f:
        f.write(tok)

    big = json.dumps({"enc": "A256GCM", "x": "a" * (28 << 20)}).encode()
    jwe = {
        "protected": b64(big),
        "recipients": [
            {"header": {"alg": "A256KW"}, "encrypted_key": b64(bytes(40))}
            for _ in range(64)
        ],
        "iv": b64(bytes(12)),
        "ciphertext": b64(b"abc"),
        "tag": b64(bytes(16)),
    }
    with open(os.path.join(out, "big-header.json"), "w") as f:
        json.dump(jwe, f)
    keys = {
        "keys": [
            {"kty": "oct", "alg": "A256KW", "k": b64(bytes([i + 1]) * 32)}
            for i in range(4)
        ]
    }
    with open(os.path.join(out, "keys.jwks"), "w") as f:
        json.dump(keys, f)

    sig = '{"protected":"eyJhbGciOiJFUzI1NiJ9","signature":"AAAA"}'
    count = (60 << 20) // (len(sig) + 1)
    with open(os.path.join(out, "sigs.json"), "w") as f:
        f.write('{"payload":"e30","signatures":[')
        f.write(",".join([sig] * count))
        f.write("]}")


if __name__ == "__main__":
    main(sys.argv[1])
