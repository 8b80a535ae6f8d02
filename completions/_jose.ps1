
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'jose' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'jose'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'jose' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a key (RSA, EC, OKP or symmetric)')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Make a self-signed or CA-issued X.509 certificate, or a CSR, for a key')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a payload or build and sign a JWT')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a JWS/JWT and check its claims')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a payload as a JWE')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a JWE')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what a token, key, JWKS, certificate or certificate map holds (NOT verified)')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Convert keys between PEM, DER, JWK and JWKS, or print thumbprints')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jose;keygen' {
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Algorithm the key is for; picks type and size and is recorded in JWK output')
            [CompletionResult]::new('--kty', '--kty', [CompletionResultType]::ParameterName, 'Key type, in any case; default RSA 2048')
            [CompletionResult]::new('--bits', '--bits', [CompletionResultType]::ParameterName, 'RSA modulus size (2048, 3072, 4096) or oct size in bits')
            [CompletionResult]::new('--curve', '--curve', [CompletionResultType]::ParameterName, 'Curve: P-256, P-384, P-521, secp256k1, Ed25519, X25519')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Key id (default for JWK output: the RFC 7638 thumbprint)')
            [CompletionResult]::new('--use', '--use', [CompletionResultType]::ParameterName, 'Intended use, recorded in JWK output')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: PEM for asymmetric keys, JWK for oct keys)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--pub', '--pub', [CompletionResultType]::ParameterName, 'Also write the public key, in the same format, to this file')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this file')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this environment variable')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing output files')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Protect the private key with a password (--key-password-file/-env, or a prompt): PKCS#8 ENCRYPTED PRIVATE KEY (PBES2) for PEM and DER, a PBES2 JWE (cty jwk+json) for JWK and JWKS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;cert' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'The key the certificate is for (and, unless --ca-key, signed with)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key the certificate is for (and, unless --ca-key, signed with)')
            [CompletionResult]::new('--csr-in', '--csr-in', [CompletionResultType]::ParameterName, 'Issue a certificate for this PKCS#10 request (PEM or DER), with --ca-cert/--ca-key; its signature is checked, and its subject and SANs are used unless --subject, --cn or --san are given')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject distinguished name in RFC 4514 order (most specific first), e.g. "CN=MyCertificate,O=Org,OU=Unit"; attributes CN, O, OU, C, ST, L, emailAddress; `\,` escapes a comma (default: CN from the first --san)')
            [CompletionResult]::new('--cn', '--cn', [CompletionResultType]::ParameterName, 'Subject common name (shorthand for --subject CN=NAME)')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'Subject alternative name: dns:NAME, ip:ADDR, email:ADDR or uri:URI (repeatable)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity in days from --not-before (default 365)')
            [CompletionResult]::new('--not-before', '--not-before', [CompletionResultType]::ParameterName, 'Start of validity (default now)')
            [CompletionResult]::new('--not-after', '--not-after', [CompletionResultType]::ParameterName, 'End of validity')
            [CompletionResult]::new('--path-len', '--path-len', [CompletionResultType]::ParameterName, 'With --ca: how many intermediate CAs may follow this one in a chain')
            [CompletionResult]::new('--key-usage', '--key-usage', [CompletionResultType]::ParameterName, 'Key usage (repeatable): digitalSignature, keyEncipherment, keyAgreement, keyCertSign, cRLSign (default: none for a leaf; digitalSignature, keyCertSign and cRLSign for a CA)')
            [CompletionResult]::new('--eku', '--eku', [CompletionResultType]::ParameterName, 'Extended key usage (repeatable): serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning or a dotted OID')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'Issue the certificate from this CA certificate (with --ca-key)')
            [CompletionResult]::new('--ca-key', '--ca-key', [CompletionResultType]::ParameterName, 'The CA''s private key (with --ca-cert)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this file')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this environment variable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Mark the certificate as a CA')
            [CompletionResult]::new('--csr', '--csr', [CompletionResultType]::ParameterName, 'Print a PKCS#10 certificate signing request instead')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing output files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;sign' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this file')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read a symmetric secret from this file (raw bytes)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read a symmetric secret from this environment variable (raw bytes)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A symmetric secret on the command line, for quick tests only: argv is visible to other users')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Signature algorithm (default from the key)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Key id header (default: the key''s `kid`)')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, '`typ` header')
            [CompletionResult]::new('--cty', '--cty', [CompletionResultType]::ParameterName, '`cty` header')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra protected header parameter, NAME=JSON (repeatable)')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'A claim; VALUE is JSON when it parses as JSON, else a string (repeatable)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Issuer (`iss`)')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Subject (`sub`)')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Audience (`aud`; repeat for an array)')
            [CompletionResult]::new('--exp', '--exp', [CompletionResultType]::ParameterName, 'Expiry (`exp`): unix seconds, RFC 3339, or relative (1h, 7d)')
            [CompletionResult]::new('--nbf', '--nbf', [CompletionResultType]::ParameterName, 'Not before (`nbf`)')
            [CompletionResult]::new('--iat', '--iat', [CompletionResultType]::ParameterName, 'Issued at (`iat`; default now)')
            [CompletionResult]::new('--jti', '--jti', [CompletionResultType]::ParameterName, 'JWT id (`jti`)')
            [CompletionResult]::new('--serialization', '--serialization', [CompletionResultType]::ParameterName, 'Output serialization')
            [CompletionResult]::new('--x5c', '--x5c', [CompletionResultType]::ParameterName, 'Put this certificate chain (PEM or DER, leaf first; the leaf must hold the signing key''s public key) in the `x5c` header, and `x5t#S256`')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--no-iat', '--no-iat', [CompletionResultType]::ParameterName, 'Do not add `iat`')
            [CompletionResult]::new('--detached', '--detached', [CompletionResultType]::ParameterName, 'Leave the payload out of the output (RFC 7515 Appendix F)')
            [CompletionResult]::new('--unencoded', '--unencoded', [CompletionResultType]::ParameterName, 'Sign the payload unencoded (RFC 7797: `b64: false` under `crit`)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing output files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;verify' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this file')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read a symmetric secret from this file (raw bytes)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read a symmetric secret from this environment variable (raw bytes)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A symmetric secret on the command line, for quick tests only: argv is visible to other users')
            [CompletionResult]::new('--oidc', '--oidc', [CompletionResultType]::ParameterName, 'OpenID Connect issuer: keys from its discovery document (needs --aud)')
            [CompletionResult]::new('--firebase', '--firebase', [CompletionResultType]::ParameterName, 'Firebase project id: verify a Firebase ID token with Google''s keys')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Total time allowed for one fetch: seconds or a duration (30s, 1m)')
            [CompletionResult]::new('--x5c-root', '--x5c-root', [CompletionResultType]::ParameterName, 'Trust the token''s own x5c chain if it validates to this root (PEM or DER certificates; repeatable); its leaf''s key is then the only key used')
            [CompletionResult]::new('--x5c-name', '--x5c-name', [CompletionResultType]::ParameterName, 'With --x5c-root: the leaf''s subject CN or a SAN must equal NAME')
            [CompletionResult]::new('--x5c-oid', '--x5c-oid', [CompletionResultType]::ParameterName, 'With --x5c-root: the leaf must carry this OID as an extended key usage, a certificate policy or an extension (repeatable: all required)')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Accepted algorithm (repeatable; default: every algorithm the keys can verify)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Required issuer (`iss`, exact)')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Accepted audience; the token''s `aud` must hold one of them (repeatable)')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Required subject (`sub`, exact)')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Required header `typ` (case-insensitive, `application/` optional)')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'A claim that must be present (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew allowed for exp, nbf and iat: seconds or a duration (30s, 5m)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time to check against instead of the clock')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Largest accepted age (now − iat), e.g. 1h')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'A `crit` header parameter this caller understands (repeatable)')
            [CompletionResult]::new('--detached-payload', '--detached-payload', [CompletionResultType]::ParameterName, 'The payload of a detached-content JWS')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'With --lines: verifying threads (default: every core)')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--session-cookie', '--session-cookie', [CompletionResultType]::ParameterName, 'With --firebase: the token is a session cookie')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Do not use or fill the key cache')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use cached remote keys only; never fetch')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Every input line is a token; one JSON report per line (implies --json)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON report instead of the payload')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on standard output; the exit status is the answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on standard output; the exit status is the answer')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing output files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;encrypt' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this file')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read a symmetric secret from this file (raw bytes)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read a symmetric secret from this environment variable (raw bytes)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A symmetric secret on the command line, for quick tests only: argv is visible to other users')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read a PBES2 password from this file')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read a PBES2 password from this environment variable')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Key management algorithm (default from the key)')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'Content encryption algorithm')
            [CompletionResult]::new('--zip', '--zip', [CompletionResultType]::ParameterName, 'Compress the plaintext before encryption')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Key id header (default: the key''s `kid`)')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, '`typ` header')
            [CompletionResult]::new('--cty', '--cty', [CompletionResultType]::ParameterName, '`cty` header')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra protected header parameter, NAME=JSON (repeatable)')
            [CompletionResult]::new('--p2c', '--p2c', [CompletionResultType]::ParameterName, 'PBES2 iteration count')
            [CompletionResult]::new('--serialization', '--serialization', [CompletionResultType]::ParameterName, 'Output serialization')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing output files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;decrypt' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key source: a path, `-` (standard input), or an https:// URL; PEM, DER, JWK, JWKS or a key-id → certificate map, detected from the content (repeatable)')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this file')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read a symmetric secret from this file (raw bytes)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read a symmetric secret from this environment variable (raw bytes)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A symmetric secret on the command line, for quick tests only: argv is visible to other users')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read a PBES2 password from this file')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read a PBES2 password from this environment variable')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Accepted key management algorithm (repeatable; default: all but RSA1_5)')
            [CompletionResult]::new('--enc', '--enc', [CompletionResultType]::ParameterName, 'Accepted content encryption algorithm (repeatable; default: all)')
            [CompletionResult]::new('--max-p2c', '--max-p2c', [CompletionResultType]::ParameterName, 'Most PBES2 iterations one token may cost, summed over the recipients tried')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Largest accepted plaintext (after decompression), in bytes')
            [CompletionResult]::new('--verify-key', '--verify-key', [CompletionResultType]::ParameterName, 'The plaintext is a JWS: verify it with these keys and print its payload (repeatable)')
            [CompletionResult]::new('--verify-alg', '--verify-alg', [CompletionResultType]::ParameterName, 'Accepted algorithm of the inner JWS (repeatable)')
            [CompletionResult]::new('--iss', '--iss', [CompletionResultType]::ParameterName, 'Required issuer (`iss`, exact)')
            [CompletionResult]::new('--aud', '--aud', [CompletionResultType]::ParameterName, 'Accepted audience; the token''s `aud` must hold one of them (repeatable)')
            [CompletionResult]::new('--sub', '--sub', [CompletionResultType]::ParameterName, 'Required subject (`sub`, exact)')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Required header `typ` (case-insensitive, `application/` optional)')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'A claim that must be present (repeatable)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew allowed for exp, nbf and iat: seconds or a duration (30s, 5m)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time to check against instead of the clock')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Largest accepted age (now − iat), e.g. 1h')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'A `crit` header parameter this caller understands (repeatable)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'With --lines: decrypting threads (default: every core)')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Every input line is a token; one JSON report per line (implies --json)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON report instead of the plaintext')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing output files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;inspect' {
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time relative ages are computed from (default now; same forms as --exp)')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest token or payload accepted, in bytes (K, M, G suffixes allowed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object instead of the human form')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;key' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Output format (default: JWK for one key, JWKS for several)')
            [CompletionResult]::new('--kid', '--kid', [CompletionResultType]::ParameterName, 'Set the key id')
            [CompletionResult]::new('--alg', '--alg', [CompletionResultType]::ParameterName, 'Set the algorithm')
            [CompletionResult]::new('--use', '--use', [CompletionResultType]::ParameterName, 'Set the intended use')
            [CompletionResult]::new('--key-password-file', '--key-password-file', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this file')
            [CompletionResult]::new('--key-password-env', '--key-password-env', [CompletionResultType]::ParameterName, 'Read the password of protected keys from this environment variable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--public', '--public', [CompletionResultType]::ParameterName, 'Drop private parts')
            [CompletionResult]::new('--thumbprint', '--thumbprint', [CompletionResultType]::ParameterName, 'Print the RFC 7638 SHA-256 thumbprint of each key, one per line')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Protect the private keys written with a password (as keygen --encrypt)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing output files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'jose;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a key (RSA, EC, OKP or symmetric)')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Make a self-signed or CA-issued X.509 certificate, or a CSR, for a key')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a payload or build and sign a JWT')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a JWS/JWT and check its claims')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a payload as a JWE')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a JWE')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what a token, key, JWKS, certificate or certificate map holds (NOT verified)')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Convert keys between PEM, DER, JWK and JWKS, or print thumbprints')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jose;help;keygen' {
            break
        }
        'jose;help;cert' {
            break
        }
        'jose;help;sign' {
            break
        }
        'jose;help;verify' {
            break
        }
        'jose;help;encrypt' {
            break
        }
        'jose;help;decrypt' {
            break
        }
        'jose;help;inspect' {
            break
        }
        'jose;help;key' {
            break
        }
        'jose;help;completions' {
            break
        }
        'jose;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
