//! Registered names on the command line (`--alg`, `--enc`, `--curve`):
//! one value parser that knows the valid names, so that TAB completes them
//! (clap's possible values feed the completion scripts) and an unknown name
//! is answered with the nearest valid one and the list.

use std::ffi::OsStr;
use std::marker::PhantomData;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;

use jose::{Curve, JweAlg, JweEnc, JwsAlg, OkpCurve};

/// Every JWS `alg` name.
pub fn jws_names() -> Vec<&'static str> {
    JwsAlg::ALL.iter().map(|a| a.name()).collect()
}

/// Every JWE key management `alg` name.
pub fn jwe_alg_names() -> Vec<&'static str> {
    JweAlg::ALL.iter().map(|a| a.name()).collect()
}

/// Every JWE content encryption `enc` name.
pub fn jwe_enc_names() -> Vec<&'static str> {
    JweEnc::ALL.iter().map(|a| a.name()).collect()
}

/// Every name `keygen --alg` and `key --alg` take: JWS, JWE and enc names.
pub fn any_alg_names() -> Vec<&'static str> {
    let mut v = jws_names();
    v.extend(jwe_alg_names());
    v.extend(jwe_enc_names());
    v
}

/// Every curve name, as JWK `crv` spells it.
pub fn curve_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Curve::ALL.iter().map(|c| c.jwk_name()).collect();
    v.extend([OkpCurve::Ed25519, OkpCurve::X25519].map(OkpCurve::jwk_name));
    v
}

/// A value parser over a list of registered names, giving `T` (parsed
/// from the name with `FromStr`, or the name itself as a `String`).
#[derive(Clone)]
pub struct Names<T> {
    what: &'static str,
    names: fn() -> Vec<&'static str>,
    out: PhantomData<fn() -> T>,
}

impl<T> Names<T> {
    pub fn new(what: &'static str, names: fn() -> Vec<&'static str>) -> Names<T> {
        Names {
            what,
            names,
            out: PhantomData,
        }
    }
}

impl<T> TypedValueParser for Names<T>
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let names = (self.names)();
        let given = value.to_string_lossy();
        if let Some(n) = names.iter().find(|n| **n == given)
            && let Ok(v) = n.parse::<T>()
        {
            return Ok(v);
        }
        let flag = arg.map_or_else(|| "the value".to_owned(), |a| format!("--{}", a.get_id()));
        let hint = match nearest(&given, &names) {
            Some(n) => format!("did you mean {n}? "),
            None => String::new(),
        };
        let msg = format!(
            "invalid value {given:?} for {flag}: not a {} name; {hint}valid names (exact case): {}",
            self.what,
            names.join(", ")
        );
        Err(clap::Error::raw(ErrorKind::InvalidValue, msg).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.names)().into_iter().map(PossibleValue::new)))
    }
}

/// The valid name a mistyped one most likely meant: the same name in
/// another case, else the closest by edit distance (at most 2 edits, on
/// the upper-case forms, so `es265` still finds ES256).
fn nearest<'a>(given: &str, names: &[&'a str]) -> Option<&'a str> {
    if let Some(n) = names.iter().find(|n| n.eq_ignore_ascii_case(given)) {
        return Some(n);
    }
    let g = given.to_ascii_uppercase();
    // A long argument is no mistyped name; this also bounds the work.
    if g.len() > 64 {
        return None;
    }
    names
        .iter()
        .map(|n| (edit_distance(&g, &n.to_ascii_uppercase()), *n))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let jws = jws_names();
        assert_eq!(nearest("es256", &jws), Some("ES256"));
        assert_eq!(nearest("RS265", &jws), Some("RS256"));
        assert_eq!(nearest("HS257", &jws), Some("HS256"));
        assert_eq!(nearest("eddsa", &jws), Some("EdDSA"));
        assert_eq!(nearest("nonsense", &jws), None);
        assert_eq!(nearest("p256", &curve_names()), Some("P-256"));
        assert_eq!(nearest("a256gcm", &jwe_enc_names()), Some("A256GCM"));
    }
}
