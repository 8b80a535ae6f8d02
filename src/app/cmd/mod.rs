//! One `run(args, io)` per subcommand: wires I/O to the library and renders
//! the result. No cryptography and no parsing of JOSE objects here.

pub mod cert;
pub mod completions;
pub mod decrypt;
pub mod encrypt;
pub mod inspect;
pub mod key;
pub mod keygen;
pub mod sign;
pub mod verify;

use crate::cli::{Cli, Command};
use crate::io::Io;
use jose::Result;

pub fn run(cli: &Cli, io: &mut Io<'_>) -> Result<()> {
    match &cli.command {
        Command::Completions(a) => completions::run(a, io),
        Command::Cert(a) => cert::run(a, io),
        Command::Inspect(a) => inspect::run(a, io),
        Command::Encrypt(a) => encrypt::run(a, io),
        Command::Decrypt(a) => decrypt::run(a, io),
        Command::Keygen(a) => keygen::run(a, io),
        Command::Key(a) => key::run(a, io),
        Command::Sign(a) => sign::run(a, io),
        Command::Verify(a) => verify::run(a, io),
    }
}
