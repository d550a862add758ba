//! Embeds the reviewed knowledge files under `data/` (catalogue, rules) into
//! the library, so the binary works with no data directory beside it, and
//! compiles the gazetteer (`data/gazetteer/`) into its index with the
//! library's own tokenizer and stemmer (`src/text.rs`, `src/places/compile.rs`).

#[allow(dead_code)]
#[path = "src/hash.rs"]
mod hash;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "src/text.rs"]
mod text;

#[allow(dead_code)]
#[path = "src/places/compile.rs"]
mod compile;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml" || e == "tsv") {
            out.push(path);
        }
    }
}

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let data = manifest.join("../../data");
    let mut files = Vec::new();
    for sub in ["catalogue", "rules", "gazetteer"] {
        let dir = data.join(sub);
        println!("cargo:rerun-if-changed={}", dir.display());
        collect(&dir, &mut files);
    }
    for src in ["src/text.rs", "src/places/compile.rs"] {
        println!("cargo:rerun-if-changed={}", manifest.join(src).display());
    }
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let gazetteer_dir = data.join("gazetteer");
    let (gazetteer, files): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|f| f.starts_with(&gazetteer_dir));
    let gazetteer: Vec<(String, String)> = gazetteer
        .iter()
        .map(|f| {
            println!("cargo:rerun-if-changed={}", f.display());
            let rel = f
                .strip_prefix(&data)
                .expect("under data/")
                .to_string_lossy()
                .replace('\\', "/");
            (
                rel,
                std::fs::read_to_string(f).expect("gazetteer file is UTF-8"),
            )
        })
        .collect();
    let pairs = || gazetteer.iter().map(|(n, t)| (n.as_str(), t.as_str()));
    let compiled = compile::compile(pairs()).unwrap_or_else(|e| panic!("gazetteer: {e}"));
    let bin = out_dir.join("gazetteer.bin");
    std::fs::write(&bin, compile::encode(&compiled)).expect("write gazetteer.bin");
    let mut code = format!(
        "/// The gazetteer index, compiled by build.rs.\npub static GAZETTEER: &[u8] = include_bytes!({:?});\n/// Fingerprint of the gazetteer files it was compiled from.\npub const GAZETTEER_FINGERPRINT: u64 = {};\n",
        bin.display().to_string(),
        compile::fingerprint(pairs())
    );
    code.push_str("/// Knowledge files compiled in: (path under data/, contents).\npub static FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&data)
            .expect("under data/")
            .to_string_lossy()
            .replace('\\', "/");
        let abs = f.canonicalize().expect("file exists");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("embedded.rs"), code).expect("write embedded.rs");
}
