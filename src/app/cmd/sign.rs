//! `jose sign`: payload or JWT claims in, JWS out.

use serde_json::{Map, Value};

use crate::cli::SignArgs;
use crate::io::{self, Emit, Io};
use crate::settings;
use crate::sources;
use jose::defaults;
use jose::header;
use jose::jws::{self, Serialization, SignRequest, Signer};
use jose::{Error, Result};

pub fn run(args: &SignArgs, io: &mut Io<'_>) -> Result<()> {
    let [key, secret, key_password] =
        settings::key_inputs(&args.keys.key, &args.secret, &args.key_password);
    // With claim flags and no FILE the payload is the flags' alone.
    let payload_on_stdin = match args.file.as_deref() {
        None => !args.claims.any(),
        Some(f) => f == "-",
    };
    io.one_stdin(&[key, secret, key_password, ("the payload", payload_on_stdin)])?;
    let mut keys = sources::load_all_local(
        io,
        &args.keys.key,
        &mut sources::KeyPassword::new(&args.key_password),
    )?;
    if let Some(k) = sources::secret_key(io, &args.secret)? {
        keys.push(k);
    }
    if keys.is_empty() {
        return Err(Error::usage(
            "no signing key: give --key or --secret-file/--secret-env",
        ));
    }
    let serialization = Serialization::from(args.serialization);
    if keys.len() > 1 && serialization != Serialization::General {
        return Err(Error::usage(format!(
            "{} keys were given: signing with several keys needs --serialization general",
            keys.len()
        )));
    }
    if keys.len() > 1 && args.kid.is_some() {
        return Err(Error::usage(
            "--kid with several keys is ambiguous: set each key's kid in its JWK",
        ));
    }

    let now = crate::clock::now();
    let building_jwt = args.claims.any();
    let payload: Vec<u8> = if building_jwt {
        let base = match args.file.as_deref() {
            None => None,
            Some(f) => {
                let data = io::read_payload(io, Some(f), "the payload", args.limit.max_input)?;
                match jose::json::parse_object(&data) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        return Err(Error::usage(format!(
                            "claim flags need the payload file to be a JSON object: {e}"
                        )));
                    }
                }
            }
        };
        if args.file.is_none() && io.stdin_may_hold_data && !io.stdin_claimed() {
            // The contract's rule (claim flags, no FILE: the claims are the
            // flags'); what was piped in must not vanish without a word.
            io.warn(
                "standard input is not read: with claim flags and no FILE the payload is built from the flags alone; give - as FILE to merge a JSON object from standard input under the flags",
            );
        }
        let claims = settings::claims(base, &args.claims, now);
        for w in settings::never_valid(&claims, now) {
            io.warn(w);
        }
        Value::Object(claims).to_string().into_bytes()
    } else {
        io::read_payload(
            io,
            args.file.as_deref(),
            "the payload",
            args.limit.max_input,
        )?
    };

    let chain = match &args.x5c {
        None => None,
        Some(path) => Some(x5c_chain(io, path, &keys)?),
    };
    let extra = settings::extra_headers(args)?;
    let mut signers = Vec::with_capacity(keys.len());
    for key in &keys {
        let alg = defaults::jws_alg(key, args.alg)?;
        if !key.material.is_private() {
            return Err(Error::local(format!(
                "the {} key is public: signing needs the private key",
                key.material.describe()
            )));
        }
        let mut h = Map::new();
        if let Some((x5c, x5t)) = &chain {
            h.insert("x5c".into(), x5c.clone());
            h.insert("x5t#S256".into(), Value::String(x5t.clone()));
        }
        if let Some(kid) = args.kid.as_ref().or(key.kid.as_ref()) {
            h.insert("kid".into(), Value::String(kid.clone()));
        }
        if let Some(t) = &args.typ {
            h.insert("typ".into(), Value::String(t.clone()));
        } else if building_jwt {
            h.insert("typ".into(), Value::String("JWT".into()));
        }
        if let Some(c) = &args.cty {
            h.insert("cty".into(), Value::String(c.clone()));
        }
        h.extend(extra.clone());
        if h.contains_key("crit") {
            let mut check = h.clone();
            if args.unencoded {
                check.insert("b64".into(), Value::Bool(false));
                if let Some(Value::Array(a)) = check.get_mut("crit") {
                    a.push(Value::String("b64".into()));
                }
            }
            let names: Vec<String> = match check.get("crit") {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            header::check_crit(&check, false, header::JWS_CRIT, &names)
                .map_err(|r| Error::usage(format!("--header crit: {}", r.detail)))?;
        }
        signers.push(Signer {
            alg,
            key: &key.material,
            protected: h,
        });
    }
    let token = jws::sign(&SignRequest {
        payload: &payload,
        signers,
        serialization,
        detached: args.detached,
        unencoded: args.unencoded,
    })?;
    io::emit(io, &args.out, token.as_bytes(), Emit::Line, false)
}

/// `--x5c`: the chain's certificates as the `x5c` array (base64, leaf first)
/// and the leaf's `x5t#S256`. The leaf must hold the one signing key's
/// public key, or a verifier would be handed a chain that proves nothing.
fn x5c_chain(io: &mut Io<'_>, path: &str, keys: &[jose::Key]) -> Result<(Value, String)> {
    let [key] = keys else {
        return Err(Error::usage(
            "--x5c names one chain: sign with exactly one key",
        ));
    };
    let data = io::read_source(io, path)?;
    let certs = jose::keys::pem::certificates_pem_or_der(&data).map_err(|e| e.context(path))?;
    let Some(leaf) = certs.first() else {
        return Err(Error::local(format!("{path}: holds no certificate")));
    };
    if certs.len() > jose::verify::MAX_CHAIN {
        return Err(Error::usage(format!(
            "{path}: {} certificates, more than the {} an x5c may hold",
            certs.len(),
            jose::verify::MAX_CHAIN
        )));
    }
    let leaf_key = jose::keys::cert::from_der(leaf).map_err(|e| e.context(path))?;
    let thumb = |m: &jose::KeyMaterial| jose::keys::thumbprint::sha256_b64(m);
    if thumb(&leaf_key.material) != thumb(&key.material) {
        return Err(Error::usage(format!(
            "{path}: the first certificate does not hold the signing key's public key (x5c is leaf first)"
        )));
    }
    let x5c = certs
        .iter()
        .map(|c| Value::String(jose::b64::encode_std(c)))
        .collect();
    let x5t = jose::b64::encode(jose::keys::cert::x5t_s256(leaf));
    Ok((Value::Array(x5c), x5t))
}
