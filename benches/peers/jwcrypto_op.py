"""One benchmark operation with Python jwcrypto, one process per call (like a CLI).
Usage: jwcrypto_op.py verify KEY.jwk TOKENFILE
       jwcrypto_op.py verify-lines KEY.jwk FILE N   (first N lines, one process)
       jwcrypto_op.py decrypt KEY.jwk TOKENFILE      (plaintext to stdout)
       jwcrypto_op.py keygen rsa|p256                (private JWK to stdout)
Exits non-zero on any failure, so a benchmark never times an error path."""
import sys
from jwcrypto import jwe, jwk, jwt

ALL_JWE = ["RSA-OAEP", "RSA1_5", "ECDH-ES", "A256KW", "A256GCM"]


def key(path):
    with open(path, "rb") as f:
        return jwk.JWK.from_json(f.read())


def verify(k, token):
    # jwt.JWT checks the signature and, like the other tools, exp/nbf.
    jwt.JWT(jwt=token, key=k, algs=["RS256", "ES256"])


op = sys.argv[1]
if op == "verify":
    verify(key(sys.argv[2]), open(sys.argv[3]).read().strip())
elif op == "verify-lines":
    k, n = key(sys.argv[2]), int(sys.argv[4])
    with open(sys.argv[3]) as f:
        for i, line in enumerate(f):
            if i == n:
                break
            verify(k, line.strip())
elif op == "decrypt":
    e = jwe.JWE(algs=ALL_JWE)
    e.deserialize(open(sys.argv[3]).read().strip(), key=key(sys.argv[2]))
    sys.stdout.buffer.write(e.payload)
elif op == "keygen":
    spec = {"rsa": {"kty": "RSA", "size": 2048}, "p256": {"kty": "EC", "crv": "P-256"}}[sys.argv[2]]
    print(jwk.JWK.generate(**spec).export_private())
else:
    sys.exit("unknown op " + op)
