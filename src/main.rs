//! The `piiscan` binary: parse arguments, run, map the result to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use piiscan::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match piiscan::commands::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`piiscan scan | head`) is the reader's choice, not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Errors quote the files they are about, which may hold personal data.
            // Written as a warning is: a closed stderr must not turn exit 2 into a panic.
            let _ = writeln!(
                std::io::stderr(),
                "piiscan: error: {}",
                piiscan::scrub::message(&format!("{err:#}"))
            );
            ExitCode::from(2)
        }
    }
}
