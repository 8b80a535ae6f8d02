//! The one place that knows the contract's exit statuses: 0 success, 1 a
//! token was rejected, 2 usage or local input error, 3 a remote key source
//! could not be used. Errors arrive here typed; their class decides.

use std::process::ExitCode;

use clap::error::ErrorKind;

use crate::io::escape_controls;

/// The exit status for `e`, after printing it as one `jose: error:` line.
/// A reader that went away (`jose … | head`) is success, silently.
pub fn report(e: &jose::Error) -> ExitCode {
    if is_broken_pipe(e) {
        return ExitCode::SUCCESS;
    }
    // The whole cause chain on one line; a key id or claim quoted in it
    // must keep it one line, inert.
    let mut line = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        line.push_str(": ");
        line.push_str(&c.to_string());
        cause = c.source();
    }
    eprintln!("jose: error: {}", escape_controls(&line, &[]));
    ExitCode::from(status(e))
}

/// The contract's status for each class of error.
pub fn status(e: &jose::Error) -> u8 {
    match e {
        jose::Error::Usage(_) | jose::Error::Local { .. } => 2,
        jose::Error::Rejected(_) => 1,
        jose::Error::Remote { .. } => 3,
    }
}

/// A reader that went away (`jose … | head`) is not an error.
fn is_broken_pipe(e: &jose::Error) -> bool {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        src = s.source();
    }
    false
}

/// Help and version go to standard output with status 0; every usage error
/// is one `jose: error:` line with status 2.
pub fn clap_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            let msg = first.strip_prefix("error: ").unwrap_or(first);
            // clap lists the valid values of an enum flag on a line of its own.
            let values = rendered
                .lines()
                .find_map(|l| l.trim().strip_prefix("[possible values: "))
                .and_then(|v| v.strip_suffix(']'))
                .map(|v| format!(" (valid: {v})"))
                .unwrap_or_default();
            let tip = rendered
                .lines()
                .find_map(|l| l.trim().strip_prefix("tip: "))
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            eprintln!("jose: error: {msg}{values}{tip}; see 'jose --help'");
            ExitCode::from(2)
        }
    }
}
