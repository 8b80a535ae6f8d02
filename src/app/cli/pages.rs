//! The man pages' text beyond what clap holds: examples, exit statuses,
//! environment, files and the reference sections of `jose(1)`, kept here,
//! beside the clap definition they complete (`docs.rs` renders both).
//! The rejection codes and algorithm names are taken from the code, so a
//! page cannot list one the binary does not have.

use jose::RejectCode;

use super::names;

/// One example: what it does, and the command lines (shell).
pub struct Example {
    pub what: &'static str,
    pub run: &'static str,
}

/// What a page's EXIT STATUS lists besides 0 and 2.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Rejects {
    /// No token is ever rejected: 0 or 2 only.
    Never,
    /// Only an input over `--max-input` (`too_large`).
    TooLarge,
    /// Inspect: `malformed` and `too_large`.
    Unreadable,
    /// Verify: every code but `decrypt_failed`.
    Verify,
    /// Decrypt: every code but the verify-only `bad_chain` and `policy`.
    Decrypt,
    /// `jose(1)`: every code.
    All,
}

/// The per-page texts.
pub struct Page {
    pub examples: &'static [Example],
    pub rejects: Rejects,
    /// Exit 3: the page's command can use a remote key source.
    pub remote: bool,
    /// The key cache is read and written (FILES).
    pub cache: bool,
    /// Flags that name environment variables holding secrets.
    pub secret_env: bool,
    /// Sections of their own: (heading, paragraphs).
    pub sections: &'static [(&'static str, &'static [&'static str])],
}

const NONE: &[(&str, &[&str])] = &[];

/// The text of `jose(1)` (`None`) or of `jose-NAME(1)`.
pub fn page(sub: Option<&str>) -> Page {
    match sub {
        None => Page {
            examples: &[
                Example {
                    what: "Make a key pair, sign a JWT valid for an hour, and verify it.",
                    run: "jose keygen -o app.key --pub app.pub\n\
                          jose sign -k app.key --iss https://issuer.example --aud api --sub alice --exp 1h -o token.jwt\n\
                          jose verify -k app.pub --iss https://issuer.example --aud api @token.jwt",
                },
                Example {
                    what: "Look inside a token, key or certificate (nothing is verified).",
                    run: "jose inspect @token.jwt",
                },
                Example {
                    what: "Encrypt to a public key and decrypt with the private key.",
                    run: "printf 'hello' | jose encrypt -k app.pub -o hello.jwe\n\
                          jose decrypt -k app.key @hello.jwe",
                },
            ],
            rejects: Rejects::All,
            remote: true,
            cache: true,
            secret_env: true,
            sections: &[
                (
                    "INPUTS",
                    &[
                        "A TOKEN argument is the token itself; \\fB\\-\\fR or no argument reads standard input; \\fB@PATH\\fR reads the file PATH. A file name without the \\fB@\\fR is refused (exit 2) with the \\fB@PATH\\fR form to use.",
                        "Pasted tokens are forgiven: surrounding white space, a leading \\fBBearer \\fR or a whole \\fBAuthorization: Bearer\\fR header line, surrounding quotes, a compact token folded over lines, and a URL (starting with a scheme such as https://) whose query or fragment carries \\fBaccess_token=\\fR, \\fBid_token=\\fR or \\fBtoken=\\fR. Compact and both JSON serializations are read wherever a token is.",
                        "A FILE (the payload of sign, the plaintext of encrypt) is a path, or \\fB\\-\\fR or nothing for standard input, taken byte for byte. A key SOURCE (\\fB\\-k\\fR) is a path, \\fB\\-\\fR, or an https:// URL (verify and key only); PEM, DER, JWK, JWK Set and Google's key id to certificate map are recognized from the content. At most one input may be standard input; when standard input is a terminal, a note on standard error says jose is reading it (end it with Ctrl\\-D).",
                        "Secrets are never needed on the command line: \\fB\\-\\-secret\\-file\\fR, \\fB\\-\\-secret\\-env\\fR, \\fB\\-\\-password\\-file\\fR and \\fB\\-\\-password\\-env\\fR read them from a file or an environment variable (\\fB\\-\\-secret\\fR exists for quick tests and warns).",
                    ],
                ),
                (
                    "OUTPUTS",
                    &[
                        "The result goes to standard output (or \\fB\\-o PATH\\fR), everything else to standard error. Errors are one line: \\fBjose: error: \\fIwhat\\fB: \\fIwhy\\fR. Files holding private keys or plaintexts are written with mode 0600, atomically; an existing file is replaced only with \\fB\\-\\-force\\fR.",
                    ],
                ),
                (
                    "TIMES AND DURATIONS",
                    &[
                        "A time T (\\fB\\-\\-exp\\fR, \\fB\\-\\-nbf\\fR, \\fB\\-\\-iat\\fR, \\fB\\-\\-now\\fR) is unix seconds (1700000000), RFC 3339 (2026\\-01\\-02T03:04:05Z), or a duration from now (30s, 15m, 1h, 7d, 1h30m, \\-5m). A bare number is a time, not a lifetime: \\fB\\-\\-exp 3600\\fR is one hour after 1970 (sign warns), \\fB\\-\\-exp 1h\\fR is one hour from now. A value starting with \\- is written \\fB\\-\\-exp=\\-5m\\fR.",
                        "A duration (\\fB\\-\\-leeway\\fR, \\fB\\-\\-max\\-age\\fR, \\fB\\-\\-timeout\\fR) takes the same forms, a bare number meaning seconds.",
                    ],
                ),
                (
                    "ALGORITHMS",
                    &[
                        "Names match exactly, case\\-sensitively; a mistyped name gets the nearest valid one. \\fBnone\\fR is never produced nor accepted.",
                    ],
                ),
            ],
        },
        Some("keygen") => Page {
            examples: &[
                Example {
                    what: "An RSA 2048 key pair: the private key (PEM, mode 0600) and the public key.",
                    run: "jose keygen -o app.key --pub app.pub",
                },
                Example {
                    what: "An ES256 key as a JWK; its kid is the RFC 7638 thumbprint.",
                    run: "jose keygen --alg ES256 --format jwk -o es256.jwk",
                },
                Example {
                    what: "An Ed25519 key (key types take JOSE's spelling, in any case).",
                    run: "jose keygen --kty OKP -o ed25519.key",
                },
                Example {
                    what: "A 256\\-bit secret for dir with A256GCM, and one for HS256.",
                    run: "jose keygen --alg A256GCM -o dir.jwk\njose keygen --alg HS256 -o hmac.jwk",
                },
            ],
            rejects: Rejects::Never,
            remote: false,
            cache: false,
            secret_env: false,
            sections: NONE,
        },
        Some("cert") => Page {
            examples: &[
                Example {
                    what: "A self\\-signed certificate for a key.",
                    run: "jose cert --key app.key --cn my-app --san dns:app.example -o app.crt",
                },
                Example {
                    what: "A CA, and a certificate it issues for another key.",
                    run: "jose keygen -o ca.key\n\
                          jose cert --key ca.key --cn 'My CA' --ca -o ca.crt\n\
                          jose keygen --alg ES256 -o leaf.key\n\
                          jose cert --key leaf.key --ca-cert ca.crt --ca-key ca.key --san dns:example.com -o leaf.crt",
                },
                Example {
                    what: "A certificate signing request (PKCS#10).",
                    run: "jose cert --key app.key --cn my-app --csr -o app.csr",
                },
            ],
            rejects: Rejects::Never,
            remote: false,
            cache: false,
            secret_env: false,
            sections: NONE,
        },
        Some("sign") => Page {
            examples: &[
                Example {
                    what: "A JWT from claim flags, valid for an hour (iat is now, typ JWT).",
                    run: "jose sign -k app.key --iss https://issuer.example --aud api --sub alice --exp 1h",
                },
                Example {
                    what: "Claims from a file (a JSON object), with flags set over them.",
                    run: "jose sign -k app.key --exp 15m claims.json",
                },
                Example {
                    what: "Claims piped in: give \\- as FILE (with claim flags and no FILE, standard input is not read, and a warning says so).",
                    run: "printf '{\"role\":\"admin\"}' | jose sign -k app.key --sub alice -",
                },
                Example {
                    what: "Any payload, signed with an HMAC secret from the environment.",
                    run: "jose sign --secret-env HMAC_KEY payload.bin",
                },
                Example {
                    what: "One JWS signed by two keys.",
                    run: "jose sign -k a.key -k b.key --serialization general doc.json",
                },
            ],
            rejects: Rejects::TooLarge,
            remote: false,
            cache: false,
            secret_env: true,
            sections: NONE,
        },
        Some("verify") => Page {
            examples: &[
                Example {
                    what: "Verify a JWT with a public key and check who issued it for whom.",
                    run: "jose verify -k app.pub --iss https://issuer.example --aud api @token.jwt",
                },
                Example {
                    what: "Only the answer, for scripts.",
                    run: "jose verify -k app.pub -q \"$TOKEN\" && echo valid",
                },
                Example {
                    what: "An OpenID Connect ID token; the keys come from the issuer's discovery document.",
                    run: "jose verify --oidc https://accounts.google.com --aud CLIENT_ID @id_token.jwt",
                },
                Example {
                    what: "The same without the network: save the key set once, then give it with \\-k (nothing is fetched).",
                    run: "jose key https://www.googleapis.com/oauth2/v3/certs --to jwks -o google.jwks\n\
                          jose verify --oidc https://accounts.google.com --aud CLIENT_ID -k google.jwks @id_token.jwt",
                },
                Example {
                    what: "A Firebase ID token.",
                    run: "jose verify --firebase my-project @id_token.jwt",
                },
                Example {
                    what: "A file of tokens, one per line: one JSON report per non\\-blank line, each with its line number.",
                    run: "jose verify -k jwks.json --lines @tokens.txt > reports.jsonl\n\
                          jq -c 'select(.valid | not) | {line, code: .error.code}' reports.jsonl",
                },
            ],
            rejects: Rejects::Verify,
            remote: true,
            cache: true,
            secret_env: true,
            sections: &[(
                "REMOTE KEYS",
                &[
                    "Key sets fetched over https (\\fB\\-k https://...\\fR, \\fB\\-\\-oidc\\fR, \\fB\\-\\-firebase\\fR) are cached per URL, fresh as long as the server's Cache\\-Control max\\-age says (at most 24 h; 5 min without it). A token whose kid the set lacks makes one refetch (at most once per URL every 30 s). \\fB\\-\\-offline\\fR uses cached keys only; \\fB\\-\\-no\\-cache\\fR neither reads nor fills the cache. A \\fB\\-\\-key\\fR given with a preset replaces the preset's key source, so a saved key set works offline.",
                    "Fetches time out (connect 5 s, total \\fB\\-\\-timeout\\fR, 10 s by default), read at most 1 MiB, follow up to 3 redirects on the same host, and refuse plain http except to loopback hosts.",
                ],
            )],
        },
        Some("encrypt") => Page {
            examples: &[
                Example {
                    what: "Encrypt a file to a public key or certificate (RSA\\-OAEP\\-256 and A256GCM by default for RSA).",
                    run: "jose encrypt -k app.pub secret.txt -o secret.jwe",
                },
                Example {
                    what: "Choose the algorithms.",
                    run: "jose encrypt -k app.crt --alg RSA-OAEP --enc A128GCM secret.txt",
                },
                Example {
                    what: "With a password (PBES2), compressed.",
                    run: "jose encrypt --password-env PW --zip DEF notes.txt -o notes.jwe",
                },
                Example {
                    what: "To two recipients at once (general JSON serialization).",
                    run: "jose encrypt -k alice.pub -k bob.pub secret.txt",
                },
            ],
            rejects: Rejects::TooLarge,
            remote: false,
            cache: false,
            secret_env: true,
            sections: NONE,
        },
        Some("decrypt") => Page {
            examples: &[
                Example {
                    what: "Decrypt with the private key (a public key or certificate cannot decrypt: exit 2).",
                    run: "jose decrypt -k app.key @secret.jwe",
                },
                Example {
                    what: "With a password, into a file (mode 0600).",
                    run: "jose decrypt --password-env PW @notes.jwe -o notes.txt",
                },
                Example {
                    what: "A nested JWT: decrypt, then verify the inner JWS and its claims.",
                    run: "jose decrypt -k app.key --verify-key issuer.pub --iss https://issuer.example @token.jwe",
                },
                Example {
                    what: "A file of tokens, one per line, one JSON report each.",
                    run: "jose decrypt -k app.key --lines @tokens.txt",
                },
            ],
            rejects: Rejects::Decrypt,
            remote: false,
            cache: false,
            secret_env: true,
            sections: NONE,
        },
        Some("inspect") => Page {
            examples: &[
                Example {
                    what: "What a token holds: header, claims with UTC dates and ages (NOT verified).",
                    run: "jose inspect @token.jwt",
                },
                Example {
                    what: "A certificate, as JSON.",
                    run: "jose inspect --json @app.crt",
                },
                Example {
                    what: "A key set served by an issuer.",
                    run: "curl -s https://www.googleapis.com/oauth2/v3/certs | jose inspect",
                },
            ],
            rejects: Rejects::Unreadable,
            remote: false,
            cache: false,
            secret_env: false,
            sections: &[(
                "JSON OUTPUT",
                &[
                    "\\fB\\-\\-json\\fR prints one object: \\fBkind\\fR (jws, jwe, jwk, jwks, key, certificate, cert\\-map: values are lower\\-case words joined by hyphens, member names are snake_case), \\fBverified\\fR: false, and the decoded parts. A JWT's time claims are repeated under \\fBtimes\\fR with \\fButc\\fR (RFC 3339) and \\fBrelative\\fR (\"expired 3h12m ago\").",
                ],
            )],
        },
        Some("key") => Page {
            examples: &[
                Example {
                    what: "The public JWK of a PEM key (with kid, the RFC 7638 thumbprint).",
                    run: "jose key app.key --public --to jwk",
                },
                Example {
                    what: "A key set to publish: public keys only (without \\-\\-public, a warning says the set holds private keys).",
                    run: "jose key a.pub b.key --public --to jwks -o jwks.json",
                },
                Example {
                    what: "Save an issuer's key set, e.g. for verify \\-k offline.",
                    run: "jose key https://www.googleapis.com/oauth2/v3/certs --to jwks -o google.jwks",
                },
                Example {
                    what: "Thumbprints, one per key.",
                    run: "jose key jwks.json --thumbprint",
                },
            ],
            rejects: Rejects::Never,
            remote: true,
            cache: false,
            secret_env: false,
            sections: NONE,
        },
        Some("completions") => Page {
            examples: &[
                Example {
                    what: "bash (for the current user).",
                    run: "mkdir -p ~/.local/share/bash-completion/completions\n\
                          jose completions bash > ~/.local/share/bash-completion/completions/jose",
                },
                Example {
                    what: "zsh: a folder on fpath (add fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc).",
                    run: "mkdir -p ~/.zfunc && jose completions zsh > ~/.zfunc/_jose",
                },
                Example {
                    what: "fish.",
                    run: "jose completions fish > ~/.config/fish/completions/jose.fish",
                },
            ],
            rejects: Rejects::Never,
            remote: false,
            cache: false,
            secret_env: false,
            sections: NONE,
        },
        Some(_) => Page {
            examples: &[],
            rejects: Rejects::Never,
            remote: false,
            cache: false,
            secret_env: false,
            sections: NONE,
        },
    }
}

/// What each rejection code means; by name, so that a code the binary
/// gains is described here before it is listed anywhere.
pub fn code_meaning(code: &str) -> &'static str {
    match code {
        "malformed" => {
            "not a token, or one that breaks the format: bad base64url, not JSON, a claim of the wrong type, a parameter in both headers, invalid DEFLATE data"
        }
        "unsupported_alg" => "an algorithm name this tool does not know",
        "alg_not_allowed" => {
            "a known algorithm outside the allow\\-list (\\-\\-alg, or by default what the keys can serve), none included"
        }
        "no_matching_key" => {
            "no given key has the token's kid or certificate thumbprint, or none is of the algorithm's type"
        }
        "bad_signature" => "the signature does not verify",
        "expired" => "exp is past (with \\-\\-leeway)",
        "not_yet_valid" => "nbf is still ahead",
        "issued_in_future" => "iat is ahead",
        "too_old" => "now \\- iat exceeds \\-\\-max\\-age",
        "bad_issuer" => "iss differs from \\-\\-iss (or the preset's issuer)",
        "bad_audience" => "aud holds none of \\-\\-aud (azp failures too)",
        "bad_subject" => "sub differs from \\-\\-sub (or breaks the preset's rule)",
        "bad_type" => "the header typ differs from \\-\\-typ",
        "missing_claim" => "a claim a check needs is absent",
        "unknown_crit" => "crit names a parameter not understood and not given with \\-\\-crit",
        "decrypt_failed" => {
            "wrong key, tag, padding or CEK: every failure inside decryption, with one message"
        }
        "too_large" => {
            "over \\-\\-max\\-input, \\-\\-max\\-size or \\-\\-max\\-p2c, or over a per\\-token cap"
        }
        "bad_chain" => "the x5c chain does not validate under \\-\\-x5c\\-root",
        "policy" => "another rule of a preset (the message says which)",
        _ => "see the message",
    }
}

/// The codes a page lists, in the order of the code.
pub fn codes(r: Rejects) -> Vec<&'static str> {
    let all = RejectCode::ALL.iter().map(|c| c.as_str());
    match r {
        Rejects::Never => Vec::new(),
        Rejects::TooLarge => vec!["too_large"],
        Rejects::Unreadable => vec!["malformed", "too_large"],
        Rejects::Verify => all.filter(|c| *c != "decrypt_failed").collect(),
        Rejects::Decrypt => all
            .filter(|c| !matches!(*c, "bad_chain" | "policy"))
            .collect(),
        Rejects::All => all.collect(),
    }
}

/// The algorithm lists of `jose(1)`: (what, names).
pub fn algorithms() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("JWS (sign, verify)", names::jws_names()),
        (
            "JWE key management (encrypt, decrypt)",
            names::jwe_alg_names(),
        ),
        ("JWE content encryption (\\-\\-enc)", names::jwe_enc_names()),
        ("Curves (\\-\\-curve)", names::curve_names()),
    ]
}
