"""Firebase Admin SDK verdicts for tests/firebase_sdk.rs.

Makes each token of the task file (signed here with Python cryptography, or
the standard library's hmac for HS256; or made by the SDK's own
create_custom_token; or taken as given), then runs the real
firebase_admin.auth.verify_id_token / verify_session_cookie on it with the
clock frozen at the task's `now`, at clock skews 0 (the SDK's default) and 60
(its maximum). Only the certificate download is replaced: it returns the
certificate map the Rust side gives `jose` through --key, and the URLs the
SDK asked for are reported.

Usage: firebase_sdk.py TASKS.json  (results as JSON on standard output)
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
from unittest import mock

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import firebase_admin
import google.auth._helpers
import google.oauth2.id_token
from firebase_admin import _token_gen, auth, credentials


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def segment(obj):
    if isinstance(obj, str):  # a raw JSON text, kept byte for byte
        return b64u(obj.encode())
    return b64u(json.dumps(obj, separators=(",", ":")).encode())


class Signer:
    def __init__(self, private_pem, secret):
        self.rsa = serialization.load_pem_private_key(private_pem.encode(), None)
        # Not in the certificate map: a signature that no published key verifies.
        self.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.secret = secret.encode()

    def sign(self, header, claims, key):
        signing_input = f"{segment(header)}.{segment(claims)}"
        data = signing_input.encode()
        alg = header.get("alg") if isinstance(header, dict) else "RS256"
        digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384()}.get(alg, hashes.SHA256())
        if key == "rsa":
            sig = self.rsa.sign(data, padding.PKCS1v15(), digest)
        elif key == "other-rsa":
            sig = self.other.sign(data, padding.PKCS1v15(), digest)
        elif key == "secret":
            sig = hmac.new(self.secret, data, hashlib.sha256).digest()
        elif key == "none":
            sig = b""
        else:
            raise ValueError(f"unknown key {key!r}")
        return f"{signing_input}.{b64u(sig)}"


def make_token(task, signer, app, now):
    if "raw" in task:
        return task["raw"]
    if "custom_token" in task:
        with mock.patch.object(_token_gen.time, "time", return_value=now):
            return auth.create_custom_token(task["custom_token"], app=app).decode()
    token = signer.sign(task["header"], task["claims"], task["key"])
    if "swap_claims" in task:
        # Another payload under the same signature.
        h, _, s = token.split(".")
        token = f"{h}.{segment(task['swap_claims'])}.{s}"
    return token


def verdict(kind, token, app, skew):
    try:
        if kind == "id":
            claims = auth.verify_id_token(token, app=app, check_revoked=False,
                                          clock_skew_seconds=skew)
        else:
            claims = auth.verify_session_cookie(token, check_revoked=False, app=app,
                                                clock_skew_seconds=skew)
        return {"ok": True, "claims": claims, "error": None}
    except (auth.InvalidIdTokenError, auth.ExpiredIdTokenError,
            auth.InvalidSessionCookieError, auth.ExpiredSessionCookieError) as e:
        return {"ok": False, "claims": None, "error": f"{type(e).__name__}: {e}"}
    except Exception as e:  # pylint: disable=broad-except
        # Not one of the SDK's documented verdicts: the Rust side fails on it.
        return {"ok": False, "claims": None, "crash": f"{type(e).__name__}: {e}",
                "error": None}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        t = json.load(f)
    os.environ.pop("FIREBASE_AUTH_EMULATOR_HOST", None)
    now = t["now"]
    cred = credentials.Certificate({
        "type": "service_account",
        "project_id": t["project"],
        "private_key_id": t["kid"],
        "private_key": t["private_key_pem"],
        "client_email": f"firebase-adminsdk@{t['project']}.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    })
    app = firebase_admin.initialize_app(cred, {"projectId": t["project"]}, name="jose-interop")
    signer = Signer(t["private_key_pem"], t["secret"])
    fetched = set()

    def fetch_certs(_request, url):
        fetched.add(url)
        return t["certs"]

    frozen = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=now)
    out = []
    with mock.patch.object(google.oauth2.id_token, "_fetch_certs", fetch_certs), \
            mock.patch.object(google.auth._helpers, "utcnow", return_value=frozen):
        for task in t["cases"]:
            token = make_token(task, signer, app, now)
            out.append({
                "token": token,
                "skew0": verdict(task["kind"], token, app, 0),
                "skew60": verdict(task["kind"], token, app, 60),
            })
    json.dump({"fetched": sorted(fetched), "results": out,
               "sdk_version": firebase_admin.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
