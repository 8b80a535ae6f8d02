"""JWS interop helper for the tests: Python jwcrypto signs and verifies.

Reads a JSON list of tasks from the file named by argv[1] and prints a JSON
list of results, so that one interpreter start serves a whole test.
Task: {"op": "sign"|"verify"|"jwk", "alg": ..., "key": PATH, "payload": PATH
(sign) | "token": STRING (verify)}. Result: {"ok": bool, "out": str, "err": str};
`out` is the token (sign), the payload as base64url (verify), the public JWK
(jwk).
"""
import base64
import json
import sys

from jwcrypto import jwk, jws


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def load_key(path):
    data = open(path, "rb").read()
    if data.lstrip().startswith(b"{"):
        j = json.loads(data)
        if "keys" in j:
            j = j["keys"][0]
        return jwk.JWK(**j)
    if b"-----BEGIN" in data:
        return jwk.JWK.from_pem(data)
    return jwk.JWK(kty="oct", k=b64u(data))


def run(t):
    key = load_key(t["key"])
    alg = t["alg"]
    if t["op"] == "sign":
        s = jws.JWS(open(t["payload"], "rb").read())
        s.allowed_algs = [alg]
        s.add_signature(key, alg=alg, protected=json.dumps({"alg": alg, "kid": "interop"}))
        return s.serialize(compact=True)
    if t["op"] == "verify":
        s = jws.JWS()
        s.allowed_algs = [alg]
        s.deserialize(t["token"])
        s.verify(key, alg=alg)
        return b64u(s.payload)
    if t["op"] == "jwk":
        # A symmetric key has no public half: the JWK is the secret itself.
        return key.export() if key["kty"] == "oct" else key.export_public()
    raise ValueError(t["op"])


results = []
for t in json.load(open(sys.argv[1])):
    try:
        results.append({"ok": True, "out": run(t), "err": ""})
    except Exception as e:  # every failure is a result, reported by the test
        results.append({"ok": False, "out": "", "err": "%s: %s" % (type(e).__name__, e)})
print(json.dumps(results))
