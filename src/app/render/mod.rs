//! How results look: the human forms and the `--json` shapes of the
//! contract. Nothing here decides an outcome.

pub mod inspect;
pub mod report;
