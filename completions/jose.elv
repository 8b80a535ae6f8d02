
use builtin;
use str;

set edit:completion:arg-completer[jose] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'jose'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'jose'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Generate a key (RSA, EC, OKP or symmetric)'
            cand cert 'Make a self-signed or CA-issued X.509 certificate, or a CSR, for a key'
            cand sign 'Sign a payload or build and sign a JWT'
            cand verify 'Verify a JWS/JWT and check its claims'
            cand encrypt 'Encrypt a payload as a JWE'
            cand decrypt 'Decrypt a JWE'
            cand inspect 'Show what a token, key, JWKS, certificate or certificate map holds (NOT verified)'
            cand key 'Convert keys between PEM, DER, JWK and JWKS, or print thumbprints'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jose;keygen'= {
            cand --alg 'Algorithm the key is for; picks type and size and is recorded in JWK output'
            cand --kty 'Key type, in any case; default RSA 2048'
            cand --bits 'RSA modulus size (2048, 3072, 4096) or oct size in bits'
            cand --curve 'Curve: P-256, P-384, P-521, secp256k1, Ed25519, X25519'
            cand --kid 'Key id (default for JWK output: the RFC 7638 thumbprint)'
            cand --use 'Intended use, recorded in JWK output'
            cand --format 'Output format (default: PEM for asymmetric keys, JWK for oct keys)'
            cand -o 'Write the result to this file instead of standard output'
            cand --output 'Write the result to this file instead of standard output'
            cand --pub 'Also write the public key, in the same format, to this file'
            cand --key-password-file 'Read the password of protected keys from this file'
            cand --key-password-env 'Read the password of protected keys from this environment variable'
            cand --force 'Overwrite existing output files'
            cand --encrypt 'Protect the private key with a password (--key-password-file/-env, or a prompt): PKCS#8 ENCRYPTED PRIVATE KEY (PBES2) for PEM and DER, a PBES2 JWE (cty jwk+json) for JWK and JWKS'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;cert'= {
            cand -k 'The key the certificate is for (and, unless --ca-key, signed with)'
            cand --key 'The key the certificate is for (and, unless --ca-key, signed with)'
            cand --csr-in 'Issue a certificate for this PKCS#10 request (PEM or DER), with --ca-cert/--ca-key; its signature is checked, and its subject and SANs are used unless --subject, --cn or --san are given'
            cand --subject 'Subject distinguished name in RFC 4514 order (most specific first), e.g. "CN=MyCertificate,O=Org,OU=Unit"; attributes CN, O, OU, C, ST, L, emailAddress; `\,` escapes a comma (default: CN from the first --san)'
            cand --cn 'Subject common name (shorthand for --subject CN=NAME)'
            cand --san 'Subject alternative name: dns:NAME, ip:ADDR, email:ADDR or uri:URI (repeatable)'
            cand --days 'Validity in days from --not-before (default 365)'
            cand --not-before 'Start of validity (default now)'
            cand --not-after 'End of validity'
            cand --path-len 'With --ca: how many intermediate CAs may follow this one in a chain'
            cand --key-usage 'Key usage (repeatable): digitalSignature, keyEncipherment, keyAgreement, keyCertSign, cRLSign (default: none for a leaf; digitalSignature, keyCertSign and cRLSign for a CA)'
            cand --eku 'Extended key usage (repeatable): serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning or a dotted OID'
            cand --ca-cert 'Issue the certificate from this CA certificate (with --ca-key)'
            cand --ca-key 'The CA''s private key (with --ca-cert)'
            cand --format 'Output format'
            cand --key-password-file 'Read the password of protected keys from this file'
            cand --key-password-env 'Read the password of protected keys from this environment variable'
            cand -o 'Write the result to this file instead of standard output'
            cand --output 'Write the result to this file instead of standard output'
            cand --ca 'Mark the certificate as a CA'
            cand --csr 'Print a PKCS#10 certificate signing request instead'
            cand --force 'Overwrite existing output files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;sign'= {
            cand -k 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)'
            cand --key 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)'
            cand --key-password-file 'Read the password of protected keys from this file'
            cand --key-password-env 'Read the password of protected keys from this environment variable'
            cand --secret-file 'Read a symmetric secret from this file (raw bytes)'
            cand --secret-env 'Read a symmetric secret from this environment variable (raw bytes)'
            cand --secret 'A symmetric secret on the command line, for quick tests only: argv is visible to other users'
            cand --alg 'Signature algorithm (default from the key)'
            cand --kid 'Key id header (default: the key''s `kid`)'
            cand --typ '`typ` header'
            cand --cty '`cty` header'
            cand --header 'Extra protected header parameter, NAME=JSON (repeatable)'
            cand --claim 'A claim; VALUE is JSON when it parses as JSON, else a string (repeatable)'
            cand --iss 'Issuer (`iss`)'
            cand --sub 'Subject (`sub`)'
            cand --aud 'Audience (`aud`; repeat for an array)'
            cand --exp 'Expiry (`exp`): unix seconds, RFC 3339, or relative (1h, 7d)'
            cand --nbf 'Not before (`nbf`)'
            cand --iat 'Issued at (`iat`; default now)'
            cand --jti 'JWT id (`jti`)'
            cand --serialization 'Output serialization'
            cand --x5c 'Put this certificate chain (PEM or DER, leaf first; the leaf must hold the signing key''s public key) in the `x5c` header, and `x5t#S256`'
            cand --max-input 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)'
            cand -o 'Write the result to this file instead of standard output'
            cand --output 'Write the result to this file instead of standard output'
            cand --no-iat 'Do not add `iat`'
            cand --detached 'Leave the payload out of the output (RFC 7515 Appendix F)'
            cand --unencoded 'Sign the payload unencoded (RFC 7797: `b64: false` under `crit`)'
            cand --force 'Overwrite existing output files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;verify'= {
            cand -k 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)'
            cand --key 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)'
            cand --key-password-file 'Read the password of protected keys from this file'
            cand --key-password-env 'Read the password of protected keys from this environment variable'
            cand --secret-file 'Read a symmetric secret from this file (raw bytes)'
            cand --secret-env 'Read a symmetric secret from this environment variable (raw bytes)'
            cand --secret 'A symmetric secret on the command line, for quick tests only: argv is visible to other users'
            cand --oidc 'OpenID Connect issuer: keys from its discovery document (needs --aud)'
            cand --firebase 'Firebase project id: verify a Firebase ID token with Google''s keys'
            cand --timeout 'Total time allowed for one fetch: seconds or a duration (30s, 1m)'
            cand --x5c-root 'Trust the token''s own x5c chain if it validates to this root (PEM or DER certificates; repeatable); its leaf''s key is then the only key used'
            cand --x5c-name 'With --x5c-root: the leaf''s subject CN or a SAN must equal NAME'
            cand --x5c-oid 'With --x5c-root: the leaf must carry this OID as an extended key usage, a certificate policy or an extension (repeatable: all required)'
            cand --alg 'Accepted algorithm (repeatable; default: every algorithm the keys can verify)'
            cand --iss 'Required issuer (`iss`, exact)'
            cand --aud 'Accepted audience; the token''s `aud` must hold one of them (repeatable)'
            cand --sub 'Required subject (`sub`, exact)'
            cand --typ 'Required header `typ` (case-insensitive, `application/` optional)'
            cand --require 'A claim that must be present (repeatable)'
            cand --leeway 'Clock skew allowed for exp, nbf and iat: seconds or a duration (30s, 5m)'
            cand --now 'The time to check against instead of the clock'
            cand --max-age 'Largest accepted age (now − iat), e.g. 1h'
            cand --crit 'A `crit` header parameter this caller understands (repeatable)'
            cand --detached-payload 'The payload of a detached-content JWS'
            cand --threads 'With --lines: verifying threads (default: every core)'
            cand --max-input 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)'
            cand -o 'Write the result to this file instead of standard output'
            cand --output 'Write the result to this file instead of standard output'
            cand --session-cookie 'With --firebase: the token is a session cookie'
            cand --no-cache 'Do not use or fill the key cache'
            cand --offline 'Use cached remote keys only; never fetch'
            cand --lines 'Every input line is a token; one JSON report per line (implies --json)'
            cand --json 'Print a JSON report instead of the payload'
            cand -q 'Print nothing on standard output; the exit status is the answer'
            cand --quiet 'Print nothing on standard output; the exit status is the answer'
            cand --force 'Overwrite existing output files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;encrypt'= {
            cand -k 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)'
            cand --key 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)'
            cand --key-password-file 'Read the password of protected keys from this file'
            cand --key-password-env 'Read the password of protected keys from this environment variable'
            cand --secret-file 'Read a symmetric secret from this file (raw bytes)'
            cand --secret-env 'Read a symmetric secret from this environment variable (raw bytes)'
            cand --secret 'A symmetric secret on the command line, for quick tests only: argv is visible to other users'
            cand --password-file 'Read a PBES2 password from this file'
            cand --password-env 'Read a PBES2 password from this environment variable'
            cand --alg 'Key management algorithm (default from the key)'
            cand --enc 'Content encryption algorithm'
            cand --zip 'Compress the plaintext before encryption'
            cand --kid 'Key id header (default: the key''s `kid`)'
            cand --typ '`typ` header'
            cand --cty '`cty` header'
            cand --header 'Extra protected header parameter, NAME=JSON (repeatable)'
            cand --p2c 'PBES2 iteration count'
            cand --serialization 'Output serialization'
            cand --max-input 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)'
            cand -o 'Write the result to this file instead of standard output'
            cand --output 'Write the result to this file instead of standard output'
            cand --force 'Overwrite existing output files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;decrypt'= {
            cand -k 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)'
            cand --key 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)'
            cand --key-password-file 'Read the password of protected keys from this file'
            cand --key-password-env 'Read the password of protected keys from this environment variable'
            cand --secret-file 'Read a symmetric secret from this file (raw bytes)'
            cand --secret-env 'Read a symmetric secret from this environment variable (raw bytes)'
            cand --secret 'A symmetric secret on the command line, for quick tests only: argv is visible to other users'
            cand --password-file 'Read a PBES2 password from this file'
            cand --password-env 'Read a PBES2 password from this environment variable'
            cand --alg 'Accepted key management algorithm (repeatable; default: all but RSA1_5)'
            cand --enc 'Accepted content encryption algorithm (repeatable; default: all)'
            cand --max-p2c 'Most PBES2 iterations one token may cost, summed over the recipients tried'
            cand --max-size 'Largest accepted plaintext (after decompression), in bytes'
            cand --verify-key 'The plaintext is a JWS: verify it with these keys and print its payload (repeatable)'
            cand --verify-alg 'Accepted algorithm of the inner JWS (repeatable)'
            cand --iss 'Required issuer (`iss`, exact)'
            cand --aud 'Accepted audience; the token''s `aud` must hold one of them (repeatable)'
            cand --sub 'Required subject (`sub`, exact)'
            cand --typ 'Required header `typ` (case-insensitive, `application/` optional)'
            cand --require 'A claim that must be present (repeatable)'
            cand --leeway 'Clock skew allowed for exp, nbf and iat: seconds or a duration (30s, 5m)'
            cand --now 'The time to check against instead of the clock'
            cand --max-age 'Largest accepted age (now − iat), e.g. 1h'
            cand --crit 'A `crit` header parameter this caller understands (repeatable)'
            cand --threads 'With --lines: decrypting threads (default: every core)'
            cand --max-input 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)'
            cand -o 'Write the result to this file instead of standard output'
            cand --output 'Write the result to this file instead of standard output'
            cand --lines 'Every input line is a token; one JSON report per line (implies --json)'
            cand --json 'Print a JSON report instead of the plaintext'
            cand --force 'Overwrite existing output files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;inspect'= {
            cand --now 'The time relative ages are computed from (default now; same forms as --exp)'
            cand --max-input 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)'
            cand --json 'Print one JSON object instead of the human form'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;key'= {
            cand --to 'Output format (default: JWK for one key, JWKS for several)'
            cand --kid 'Set the key id'
            cand --alg 'Set the algorithm'
            cand --use 'Set the intended use'
            cand --key-password-file 'Read the password of protected keys from this file'
            cand --key-password-env 'Read the password of protected keys from this environment variable'
            cand -o 'Write the result to this file instead of standard output'
            cand --output 'Write the result to this file instead of standard output'
            cand --public 'Drop private parts'
            cand --thumbprint 'Print the RFC 7638 SHA-256 thumbprint of each key, one per line'
            cand --encrypt 'Protect the private keys written with a password (as keygen --encrypt)'
            cand --force 'Overwrite existing output files'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'jose;help'= {
            cand keygen 'Generate a key (RSA, EC, OKP or symmetric)'
            cand cert 'Make a self-signed or CA-issued X.509 certificate, or a CSR, for a key'
            cand sign 'Sign a payload or build and sign a JWT'
            cand verify 'Verify a JWS/JWT and check its claims'
            cand encrypt 'Encrypt a payload as a JWE'
            cand decrypt 'Decrypt a JWE'
            cand inspect 'Show what a token, key, JWKS, certificate or certificate map holds (NOT verified)'
            cand key 'Convert keys between PEM, DER, JWK and JWKS, or print thumbprints'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'jose;help;keygen'= {
        }
        &'jose;help;cert'= {
        }
        &'jose;help;sign'= {
        }
        &'jose;help;verify'= {
        }
        &'jose;help;encrypt'= {
        }
        &'jose;help;decrypt'= {
        }
        &'jose;help;inspect'= {
        }
        &'jose;help;key'= {
        }
        &'jose;help;completions'= {
        }
        &'jose;help;help'= {
        }
    ]
    $completions[$command]
}
