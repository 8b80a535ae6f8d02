use crate::cli::InspectArgs;
use crate::error::Result;
use crate::io::Io;
pub fn run(_a: &InspectArgs, _io: &mut Io<'_>) -> Result<()> {
    Ok(())
}
