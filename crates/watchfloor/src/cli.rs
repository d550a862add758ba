//! Command-line arguments and dispatch.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use watchfloor_extract::Knowledge;
use watchfloor_store::Store;

/// Watchfloor: an offline engine for open-source intelligence analysis of
/// hybrid annexation. Ingest sources, extract sourced events, assess
/// campaigns, publish reports.
#[derive(Parser)]
#[command(name = "watchfloor", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The database file (created if missing).
    #[arg(
        long,
        global = true,
        env = "WATCHFLOOR_DB",
        default_value = "watchfloor.db"
    )]
    pub db: PathBuf,
    /// Read the catalogue, gazetteer and rules from this data directory
    /// instead of the copy compiled into the binary.
    #[arg(long, global = true, env = "WATCHFLOOR_DATA")]
    pub data: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats for listings.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    /// Human-readable table.
    Table,
    /// JSON.
    Json,
}

/// Output formats for `extract`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExtractFormat {
    /// One JSON object per document per line (the contract).
    Jsonl,
    /// One JSON array of the same objects.
    Json,
    /// A human-readable summary of the events.
    Table,
}

#[derive(Subcommand)]
pub enum Command {
    /// The main job on the bundled sample corpus: ingest it, extract it,
    /// assess the russia-belarus campaign and write its report.
    Demo {
        /// The sample corpus folder.
        #[arg(long, default_value = "data/samples/corpus")]
        samples: PathBuf,
        /// Where to write the report (`.html` or `.md`).
        #[arg(long, default_value = "out/report.html")]
        out: PathBuf,
    },
    /// Assess a campaign on the stored evidence and write its report: key
    /// takeaways in estimative language, achievements and next steps per
    /// domain, the indicator board, a timeline and a map of the evidence,
    /// implications and footnotes quoting every source sentence.
    ///
    /// `.html` gives one self-contained file (prints cleanly); `.md` gives
    /// Markdown with the two figures as SVG files beside it.
    Report {
        /// Campaign pack name, e.g. russia-belarus.
        #[arg(long)]
        campaign: String,
        /// Output file: FILE.html or FILE.md.
        #[arg(long)]
        out: PathBuf,
        /// Report changes since this day (YYYY-MM-DD); default: since the
        /// last saved `assess` run.
        #[arg(long)]
        since: Option<String>,
        /// Judge recency against this day (YYYY-MM-DD); default: today.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Ingest files and directories (recursively) into the database.
    ///
    /// Formats are detected by content: plain text, Markdown, HTML, PDF with
    /// a text layer, RSS 2.0 and Atom (one document per item), JSON Lines
    /// (one document per line). Encodings: UTF-8 (with or without BOM),
    /// UTF-16 with BOM, Windows-1251, KOI8-R. Exact duplicates are not stored
    /// twice; near-duplicates are stored and linked. A file that cannot be
    /// read is reported with the reason and skipped; the exit status is 1 if
    /// any file or item failed.
    Ingest {
        /// Files or directories to ingest.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Counts of what is stored.
    Stats {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Look at stored documents.
    #[command(subcommand)]
    Documents(DocumentsCommand),
    /// Extract entities, places, dates and events.
    ///
    /// With FILES, reads and extracts them (folders are read through; use
    /// `-` for standard input), several at a time, and prints the result in
    /// the extraction contract in the order given. Without FILES, extracts
    /// every stored document that is new or was extracted by another version
    /// of the engine or its knowledge, and stores the results.
    Extract {
        /// Files or folders to extract from (`-` for standard input).
        files: Vec<PathBuf>,
        /// Output format for FILES.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExtractFormat,
        /// Publication date (YYYY-MM-DD) for files that carry none, used to
        /// resolve relative expressions such as "last week".
        #[arg(long)]
        published: Option<String>,
    },
    /// Look things up in the entity catalogue.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// Measure extraction quality.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Campaign packs: list, show, check.
    #[command(subcommand)]
    Campaigns(CampaignsCommand),
    /// Assess a campaign: the indicator board with evidence, the monthly
    /// domain and overall indices, and what changed since a date or since
    /// the last run (each run is recorded in the database).
    Assess {
        /// Campaign pack name (see `campaigns list`) or a pack file.
        #[arg(long)]
        campaign: String,
        /// Report changes since this day (YYYY-MM-DD) instead of since the
        /// last run.
        #[arg(long)]
        since: Option<String>,
        /// Judge recency against this day (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// Also load packs from this directory.
        #[arg(long)]
        packs: Option<PathBuf>,
        /// Do not record this run.
        #[arg(long)]
        no_save: bool,
        /// At most this many evidence items per indicator in the output.
        #[arg(long, default_value_t = 50)]
        max_evidence: usize,
    },
    /// Geo analytics on the WGS84 ellipsoid: weapon range rings over a
    /// campaign's evidence, and what lies near a place (places, sites,
    /// state borders with distances).
    #[command(subcommand)]
    Geo(crate::geo_cmd::GeoCommand),
    /// Export stored events and their places: RFC 7946 GeoJSON, or CSV with
    /// ACLED-like columns (event_date, time_precision, event_type, domain,
    /// modality, actor1, actor2, country, location, latitude, longitude,
    /// geo_precision, source, notes = the evidence sentence).
    Export(crate::export_cmd::ExportArgs),
    /// The analyst's workbench: a JSON API (described at /api/openapi.json)
    /// and the dashboard at /, on loopback by default. Every API call needs
    /// a token; on a first start with no tokens, an admin token is made and
    /// a sign-in URL carrying it is printed.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
    /// API tokens for `serve`: create (prints the token alone), list, revoke.
    #[command(subcommand)]
    Tokens(TokensCommand),
}

#[derive(Subcommand)]
pub enum TokensCommand {
    /// Make a token and print it alone on stdout (it is stored hashed and
    /// cannot be shown again).
    Create {
        /// viewer (read), analyst (also ingest and edit packs) or admin
        /// (also manage tokens and read the audit trail).
        #[arg(long)]
        role: String,
        /// A name for people.
        #[arg(long, default_value = "token")]
        name: String,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by ID.
    Revoke {
        /// Token ID (from `tokens list`).
        id: i64,
    },
}

#[derive(Subcommand)]
pub enum CampaignsCommand {
    /// List the campaign packs.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// Also load packs from this directory.
        #[arg(long)]
        packs: Option<PathBuf>,
    },
    /// Show a pack: objectives and indicators with their criteria.
    Show {
        /// Pack name or file.
        name: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// Also load packs from this directory.
        #[arg(long)]
        packs: Option<PathBuf>,
    },
    /// Validate a pack file: every problem with its line and column; exit
    /// status 1 if there is any.
    Check {
        /// The pack file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum DocumentsCommand {
    /// List stored documents.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// At most this many.
        #[arg(long, default_value_t = 1000)]
        limit: i64,
        /// Skip this many first.
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Show one stored document: its metadata, then its text.
    Show {
        /// Document ID (from `documents list`).
        id: i64,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
}

#[derive(Subcommand)]
pub enum CatalogueCommand {
    /// Show an entity: kind, names in every language, facts and sources.
    Show {
        /// Entity ID, e.g. org:CSTO, BLR, wpn:ISKANDER.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Members of an organization on a date.
    Members {
        /// Organization ID, e.g. org:CSTO.
        id: String,
        /// The day (YYYY-MM-DD); default today.
        #[arg(long)]
        on: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Find entities whose name or alias contains TEXT.
    Search {
        /// Text to look for (any language).
        text: String,
    },
}

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Score extraction against gold files (the format of shared/gold/).
    ///
    /// The document a gold file names is read from disk (relative to the
    /// gold file's folder or its parent, or the current directory), or taken
    /// from the database by source name.
    Gold {
        /// Gold files.
        #[arg(required = true)]
        gold: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Score geoparsing end to end on a public corpus (GeoWebNews, LGL,
    /// TR-News, GeoVirus) with the EUPEG protocol: precision, recall, F1,
    /// accuracy@161 km, mean and median error, AUC, beside the published
    /// scores listed in the corpus README.
    Geoparse {
        /// `geowebnews`, `lgl`, `tr-news`, `geovirus` (looked up under
        /// ../shared/bench) or the path of a corpus XML file or folder.
        corpus: String,
        /// Output format (`json`: precision, recall, f1, acc161, mean_km,
        /// median_km, auc).
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// Only the first N articles.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Score toponym recognition on real Russian, Ukrainian and Polish news:
    /// place mentions against the LOC mentions of the SlavicNER corpus
    /// (precision, recall, F1 on exact and overlapping spans, per language).
    SlavicNer {
        /// The corpus folder (raw/, ner/, SPLIT_*.txt), or `slavic-ner`
        /// (looked up under ../shared/bench).
        #[arg(default_value = "slavic-ner")]
        corpus: String,
        /// Which documents: a `SPLIT_<name>.txt` of the corpus
        /// (`cross-topic_test`, `single_out_topic_test`, …) or `all`.
        #[arg(long, default_value = "cross-topic_test")]
        split: String,
        /// Languages to read.
        #[arg(long, value_delimiter = ',', default_value = "ru,uk,pl")]
        lang: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: ListFormat,
        /// Only the first N documents.
        #[arg(long)]
        limit: Option<usize>,
    },
}

pub fn knowledge(cli_data: &Option<PathBuf>) -> Result<Knowledge> {
    Ok(match cli_data {
        Some(dir) => Knowledge::from_dir(dir)
            .with_context(|| format!("loading knowledge from {}", dir.display()))?,
        None => Knowledge::embedded().context("loading the compiled-in knowledge")?,
    })
}

fn open_store(path: &std::path::Path) -> Result<Store> {
    Store::open(path).with_context(|| format!("opening database {}", path.display()))
}

fn open_existing(path: &std::path::Path) -> Result<Store> {
    if !path.exists() {
        bail!(
            "database {} does not exist (run `watchfloor ingest` first, or pass --db)",
            path.display()
        );
    }
    open_store(path)
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Demo { samples, out } => {
            if !samples.is_dir() {
                bail!("sample corpus {} not found: run `watchfloor demo` from the repository root or pass --samples", samples.display());
            }
            let mut store = open_store(&cli.db)?;
            println!(
                "== ingesting {} into {}",
                samples.display(),
                cli.db.display()
            );
            let ingested = crate::ingest_cmd::run(&mut store, std::slice::from_ref(&samples))?;
            println!("== extracting");
            crate::extract_cmd::run_stored(&knowledge(&cli.data)?, &mut store)?;
            let stats = store.stats()?;
            println!("== stored\n{}", serde_json::to_string_pretty(&stats)?);
            println!(
                "database: {}  (try `watchfloor --db {} documents list`)",
                cli.db.display(),
                cli.db.display()
            );
            println!("== assessing russia-belarus and writing the report");
            let written = crate::report_cmd::run(
                &knowledge(&cli.data)?,
                &store,
                &crate::report_cmd::ReportRequest {
                    campaign: "russia-belarus",
                    out: &out,
                    since: None,
                    as_of: None,
                    data: cli.data.as_deref(),
                },
            )?;
            print_written(&written);
            Ok(ingested)
        }
        Command::Serve { addr } => {
            crate::serve_cmd::serve(&cli.db, addr)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Tokens(cmd) => {
            match cmd {
                TokensCommand::Create { role, name } => {
                    crate::serve_cmd::create(&cli.db, &name, &role)?
                }
                TokensCommand::List => {
                    open_existing(&cli.db)?;
                    crate::serve_cmd::list(&cli.db)?
                }
                TokensCommand::Revoke { id } => crate::serve_cmd::revoke(&cli.db, id)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            campaign,
            out,
            since,
            as_of,
        } => {
            let written = crate::report_cmd::run(
                &knowledge(&cli.data)?,
                &open_existing(&cli.db)?,
                &crate::report_cmd::ReportRequest {
                    campaign: &campaign,
                    out: &out,
                    since: since.as_deref(),
                    as_of: as_of.as_deref(),
                    data: cli.data.as_deref(),
                },
            )?;
            print_written(&written);
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest { paths } => crate::ingest_cmd::run(&mut open_store(&cli.db)?, &paths),
        Command::Geo(cmd) => {
            crate::geo_cmd::run(&knowledge(&cli.data)?, &cli.db, cli.data.as_deref(), &cmd)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(args) => {
            crate::export_cmd::run(&knowledge(&cli.data)?, &cli.db, cli.data.as_deref(), &args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { format } => {
            let stats = open_existing(&cli.db)?.stats()?;
            if format == ListFormat::Json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                println!("documents        {}", stats.documents);
                println!("near-duplicates  {}", stats.near_duplicates);
                println!("sources seen     {}", stats.sources);
                println!("characters       {}", stats.chars);
                println!("extracted        {}", stats.extracted);
                println!("events           {}", stats.events);
                let join = |m: &std::collections::BTreeMap<String, i64>| {
                    m.iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                println!("by language      {}", join(&stats.by_language));
                println!("by format        {}", join(&stats.by_format));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Documents(DocumentsCommand::List {
            format,
            limit,
            offset,
        }) => {
            let rows = open_existing(&cli.db)?.list_documents(limit, offset)?;
            if format == ListFormat::Json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                println!(
                    "{:>6}  {:<5} {:<10} {:<8} {:>6}  TITLE / SOURCE",
                    "ID", "LANG", "PUBLISHED", "FORMAT", "DUP"
                );
                for r in rows {
                    println!(
                        "{:>6}  {:<5} {:<10} {:<8} {:>6}  {}",
                        r.id,
                        r.language.as_deref().unwrap_or("-"),
                        r.published.as_deref().unwrap_or("-"),
                        r.format,
                        r.duplicate_of
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "-".into()),
                        r.title.as_deref().unwrap_or(&r.source)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Documents(DocumentsCommand::Show { id, format }) => {
            let Some(doc) = open_existing(&cli.db)?.document(id)? else {
                bail!("no document with ID {id} in {}", cli.db.display());
            };
            if format == ListFormat::Json {
                println!("{}", serde_json::to_string_pretty(&doc)?);
            } else {
                println!("id:           {}", doc.row.id);
                println!("source:       {}", doc.row.source);
                println!("title:        {}", doc.row.title.as_deref().unwrap_or("-"));
                println!(
                    "published:    {}",
                    doc.row.published.as_deref().unwrap_or("-")
                );
                println!(
                    "language:     {}",
                    doc.row.language.as_deref().unwrap_or("-")
                );
                println!("format:       {} ({})", doc.row.format, doc.encoding);
                println!("hash:         {}", doc.hash);
                println!("ingested:     {}", doc.ingested_at);
                if let Some(d) = doc.row.duplicate_of {
                    println!("near-copy of: {d}");
                }
                for s in doc.seen_at.iter().skip(1) {
                    println!("also seen at: {s}");
                }
                println!();
                println!("{}", doc.text);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Extract {
            files,
            format,
            published,
        } => {
            let knowledge = knowledge(&cli.data)?;
            if files.is_empty() {
                // The catalogue edits made in the workbench apply here too,
                // so that both extract with the same catalogue.
                let mut store = open_existing(&cli.db)?;
                let knowledge = watchfloor_server::catalogue::with_edits(
                    knowledge,
                    &store.catalogue_entities()?,
                );
                crate::extract_cmd::run_stored(&knowledge, &mut store)
            } else {
                crate::extract_cmd::run_files(&knowledge, &files, format, published.as_deref())
            }
        }
        Command::Catalogue(cmd) => catalogue(&knowledge(&cli.data)?, cmd),
        Command::Campaigns(cmd) => {
            let k = knowledge(&cli.data)?;
            let data = cli.data.as_deref();
            match cmd {
                CampaignsCommand::List { format, packs } => crate::assess_cmd::list(
                    &crate::assess_cmd::packs(&k, data, packs.as_deref())?,
                    format,
                ),
                CampaignsCommand::Show {
                    name,
                    format,
                    packs,
                } => crate::assess_cmd::show(
                    &crate::assess_cmd::find(&k, data, packs.as_deref(), &name)?,
                    format,
                ),
                CampaignsCommand::Check { file } => crate::assess_cmd::check(&k, &file),
            }
        }
        Command::Assess {
            campaign,
            since,
            as_of,
            format,
            packs,
            no_save,
            max_evidence,
        } => crate::assess_cmd::assess(
            &knowledge(&cli.data)?,
            cli.data.as_deref(),
            &mut open_existing(&cli.db)?,
            crate::assess_cmd::AssessArgs {
                campaign,
                since,
                as_of,
                format,
                packs,
                no_save,
                max_evidence,
            },
        ),
        Command::Eval(EvalCommand::Geoparse {
            corpus,
            format,
            limit,
        }) => crate::geoparse_eval::run(
            &knowledge(&cli.data)?,
            &corpus,
            format == ListFormat::Json,
            limit,
        ),
        Command::Eval(EvalCommand::SlavicNer {
            corpus,
            split,
            lang,
            format,
            limit,
        }) => {
            if let Some(l) = lang
                .iter()
                .find(|l| !crate::toponym_eval::LANGUAGES.contains(&l.as_str()))
            {
                anyhow::bail!("language {l:?}: Watchfloor reads ru, uk and pl of this corpus");
            }
            crate::toponym_eval::run(
                &knowledge(&cli.data)?,
                &corpus,
                &split,
                &lang,
                format == ListFormat::Json,
                limit,
            )
        }
        Command::Eval(EvalCommand::Gold { gold, format }) => {
            let knowledge = knowledge(&cli.data)?;
            let store = if cli.db.exists() {
                Some(open_store(&cli.db)?)
            } else {
                None
            };
            crate::eval::gold(
                &knowledge,
                store.as_ref(),
                &gold,
                format == ListFormat::Json,
            )
        }
    }
}

fn print_written(w: &crate::report_cmd::Written) {
    let shown = std::fs::canonicalize(&w.path).unwrap_or_else(|_| w.path.clone());
    println!(
        "report: {} ({} key takeaways, {} footnotes)",
        shown.display(),
        w.takeaways,
        w.footnotes
    );
    for f in &w.figures {
        println!("figure: {}", f.display());
    }
}

fn catalogue(k: &Knowledge, cmd: CatalogueCommand) -> Result<ExitCode> {
    let c = &k.catalogue;
    match cmd {
        CatalogueCommand::Show { id, format } => {
            let Some(e) = c.get(&id) else {
                bail!("no entity {id:?} in the catalogue (try `watchfloor catalogue search`)")
            };
            if format == ListFormat::Json {
                let v = serde_json::json!({
                    "id": e.id, "kind": e.kind, "name": e.name, "country": e.country, "parent": e.parent,
                    "lat": e.lat, "lon": e.lon, "range_km": e.range_km, "nuclear_capable": e.nuclear_capable,
                    "note": e.note, "aliases": e.aliases, "metonyms": e.metonyms, "demonyms": e.demonyms,
                    "membership": e.membership, "sources": e.sources,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!("{}  {} ({})", e.id, e.name, e.kind);
            if let Some(n) = &e.note {
                println!("  {n}");
            }
            for (label, v) in [("country", &e.country), ("parent", &e.parent)] {
                if let Some(v) = v {
                    println!("  {label}: {v}");
                }
            }
            if let (Some(lat), Some(lon)) = (e.lat, e.lon) {
                println!("  location: {lat:.4}, {lon:.4}");
            }
            if let Some(r) = e.range_km {
                println!(
                    "  range: {r} km{}",
                    if e.nuclear_capable == Some(true) {
                        " (nuclear-capable)"
                    } else {
                        ""
                    }
                );
            }
            for (lang, names) in &e.aliases {
                println!("  names [{lang}]: {}", names.join(" · "));
            }
            if !e.metonyms.is_empty() {
                println!("  stands for it: {}", e.metonyms.join(" · "));
            }
            if !e.demonyms.is_empty() {
                println!("  adjectives: {}", e.demonyms.join(" · "));
            }
            for m in &e.membership {
                println!(
                    "  {} {} from {} to {}",
                    m.member,
                    m.status,
                    m.from,
                    m.to.as_deref().unwrap_or("now")
                );
            }
            for s in &e.sources {
                println!("  source: {s}");
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogueCommand::Members { id, on, format } => {
            if c.get(&id).is_none() {
                bail!("no entity {id:?} in the catalogue");
            }
            let day = match on {
                Some(d) => {
                    d.parse::<jiff::civil::Date>()
                        .with_context(|| format!("--on {d:?} is not a date (YYYY-MM-DD)"))?;
                    d
                }
                None => jiff::Zoned::now().date().to_string(),
            };
            let members = c.members_on(&id, &day);
            if format == ListFormat::Json {
                let v: Vec<_> = members
                    .iter()
                    .map(|m| serde_json::json!({"member": m.member, "name": c.get(&m.member).map(|e| e.name.clone()), "status": m.status, "from": m.from, "to": m.to}))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"organization": id, "on": day, "members": v})
                    )?
                );
            } else {
                println!("{id} on {day}: {} members", members.len());
                for m in members {
                    let name = c.get(&m.member).map(|e| e.name.as_str()).unwrap_or("?");
                    println!(
                        "  {:<5} {:<28} {:<10} since {}",
                        m.member, name, m.status, m.from
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogueCommand::Search { text } => {
            let needle = watchfloor_extract::text::fold(&text);
            let mut n = 0;
            for e in c.entities() {
                let hit = std::iter::once(&e.name)
                    .chain(e.aliases.values().flatten())
                    .chain(e.metonyms.iter())
                    .find(|a| watchfloor_extract::text::fold(a).contains(&needle));
                if let Some(a) = hit {
                    println!("{:<40} {:<13} {}  (matched {a:?})", e.id, e.kind, e.name);
                    n += 1;
                }
            }
            if n == 0 {
                println!("no entity matches {text:?}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
