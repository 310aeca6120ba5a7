//! The `mentor-match` command: thin; parses arguments, sets up logging and hands over to
//! [`mentor_match::cli`].
//!
//! Must not import anything of the library but [`mentor_match::cli`].

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = mentor_match::cli::Args::parse();
    mentor_match::cli::init_tracing(args.log_json);
    mentor_match::cli::run(args)
}
