use crate::cli::{CompletionsArgs, OutputArgs, docs};
use crate::io::{Emit, Io, emit};
use jose::Result;

pub fn run(args: &CompletionsArgs, io: &mut Io<'_>) -> Result<()> {
    emit(
        io,
        &OutputArgs::default(),
        &docs::completion(args.shell),
        Emit::Exact,
        false,
    )
}
