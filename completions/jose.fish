# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_jose_global_optspecs
    string join \n h/help V/version
end

function __fish_jose_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_jose_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_jose_using_subcommand
    set -l cmd (__fish_jose_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c jose -n "__fish_jose_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jose -n "__fish_jose_needs_command" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_needs_command" -f -a "keygen" -d 'Generate a key (RSA, EC, OKP or symmetric)'
complete -c jose -n "__fish_jose_needs_command" -f -a "cert" -d 'Make a self-signed or CA-issued X.509 certificate, or a CSR, for a key'
complete -c jose -n "__fish_jose_needs_command" -f -a "sign" -d 'Sign a payload or build and sign a JWT'
complete -c jose -n "__fish_jose_needs_command" -f -a "verify" -d 'Verify a JWS/JWT and check its claims'
complete -c jose -n "__fish_jose_needs_command" -f -a "encrypt" -d 'Encrypt a payload as a JWE'
complete -c jose -n "__fish_jose_needs_command" -f -a "decrypt" -d 'Decrypt a JWE'
complete -c jose -n "__fish_jose_needs_command" -f -a "inspect" -d 'Show what a token, key, JWKS, certificate or certificate map holds (NOT verified)'
complete -c jose -n "__fish_jose_needs_command" -f -a "key" -d 'Convert keys between PEM, DER, JWK and JWKS, or print thumbprints'
complete -c jose -n "__fish_jose_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c jose -n "__fish_jose_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jose -n "__fish_jose_using_subcommand keygen" -l alg -d 'Algorithm the key is for; picks type and size and is recorded in JWK output' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
ML-DSA-44\t''
ML-DSA-65\t''
ML-DSA-87\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''
A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jose -n "__fish_jose_using_subcommand keygen" -l kty -d 'Key type, in any case; default RSA 2048' -r -f -a "RSA\t''
EC\t''
OKP\t''
oct\t''"
complete -c jose -n "__fish_jose_using_subcommand keygen" -l bits -d 'RSA modulus size (2048, 3072, 4096) or oct size in bits' -r
complete -c jose -n "__fish_jose_using_subcommand keygen" -l curve -d 'Curve: P-256, P-384, P-521, secp256k1, Ed25519, X25519' -r -f -a "P-256\t''
P-384\t''
P-521\t''
secp256k1\t''
Ed25519\t''
X25519\t''"
complete -c jose -n "__fish_jose_using_subcommand keygen" -l kid -d 'Key id (default for JWK output: the RFC 7638 thumbprint)' -r
complete -c jose -n "__fish_jose_using_subcommand keygen" -l use -d 'Intended use, recorded in JWK output' -r -f -a "sig\t''
enc\t''"
complete -c jose -n "__fish_jose_using_subcommand keygen" -l format -d 'Output format (default: PEM for asymmetric keys, JWK for oct keys)' -r -f -a "pem\t''
der\t''
jwk\t''
jwks\t''"
complete -c jose -n "__fish_jose_using_subcommand keygen" -s o -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c jose -n "__fish_jose_using_subcommand keygen" -l pub -d 'Also write the public key, in the same format, to this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand keygen" -l key-password-file -d 'Read the password of protected keys from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand keygen" -l key-password-env -d 'Read the password of protected keys from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand keygen" -l force -d 'Overwrite existing output files'
complete -c jose -n "__fish_jose_using_subcommand keygen" -l encrypt -d 'Protect the private key with a password (--key-password-file/-env, or a prompt): PKCS#8 ENCRYPTED PRIVATE KEY (PBES2) for PEM and DER, a PBES2 JWE (cty jwk+json) for JWK and JWKS'
complete -c jose -n "__fish_jose_using_subcommand keygen" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand cert" -s k -l key -d 'The key the certificate is for (and, unless --ca-key, signed with)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l csr-in -d 'Issue a certificate for this PKCS#10 request (PEM or DER), with --ca-cert/--ca-key; its signature is checked, and its subject and SANs are used unless --subject, --cn or --san are given' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l subject -d 'Subject distinguished name in RFC 4514 order (most specific first), e.g. "CN=MyCertificate,O=Org,OU=Unit"; attributes CN, O, OU, C, ST, L, emailAddress; `\\,` escapes a comma (default: CN from the first --san)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l cn -d 'Subject common name (shorthand for --subject CN=NAME)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l san -d 'Subject alternative name: dns:NAME, ip:ADDR, email:ADDR or uri:URI (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l days -d 'Validity in days from --not-before (default 365)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l not-before -d 'Start of validity (default now)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l not-after -d 'End of validity' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l path-len -d 'With --ca: how many intermediate CAs may follow this one in a chain' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l key-usage -d 'Key usage (repeatable): digitalSignature, keyEncipherment, keyAgreement, keyCertSign, cRLSign (default: none for a leaf; digitalSignature, keyCertSign and cRLSign for a CA)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l eku -d 'Extended key usage (repeatable): serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning or a dotted OID' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l ca-cert -d 'Issue the certificate from this CA certificate (with --ca-key)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l ca-key -d 'The CA\'s private key (with --ca-cert)' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -l format -d 'Output format' -r -f -a "pem\t''
der\t''"
complete -c jose -n "__fish_jose_using_subcommand cert" -l key-password-file -d 'Read the password of protected keys from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand cert" -l key-password-env -d 'Read the password of protected keys from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand cert" -s o -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c jose -n "__fish_jose_using_subcommand cert" -l ca -d 'Mark the certificate as a CA'
complete -c jose -n "__fish_jose_using_subcommand cert" -l csr -d 'Print a PKCS#10 certificate signing request instead'
complete -c jose -n "__fish_jose_using_subcommand cert" -l force -d 'Overwrite existing output files'
complete -c jose -n "__fish_jose_using_subcommand cert" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand cert" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand sign" -s k -l key -d 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l key-password-file -d 'Read the password of protected keys from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand sign" -l key-password-env -d 'Read the password of protected keys from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l secret-file -d 'Read a symmetric secret from this file (raw bytes)' -r -F
complete -c jose -n "__fish_jose_using_subcommand sign" -l secret-env -d 'Read a symmetric secret from this environment variable (raw bytes)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l secret -d 'A symmetric secret on the command line, for quick tests only: argv is visible to other users' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l alg -d 'Signature algorithm (default from the key)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
ML-DSA-44\t''
ML-DSA-65\t''
ML-DSA-87\t''"
complete -c jose -n "__fish_jose_using_subcommand sign" -l kid -d 'Key id header (default: the key\'s `kid`)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l typ -d '`typ` header' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l cty -d '`cty` header' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l header -d 'Extra protected header parameter, NAME=JSON (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l claim -d 'A claim; VALUE is JSON when it parses as JSON, else a string (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l iss -d 'Issuer (`iss`)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l sub -d 'Subject (`sub`)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l aud -d 'Audience (`aud`; repeat for an array)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l exp -d 'Expiry (`exp`): unix seconds, RFC 3339, or relative (1h, 7d)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l nbf -d 'Not before (`nbf`)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l iat -d 'Issued at (`iat`; default now)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l jti -d 'JWT id (`jti`)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l serialization -d 'Output serialization' -r -f -a "compact\t''
flattened\t''
general\t''"
complete -c jose -n "__fish_jose_using_subcommand sign" -l x5c -d 'Put this certificate chain (PEM or DER, leaf first; the leaf must hold the signing key\'s public key) in the `x5c` header, and `x5t#S256`' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -l max-input -d 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)' -r
complete -c jose -n "__fish_jose_using_subcommand sign" -s o -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c jose -n "__fish_jose_using_subcommand sign" -l no-iat -d 'Do not add `iat`'
complete -c jose -n "__fish_jose_using_subcommand sign" -l detached -d 'Leave the payload out of the output (RFC 7515 Appendix F)'
complete -c jose -n "__fish_jose_using_subcommand sign" -l unencoded -d 'Sign the payload unencoded (RFC 7797: `b64: false` under `crit`)'
complete -c jose -n "__fish_jose_using_subcommand sign" -l force -d 'Overwrite existing output files'
complete -c jose -n "__fish_jose_using_subcommand sign" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand sign" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand verify" -s k -l key -d 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l key-password-file -d 'Read the password of protected keys from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand verify" -l key-password-env -d 'Read the password of protected keys from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l secret-file -d 'Read a symmetric secret from this file (raw bytes)' -r -F
complete -c jose -n "__fish_jose_using_subcommand verify" -l secret-env -d 'Read a symmetric secret from this environment variable (raw bytes)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l secret -d 'A symmetric secret on the command line, for quick tests only: argv is visible to other users' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l oidc -d 'OpenID Connect issuer: keys from its discovery document (needs --aud)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l firebase -d 'Firebase project id: verify a Firebase ID token with Google\'s keys' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l timeout -d 'Total time allowed for one fetch: seconds or a duration (30s, 1m)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l x5c-root -d 'Trust the token\'s own x5c chain if it validates to this root (PEM or DER certificates; repeatable); its leaf\'s key is then the only key used' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l x5c-name -d 'With --x5c-root: the leaf\'s subject CN or a SAN must equal NAME' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l x5c-oid -d 'With --x5c-root: the leaf must carry this OID as an extended key usage, a certificate policy or an extension (repeatable: all required)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l alg -d 'Accepted algorithm (repeatable; default: every algorithm the keys can verify)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
ML-DSA-44\t''
ML-DSA-65\t''
ML-DSA-87\t''"
complete -c jose -n "__fish_jose_using_subcommand verify" -l iss -d 'Required issuer (`iss`, exact)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l aud -d 'Accepted audience; the token\'s `aud` must hold one of them (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l sub -d 'Required subject (`sub`, exact)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l typ -d 'Required header `typ` (case-insensitive, `application/` optional)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l require -d 'A claim that must be present (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l leeway -d 'Clock skew allowed for exp, nbf and iat: seconds or a duration (30s, 5m)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l now -d 'The time to check against instead of the clock' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l max-age -d 'Largest accepted age (now − iat), e.g. 1h' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l crit -d 'A `crit` header parameter this caller understands (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l detached-payload -d 'The payload of a detached-content JWS' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l threads -d 'With --lines: verifying threads (default: every core)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -l max-input -d 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)' -r
complete -c jose -n "__fish_jose_using_subcommand verify" -s o -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c jose -n "__fish_jose_using_subcommand verify" -l session-cookie -d 'With --firebase: the token is a session cookie'
complete -c jose -n "__fish_jose_using_subcommand verify" -l no-cache -d 'Do not use or fill the key cache'
complete -c jose -n "__fish_jose_using_subcommand verify" -l offline -d 'Use cached remote keys only; never fetch'
complete -c jose -n "__fish_jose_using_subcommand verify" -l lines -d 'Every input line is a token; one JSON report per line (implies --json)'
complete -c jose -n "__fish_jose_using_subcommand verify" -l json -d 'Print a JSON report instead of the payload'
complete -c jose -n "__fish_jose_using_subcommand verify" -s q -l quiet -d 'Print nothing on standard output; the exit status is the answer'
complete -c jose -n "__fish_jose_using_subcommand verify" -l force -d 'Overwrite existing output files'
complete -c jose -n "__fish_jose_using_subcommand verify" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand verify" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand encrypt" -s k -l key -d 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l key-password-file -d 'Read the password of protected keys from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l key-password-env -d 'Read the password of protected keys from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l secret-file -d 'Read a symmetric secret from this file (raw bytes)' -r -F
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l secret-env -d 'Read a symmetric secret from this environment variable (raw bytes)' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l secret -d 'A symmetric secret on the command line, for quick tests only: argv is visible to other users' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l password-file -d 'Read a PBES2 password from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l password-env -d 'Read a PBES2 password from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l alg -d 'Key management algorithm (default from the key)' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l enc -d 'Content encryption algorithm' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l zip -d 'Compress the plaintext before encryption' -r -f -a "DEF\t''"
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l kid -d 'Key id header (default: the key\'s `kid`)' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l typ -d '`typ` header' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l cty -d '`cty` header' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l header -d 'Extra protected header parameter, NAME=JSON (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l p2c -d 'PBES2 iteration count' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l serialization -d 'Output serialization' -r -f -a "compact\t''
flattened\t''
general\t''"
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l max-input -d 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)' -r
complete -c jose -n "__fish_jose_using_subcommand encrypt" -s o -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c jose -n "__fish_jose_using_subcommand encrypt" -l force -d 'Overwrite existing output files'
complete -c jose -n "__fish_jose_using_subcommand encrypt" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand encrypt" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand decrypt" -s k -l key -d 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l key-password-file -d 'Read the password of protected keys from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l key-password-env -d 'Read the password of protected keys from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l secret-file -d 'Read a symmetric secret from this file (raw bytes)' -r -F
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l secret-env -d 'Read a symmetric secret from this environment variable (raw bytes)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l secret -d 'A symmetric secret on the command line, for quick tests only: argv is visible to other users' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l password-file -d 'Read a PBES2 password from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l password-env -d 'Read a PBES2 password from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l alg -d 'Accepted key management algorithm (repeatable; default: all but RSA1_5)' -r -f -a "RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''"
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l enc -d 'Accepted content encryption algorithm (repeatable; default: all)' -r -f -a "A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l max-p2c -d 'Most PBES2 iterations one token may cost, summed over the recipients tried' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l max-size -d 'Largest accepted plaintext (after decompression), in bytes' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l verify-key -d 'The plaintext is a JWS: verify it with these keys and print its payload (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l verify-alg -d 'Accepted algorithm of the inner JWS (repeatable)' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
ML-DSA-44\t''
ML-DSA-65\t''
ML-DSA-87\t''"
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l iss -d 'Required issuer (`iss`, exact)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l aud -d 'Accepted audience; the token\'s `aud` must hold one of them (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l sub -d 'Required subject (`sub`, exact)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l typ -d 'Required header `typ` (case-insensitive, `application/` optional)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l require -d 'A claim that must be present (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l leeway -d 'Clock skew allowed for exp, nbf and iat: seconds or a duration (30s, 5m)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l now -d 'The time to check against instead of the clock' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l max-age -d 'Largest accepted age (now − iat), e.g. 1h' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l crit -d 'A `crit` header parameter this caller understands (repeatable)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l threads -d 'With --lines: decrypting threads (default: every core)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l max-input -d 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)' -r
complete -c jose -n "__fish_jose_using_subcommand decrypt" -s o -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l lines -d 'Every input line is a token; one JSON report per line (implies --json)'
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l json -d 'Print a JSON report instead of the plaintext'
complete -c jose -n "__fish_jose_using_subcommand decrypt" -l force -d 'Overwrite existing output files'
complete -c jose -n "__fish_jose_using_subcommand decrypt" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand decrypt" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand inspect" -l now -d 'The time relative ages are computed from (default now; same forms as --exp)' -r
complete -c jose -n "__fish_jose_using_subcommand inspect" -l max-input -d 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)' -r
complete -c jose -n "__fish_jose_using_subcommand inspect" -l json -d 'Print one JSON object instead of the human form'
complete -c jose -n "__fish_jose_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand key" -l to -d 'Output format (default: JWK for one key, JWKS for several)' -r -f -a "pem\t''
der\t''
jwk\t''
jwks\t''"
complete -c jose -n "__fish_jose_using_subcommand key" -l kid -d 'Set the key id' -r
complete -c jose -n "__fish_jose_using_subcommand key" -l alg -d 'Set the algorithm' -r -f -a "HS256\t''
HS384\t''
HS512\t''
RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
ES512\t''
ES256K\t''
EdDSA\t''
Ed25519\t''
ML-DSA-44\t''
ML-DSA-65\t''
ML-DSA-87\t''
RSA-OAEP\t''
RSA-OAEP-256\t''
RSA-OAEP-384\t''
RSA-OAEP-512\t''
RSA1_5\t''
A128KW\t''
A192KW\t''
A256KW\t''
dir\t''
ECDH-ES\t''
ECDH-ES+A128KW\t''
ECDH-ES+A192KW\t''
ECDH-ES+A256KW\t''
A128GCMKW\t''
A192GCMKW\t''
A256GCMKW\t''
PBES2-HS256+A128KW\t''
PBES2-HS384+A192KW\t''
PBES2-HS512+A256KW\t''
A128CBC-HS256\t''
A192CBC-HS384\t''
A256CBC-HS512\t''
A128GCM\t''
A192GCM\t''
A256GCM\t''"
complete -c jose -n "__fish_jose_using_subcommand key" -l use -d 'Set the intended use' -r -f -a "sig\t''
enc\t''"
complete -c jose -n "__fish_jose_using_subcommand key" -l key-password-file -d 'Read the password of protected keys from this file' -r -F
complete -c jose -n "__fish_jose_using_subcommand key" -l key-password-env -d 'Read the password of protected keys from this environment variable' -r
complete -c jose -n "__fish_jose_using_subcommand key" -s o -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c jose -n "__fish_jose_using_subcommand key" -l public -d 'Drop private parts'
complete -c jose -n "__fish_jose_using_subcommand key" -l thumbprint -d 'Print the RFC 7638 SHA-256 thumbprint of each key, one per line'
complete -c jose -n "__fish_jose_using_subcommand key" -l encrypt -d 'Protect the private keys written with a password (as keygen --encrypt)'
complete -c jose -n "__fish_jose_using_subcommand key" -l force -d 'Overwrite existing output files'
complete -c jose -n "__fish_jose_using_subcommand key" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand key" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand completions" -s h -l help -d 'Print help'
complete -c jose -n "__fish_jose_using_subcommand completions" -s V -l version -d 'Print version'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "keygen" -d 'Generate a key (RSA, EC, OKP or symmetric)'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "cert" -d 'Make a self-signed or CA-issued X.509 certificate, or a CSR, for a key'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "sign" -d 'Sign a payload or build and sign a JWT'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "verify" -d 'Verify a JWS/JWT and check its claims'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "encrypt" -d 'Encrypt a payload as a JWE'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "decrypt" -d 'Decrypt a JWE'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "inspect" -d 'Show what a token, key, JWKS, certificate or certificate map holds (NOT verified)'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "key" -d 'Convert keys between PEM, DER, JWK and JWKS, or print thumbprints'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c jose -n "__fish_jose_using_subcommand help; and not __fish_seen_subcommand_from keygen cert sign verify encrypt decrypt inspect key completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
