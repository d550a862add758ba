//! Watchfloor assess: judges how far a campaign of hybrid annexation has
//! gone. It reads campaign packs (`data/campaigns/*.toml`: an aggressor, a
//! target, objectives and weighted indicators with evidence criteria),
//! matches stored events to indicators, scores each indicator from its
//! independent sources and modalities, builds monthly domain and overall
//! integration indices, words the judgements in ICD 203 estimative language,
//! and says what changed since a date or the last run.
//!
//! The public surface is small: [`Pack`] (with [`builtin_packs`],
//! [`load_pack`], [`load_dir`]), [`Facts`] (what the catalogue knows), and
//! [`assess`], which returns the model's [`watchfloor_model::Assessment`].

mod pack;
mod score;

pub use pack::{
    builtin_pack_files, builtin_packs, load_dir, load_pack, Area, Criteria, Diagnostic, Indicator,
    Objective, Pack, MAX_WEIGHT,
};
pub use score::{assess, judgement, status_score, AssessOptions, Baseline, Facts, FORMULA};

/// Everything that can go wrong while assessing.
#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    /// A pack file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A pack is malformed or names things that do not exist.
    #[error("{file}: {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  {file}:{}:{}: {}", p.line, p.column, p.message)).collect::<Vec<_>>().join("\n"))]
    InvalidPack {
        /// The pack's file name.
        file: String,
        /// Every problem found, in file order of discovery.
        problems: Vec<Diagnostic>,
    },
    /// No pack has this name.
    #[error("no campaign pack named {0:?} (see `watchfloor campaigns list`)")]
    UnknownPack(String),
}
