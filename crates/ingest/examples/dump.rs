//! Prints what ingest makes of files: `cargo run -p watchfloor-ingest
//! --example dump -- PATH...` (directories are walked). One JSON document
//! per line on stdout, problems and errors on stderr, plus the SimHash.

use std::path::PathBuf;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let (files, problems) = watchfloor_ingest::walk(&paths);
    for p in problems {
        eprintln!("problem: {p}");
    }
    for f in files {
        match watchfloor_ingest::read_file(&f) {
            Ok(out) => {
                for d in &out.documents {
                    let line = serde_json::json!({
                        "document": d,
                        "content_hash": watchfloor_ingest::content_hash(&d.text),
                        "simhash": format!("{:016x}", watchfloor_ingest::simhash(&d.text)),
                    });
                    println!("{line}");
                }
                for p in out.problems {
                    eprintln!("problem: {p}");
                }
            }
            Err(e) => eprintln!("error: {e}"),
        }
    }
}
