//! The `watchfloor` command line: argument parsing and wiring of the
//! pipeline crates (ingest → extract → store → assess → publish). No
//! analysis logic lives here.

mod assess_cmd;
mod cli;
mod eval;
mod export_cmd;
mod extract_cmd;
mod geo_cmd;
mod geoparse_eval;
mod ingest_cmd;
mod report_cmd;
mod serve_cmd;
mod toponym_eval;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: extraction makes many small,
/// short-lived allocations, and this alone is about 10 % of its time
/// (`scripts/bench.sh`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
