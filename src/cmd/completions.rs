use crate::cli::{CompletionsArgs, OutputArgs, docs};
use crate::error::Result;
use crate::io::{Emit, Io, emit};

pub fn run(args: &CompletionsArgs, io: &mut Io<'_>) -> Result<()> {
    emit(
        io,
        &OutputArgs::default(),
        &docs::completion(args.shell),
        Emit::Binary,
        false,
    )
}
