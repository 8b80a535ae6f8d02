//! The human and `--json` forms of `jose inspect`. Text taken from the
//! input is escaped where it is written (see `crate::io::escape_controls`).

use std::fmt::Write as _;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use jose::Serialization;
use jose::b64;
use jose::dangerous::{Inspected, JwsPeek, Object, Peeked};
use jose::jwe::Jwe;
use jose::keys::cert_info::CertInfo;
use jose::{Key, KeyMaterial};

/// The banner every form of the output carries.
pub const BANNER: &str = "NOT VERIFIED: decoded only";

// ---------------------------------------------------------------- JSON form

fn rfc3339(t: i64) -> Value {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::String)
}

fn key_json(k: &Key) -> Value {
    let mut o = Map::new();
    o.insert("kty".into(), k.material.kty().into());
    o.insert(
        "kid".into(),
        k.kid.clone().map_or(Value::Null, Value::String),
    );
    o.insert(
        "alg".into(),
        k.alg.as_ref().map_or(Value::Null, |a| a.to_string().into()),
    );
    o.insert(
        "use".into(),
        k.key_use
            .as_ref()
            .map_or(Value::Null, |u| u.as_str().into()),
    );
    match &k.material {
        KeyMaterial::Ec { curve, .. } => {
            o.insert("crv".into(), curve.jwk_name().into());
        }
        KeyMaterial::Okp { curve, .. } => {
            o.insert("crv".into(), curve.jwk_name().into());
        }
        KeyMaterial::Akp { level, public, .. } => {
            o.insert("public_key_bytes".into(), public.len().into());
            o.insert("signature_bytes".into(), level.signature_len().into());
        }
        m => {
            o.insert("bits".into(), m.bits().into());
        }
    }
    o.insert("private".into(), k.material.is_private().into());
    o.insert(
        "thumbprint".into(),
        jose::keys::thumbprint::sha256_b64(&k.material).into(),
    );
    if let Some(der) = k.x5c.first() {
        o.insert(
            "x5t#S256".into(),
            b64::encode(jose::keys::cert::x5t_s256(der)).into(),
        );
    }
    Value::Object(o)
}

fn cert_json(c: &CertInfo) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("subject".into(), c.subject.clone().into());
    o.insert("issuer".into(), c.issuer.clone().into());
    o.insert("serial".into(), c.serial.clone().into());
    o.insert("not_before".into(), rfc3339(c.not_before));
    o.insert("not_after".into(), rfc3339(c.not_after));
    o.insert("sans".into(), c.sans.clone().into());
    o.insert("is_ca".into(), c.is_ca.into());
    o.insert("signature_alg".into(), c.signature_alg.clone().into());
    o.insert("key".into(), c.key_description.clone().into());
    o.insert(
        "thumbprint".into(),
        c.thumbprint().map_or(Value::Null, Value::String),
    );
    o.insert("x5t#S256".into(), c.x5t_s256.clone().into());
    o.insert("x5t".into(), c.x5t.clone().into());
    o
}

fn opt_obj(o: &Option<Object>) -> Value {
    o.clone().map_or(Value::Null, Value::Object)
}

/// The time claims as people read them: `{"exp": {"utc": RFC 3339,
/// "relative": "expires in 1h00m"}, …}`, beside the numbers of `claims`.
fn claim_times(claims: &Object, now: i64) -> Map<String, Value> {
    let mut out = Map::new();
    for name in TIME_CLAIMS {
        if let Some(t) = claims.get(name).and_then(Value::as_i64) {
            out.insert(
                name.into(),
                json!({"utc": rfc3339(t), "relative": relative(name, t, now)}),
            );
        }
    }
    out
}

fn jws_json(p: &JwsPeek, now: i64, o: &mut Map<String, Value>) {
    o.insert("serialization".into(), p.serialization.as_str().into());
    let first = p.signatures.first();
    o.insert(
        "header".into(),
        Value::Object(first.and_then(|s| s.protected.clone()).unwrap_or_default()),
    );
    if p.serialization != Serialization::Compact {
        o.insert(
            "unprotected".into(),
            first.map_or(Value::Null, |s| opt_obj(&s.header)),
        );
        let sigs: Vec<Value> = p
            .signatures
            .iter()
            .map(|s| json!({"protected": opt_obj(&s.protected), "header": opt_obj(&s.header)}))
            .collect();
        o.insert("signatures".into(), sigs.into());
    }
    match (&p.payload, p.claims()) {
        (None, _) => {
            o.insert("detached".into(), true.into());
            o.insert("payload_b64".into(), Value::Null);
        }
        (Some(_), Some(claims)) => {
            let times = claim_times(&claims, now);
            o.insert("claims".into(), Value::Object(claims));
            if !times.is_empty() {
                o.insert("times".into(), Value::Object(times));
            }
        }
        (Some(bytes), None) => {
            o.insert("payload_b64".into(), b64::encode(bytes).into());
        }
    }
    match jose::dangerous::x5c_chain(p) {
        None => {}
        Some(Ok(certs)) => {
            let chain: Vec<Value> = certs.iter().map(|c| Value::Object(cert_json(c))).collect();
            o.insert(
                "x5c_chain".into(),
                json!({"verified": false, "certificates": chain}),
            );
        }
        Some(Err(why)) => {
            o.insert("x5c_chain".into(), json!({"verified": false, "error": why}));
        }
    }
}

/// The decoded length of the JSON serializations' `aad`: the parse checked
/// it is strict, unpadded base64url, whose every 4 characters carry 3 bytes.
fn aad_len(p: &Jwe) -> Option<usize> {
    p.aad_b64.as_ref().map(|a| a.len() * 3 / 4)
}

fn jwe_json(p: &Jwe, o: &mut Map<String, Value>) {
    o.insert("serialization".into(), p.serialization.as_str().into());
    o.insert("header".into(), Value::Object(p.protected.clone()));
    if p.serialization != Serialization::Compact {
        o.insert("unprotected".into(), opt_obj(&p.unprotected));
        let heads: Vec<Value> = p.recipients.iter().map(|r| opt_obj(&r.header)).collect();
        o.insert("recipient_headers".into(), heads.into());
    }
    o.insert("recipients".into(), p.recipients.len().into());
    let mut sizes = Map::new();
    sizes.insert(
        "encrypted_key".into(),
        p.recipients
            .iter()
            .map(|r| r.encrypted_key.len())
            .collect::<Vec<_>>()
            .into(),
    );
    sizes.insert("iv".into(), p.iv.len().into());
    sizes.insert("ciphertext".into(), p.ciphertext.len().into());
    sizes.insert("tag".into(), p.tag.len().into());
    sizes.insert("aad".into(), aad_len(p).map_or(Value::Null, Value::from));
    o.insert("sizes".into(), Value::Object(sizes));
    o.insert("encrypted".into(), true.into());
}

/// The `--json` form.
pub fn to_json(item: &Inspected, now: i64) -> Value {
    let mut o = Map::new();
    let kind = match item {
        Inspected::Token(Peeked::Jws(_)) => "jws",
        Inspected::Token(Peeked::Jwe(_)) => "jwe",
        Inspected::Jwk(_) => "jwk",
        Inspected::Jwks(_) => "jwks",
        Inspected::Keys(_) => "key",
        Inspected::Certs(_) => "certificate",
        Inspected::CertMap(_) => "cert-map",
        Inspected::EncryptedKey(_) => "key",
    };
    o.insert("kind".into(), kind.into());
    o.insert("verified".into(), false.into());
    match item {
        Inspected::Token(Peeked::Jws(p)) => jws_json(p, now, &mut o),
        Inspected::Token(Peeked::Jwe(p)) => jwe_json(p, &mut o),
        Inspected::Jwk(k) => {
            o.insert("keys".into(), vec![key_json(k)].into());
        }
        Inspected::Jwks(ks) | Inspected::Keys(ks) => {
            o.insert(
                "keys".into(),
                ks.iter().map(key_json).collect::<Vec<_>>().into(),
            );
        }
        Inspected::Certs(certs) => {
            if let Some(leaf) = certs.first() {
                o.extend(cert_json(leaf));
            }
            let keys: Vec<Value> = certs
                .iter()
                .filter_map(|c| c.key.as_ref().map(key_json))
                .collect();
            o.insert("keys".into(), keys.into());
            if certs.len() > 1 {
                let chain: Vec<Value> = certs.iter().map(|c| Value::Object(cert_json(c))).collect();
                o.insert("chain".into(), chain.into());
            }
        }
        Inspected::EncryptedKey(how) => {
            o.insert("encrypted".into(), true.into());
            o.insert("protection".into(), how.clone().into());
            o.insert("keys".into(), Vec::<Value>::new().into());
        }
        Inspected::CertMap(entries) => {
            let keys: Vec<Value> = entries
                .iter()
                .map(|(kid, c)| {
                    let mut k = match c.key.as_ref().map(key_json) {
                        Some(Value::Object(m)) => m,
                        _ => Map::new(),
                    };
                    k.insert("kid".into(), kid.clone().into());
                    k.insert("certificate".into(), Value::Object(cert_json(c)));
                    Value::Object(k)
                })
                .collect();
            o.insert("keys".into(), keys.into());
        }
    }
    Value::Object(o)
}

// ---------------------------------------------------------------- human form

/// "2h05m", "3d4h", "364d": precise when near, coarse when far.
pub fn age(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{m}m")
    } else if s < 86_400 {
        format!("{h}h{m:02}m")
    } else if d < 10 && h > 0 {
        format!("{d}d{h}h")
    } else {
        format!("{d}d")
    }
}

fn date(t: i64) -> String {
    match rfc3339(t) {
        Value::String(s) => s,
        _ => format!("{t} (out of range)"),
    }
}

/// The relative phrase for a time claim or validity bound.
fn relative(name: &str, t: i64, now: i64) -> String {
    let d = t.saturating_sub(now);
    let a = age(d);
    let future = d > 0;
    match (name, future) {
        ("exp" | "not_after", true) => format!("expires in {a}"),
        ("exp" | "not_after", false) => format!("expired {a} ago"),
        ("nbf" | "not_before", true) => format!("not valid for another {a}"),
        ("nbf" | "not_before", false) => format!("valid since {a} ago"),
        ("iat", true) => format!("issued {a} in the future"),
        ("iat", false) => format!("issued {a} ago"),
        ("auth_time", true) => format!("authenticated {a} in the future"),
        ("auth_time", false) => format!("authenticated {a} ago"),
        (_, true) => format!("in {a}"),
        (_, false) => format!("{a} ago"),
    }
}

fn pretty(v: &Value) -> String {
    let s = serde_json::to_string_pretty(v).unwrap_or_default();
    indent(&s, "  ")
}

fn indent(s: &str, pad: &str) -> String {
    s.lines().map(|l| format!("{pad}{l}\n")).collect()
}

const TIME_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

fn claims_human(claims: &Object, now: i64, out: &mut String) {
    let _ = writeln!(out, "Claims:");
    out.push_str(&pretty(&Value::Object(claims.clone())));
    let times: Vec<&str> = TIME_CLAIMS
        .into_iter()
        .filter(|n| claims.contains_key(*n))
        .collect();
    if times.is_empty() {
        return;
    }
    let _ = writeln!(out, "Times (UTC):");
    for n in times {
        let line = match claims.get(n) {
            Some(Value::Number(num)) => {
                match num.as_i64().or_else(|| num.as_f64().map(|f| f as i64)) {
                    Some(t) if OffsetDateTime::from_unix_timestamp(t).is_ok() => {
                        format!("{} ({})", date(t), relative(n, t, now))
                    }
                    Some(t) => format!("{t} (not a representable date)"),
                    None => "not a usable number".into(),
                }
            }
            _ => "not a number (malformed NumericDate)".into(),
        };
        let _ = writeln!(out, "  {n:<9} {line}");
    }
}

fn jws_human(p: &JwsPeek, now: i64, out: &mut String) {
    let _ = writeln!(
        out,
        "JWS ({} serialization, {} signature{})",
        p.serialization.as_str(),
        p.signatures.len(),
        if p.signatures.len() == 1 { "" } else { "s" }
    );
    for (i, s) in p.signatures.iter().enumerate() {
        let label = if p.signatures.len() > 1 {
            format!(" (signature {})", i + 1)
        } else {
            String::new()
        };
        let _ = writeln!(out, "Protected header{label}:");
        out.push_str(&pretty(&opt_obj(&s.protected)));
        if let Some(h) = &s.header {
            let _ = writeln!(out, "Unprotected header{label}:");
            out.push_str(&pretty(&Value::Object(h.clone())));
        }
    }
    match (&p.payload, p.claims()) {
        (None, _) => {
            let _ = writeln!(out, "Payload: detached (not in the token)");
        }
        (Some(_), Some(claims)) => claims_human(&claims, now, out),
        (Some(bytes), None) => match std::str::from_utf8(bytes) {
            Ok(text)
                if !text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\t') =>
            {
                let _ = writeln!(out, "Payload ({} bytes, text):", bytes.len());
                out.push_str(&indent(text, "  "));
            }
            _ => {
                let _ = writeln!(
                    out,
                    "Payload ({} bytes, base64url):\n  {}",
                    bytes.len(),
                    b64::encode(bytes)
                );
            }
        },
    }
    match jose::dangerous::x5c_chain(p) {
        None => {}
        Some(Ok(certs)) => {
            let _ = writeln!(
                out,
                "x5c chain, NOT VERIFIED ({} certificate{}):",
                certs.len(),
                if certs.len() == 1 { "" } else { "s" }
            );
            for (i, c) in certs.iter().enumerate() {
                let _ = writeln!(out, "Certificate {} of {}", i + 1, certs.len());
                cert_human(c, now, out);
            }
        }
        Some(Err(why)) => {
            let _ = writeln!(out, "x5c chain, NOT VERIFIED: unreadable: {why}");
        }
    }
}

fn jwe_human(p: &Jwe, out: &mut String) {
    let _ = writeln!(
        out,
        "JWE ({} serialization, {} recipient{})",
        p.serialization.as_str(),
        p.recipients.len(),
        if p.recipients.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(out, "Protected header:");
    out.push_str(&pretty(&Value::Object(p.protected.clone())));
    if let Some(u) = &p.unprotected {
        let _ = writeln!(out, "Shared unprotected header:");
        out.push_str(&pretty(&Value::Object(u.clone())));
    }
    for (i, r) in p.recipients.iter().enumerate() {
        if let Some(h) = &r.header {
            let _ = writeln!(out, "Recipient {} header:", i + 1);
            out.push_str(&pretty(&Value::Object(h.clone())));
        }
    }
    let keys: Vec<String> = p
        .recipients
        .iter()
        .map(|r| r.encrypted_key.len().to_string())
        .collect();
    let _ = writeln!(
        out,
        "Sizes (bytes): encrypted key {}, IV {}, ciphertext {}, tag {}{}",
        keys.join("/"),
        p.iv.len(),
        p.ciphertext.len(),
        p.tag.len(),
        aad_len(p).map(|a| format!(", AAD {a}")).unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "The content is encrypted; use `jose decrypt` with the recipient's key to read it."
    );
}

fn key_human(i: usize, k: &Key, out: &mut String) {
    let _ = writeln!(
        out,
        "Key {}: {}{}",
        i + 1,
        k.material.describe(),
        if k.material.is_symmetric() {
            " (secret)"
        } else if k.material.is_private() {
            " (private)"
        } else {
            " (public)"
        }
    );
    let field = |out: &mut String, name: &str, v: Option<String>| {
        let v = v.unwrap_or_else(|| "-".into());
        let _ = writeln!(out, "  {name:<11} {}", crate::io::escape_controls(&v, &[]));
    };
    field(out, "kid:", k.kid.clone());
    field(out, "alg:", k.alg.as_ref().map(|a| a.to_string()));
    field(
        out,
        "use:",
        k.key_use.as_ref().map(|u| u.as_str().to_owned()),
    );
    field(
        out,
        "thumbprint:",
        Some(jose::keys::thumbprint::sha256_b64(&k.material)),
    );
    if let KeyMaterial::Akp { level, public, .. } = &k.material {
        field(
            out,
            "sizes:",
            Some(format!(
                "public key {} bytes, signature {} bytes (FIPS 204)",
                public.len(),
                level.signature_len()
            )),
        );
    }
    if let Some(der) = k.x5c.first() {
        field(
            out,
            "x5t#S256:",
            Some(b64::encode(jose::keys::cert::x5t_s256(der))),
        );
    }
}

fn cert_human(c: &CertInfo, now: i64, out: &mut String) {
    let row = |out: &mut String, name: &str, v: &str| {
        let _ = writeln!(out, "  {name:<12} {}", crate::io::escape_controls(v, &[]));
    };
    row(out, "subject:", &c.subject);
    row(out, "issuer:", &c.issuer);
    row(out, "serial:", &c.serial);
    row(
        out,
        "not before:",
        &format!(
            "{} ({})",
            date(c.not_before),
            relative("not_before", c.not_before, now)
        ),
    );
    row(
        out,
        "not after:",
        &format!(
            "{} ({})",
            date(c.not_after),
            relative("not_after", c.not_after, now)
        ),
    );
    row(
        out,
        "SANs:",
        &if c.sans.is_empty() {
            "-".to_owned()
        } else {
            c.sans.join(", ")
        },
    );
    row(out, "CA:", if c.is_ca { "yes" } else { "no" });
    row(out, "signature:", &c.signature_alg);
    row(out, "key:", &c.key_description);
    row(
        out,
        "thumbprint:",
        c.thumbprint()
            .as_deref()
            .unwrap_or("- (not a JOSE key type)"),
    );
    row(out, "x5t#S256:", &c.x5t_s256);
}

/// The human form, with times relative to `now`.
pub fn human(item: &Inspected, now: i64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{BANNER}");
    match item {
        Inspected::Token(Peeked::Jws(p)) => jws_human(p, now, &mut out),
        Inspected::Token(Peeked::Jwe(p)) => jwe_human(p, &mut out),
        Inspected::Jwk(k) => {
            let _ = writeln!(out, "JWK");
            key_human(0, k, &mut out);
        }
        Inspected::Jwks(ks) | Inspected::Keys(ks) => {
            let what = if matches!(item, Inspected::Jwks(_)) {
                "JWKS"
            } else {
                "Key material"
            };
            let _ = writeln!(
                out,
                "{what}: {} key{}",
                ks.len(),
                if ks.len() == 1 { "" } else { "s" }
            );
            for (i, k) in ks.iter().enumerate() {
                key_human(i, k, &mut out);
            }
        }
        Inspected::Certs(certs) => {
            for (i, c) in certs.iter().enumerate() {
                if certs.len() > 1 {
                    let _ = writeln!(out, "Certificate {} of {}", i + 1, certs.len());
                } else {
                    let _ = writeln!(out, "Certificate");
                }
                cert_human(c, now, &mut out);
            }
        }
        Inspected::EncryptedKey(how) => {
            let _ = writeln!(
                out,
                "Encrypted private key (its content needs the password)\nProtected with: {how}"
            );
        }
        Inspected::CertMap(entries) => {
            let _ = writeln!(
                out,
                "Certificate map: {} certificate{}",
                entries.len(),
                if entries.len() == 1 { "" } else { "s" }
            );
            for (kid, c) in entries {
                let _ = writeln!(out, "kid {}", crate::io::escape_controls(kid, &[]));
                cert_human(c, now, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{age, relative};

    #[test]
    fn ages() {
        assert_eq!(age(5), "5s");
        assert_eq!(age(-300), "5m");
        assert_eq!(age(2 * 3600 + 5 * 60 + 7), "2h05m");
        assert_eq!(age(3 * 86_400 + 4 * 3600), "3d4h");
        assert_eq!(age(364 * 86_400 + 3600), "364d");
        assert_eq!(relative("exp", 100 + 7500, 100), "expires in 2h05m");
        assert_eq!(relative("exp", 100, 100 + 11_520), "expired 3h12m ago");
        assert_eq!(relative("iat", 0, 300), "issued 5m ago");
    }
}
