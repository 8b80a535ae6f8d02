//! `jose inspect`: show what a token, key, JWKS, certificate or certificate
//! map holds. Nothing is verified, and the output says so. What the input is
//! is the library's question (`jose::dangerous::classify`); how it looks is
//! `crate::render::inspect`.

use serde_json::json;

use crate::cli::InspectArgs;
use crate::io::{Emit, Io};
use crate::render::inspect::{human, to_json};
use jose::dangerous::classify;
use jose::{Error, Result};

pub fn run(args: &InspectArgs, io: &mut Io<'_>) -> Result<()> {
    let wall = crate::clock::now();
    let now = args.now.map_or(wall, |t| t.resolve(wall));
    let item = crate::io::input::read_token_bytes(io, args.input.as_deref(), args.limit.max_input)
        .and_then(|raw| classify(&raw));
    let item = match item {
        Ok(item) => item,
        // Too large or not a token, key or certificate: under --json it
        // still gets its report.
        Err(Error::Rejected(r)) if args.json => {
            let line = json!({
                "kind": null,
                "verified": false,
                "error": {"code": r.code.as_str(), "message": r.detail},
            });
            let line = format!("{line}\n");
            crate::io::emit(io, &Default::default(), line.as_bytes(), Emit::Line, false)?;
            return Err(Error::Rejected(r));
        }
        Err(e) => return Err(e),
    };
    let out = if args.json {
        let s = serde_json::to_string(&to_json(&item, now))
            .map_err(|e| Error::local_with("cannot write JSON", e))?;
        let mut s = crate::io::escape_json_controls(s);
        s.push('\n');
        s
    } else {
        // Fields are escaped whole where they are written (a line break in
        // a certificate name must not forge a line); this pass catches the
        // rest, keeping the layout's own line breaks and tabs.
        crate::io::escape_controls(&human(&item, now), &['\n', '\t']).into_owned()
    };
    crate::io::emit(io, &Default::default(), out.as_bytes(), Emit::Line, false)
}
