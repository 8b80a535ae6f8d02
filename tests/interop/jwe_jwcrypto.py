"""JWE interop driver for Python jwcrypto. Reads a JSON list of jobs on stdin:
{key: private JWK, alg, enc, zip, ser, pt (base64url), token (ours)}; for each,
decrypts our token and encrypts the plaintext itself. Prints a JSON list of
{decrypted: b64url | null, token: str | null, error: str | null}."""
import base64, json, sys
from jwcrypto import jwe, jwk
from jwcrypto.common import json_encode

ALL = ["RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512", "RSA1_5", "A128KW", "A192KW",
       "A256KW", "dir", "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW",
       "A128GCMKW", "A192GCMKW", "A256GCMKW", "PBES2-HS256+A128KW", "PBES2-HS384+A192KW",
       "PBES2-HS512+A256KW", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM",
       "A192GCM", "A256GCM"]

def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def key_of(job):
    if "password" in job:
        return jwk.JWK.from_password(job["password"])
    return jwk.JWK(**job["key"])

out = []
for job in json.load(sys.stdin):
    r = {"decrypted": None, "token": None, "error": None}
    k = key_of(job)
    try:
        e = jwe.JWE(algs=ALL)
        e.deserialize(job["token"], key=k)
        r["decrypted"] = b64e(e.payload)
    except Exception as ex:  # reported, the Rust side decides
        r["error"] = "decrypt: %s: %s" % (type(ex).__name__, ex)
    try:
        prot = {"alg": job["alg"], "enc": job["enc"]}
        if job.get("zip"):
            prot["zip"] = "DEF"
        if job["alg"].startswith("PBES2"):
            prot["p2c"] = 1000
        pub = k if ("password" in job or k["kty"] == "oct") else jwk.JWK.from_json(k.export_public())
        e = jwe.JWE(b64d(job["pt"]), protected=json_encode(prot), algs=ALL)
        e.add_recipient(pub)
        r["token"] = e.serialize(compact=(job.get("ser", "compact") == "compact"))
    except Exception as ex:
        r["error"] = (r["error"] or "") + " encrypt: %s: %s" % (type(ex).__name__, ex)
    out.append(r)
json.dump(out, sys.stdout)
