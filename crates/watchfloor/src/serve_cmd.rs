//! `watchfloor serve` and `watchfloor tokens`: wiring to the server crate
//! and the store's tokens.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{bail, Context, Result};
use watchfloor_store::{Role, Store};

/// Serves the workbench on `addr` until Ctrl-C. On a database with no
/// tokens, makes an admin token first and prints a sign-in URL carrying it.
pub fn serve(db: &Path, addr: SocketAddr) -> Result<()> {
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {addr}, beyond this machine: anyone who can reach it and holds a token can use it (no TLS)"
        );
    }
    let first = watchfloor_server::first_admin_token(db)
        .with_context(|| format!("opening database {}", db.display()))?;
    let app = watchfloor_server::App::open(db)?;
    let shown = db.display().to_string();
    watchfloor_server::run_blocking(addr, app, move |local| {
        println!("watchfloor: serving {shown} at http://{local}/ (Ctrl-C stops)");
        if let Some(t) = first {
            println!("No tokens yet: made an admin token (shown once). Sign in at:");
            println!("    http://{local}/?token={}", t.secret);
        }
    })?;
    Ok(())
}

/// `tokens create`: prints the new token's secret alone on stdout.
pub fn create(db: &Path, name: &str, role: &str) -> Result<()> {
    let Some(role) = Role::parse(role) else {
        bail!("--role {role:?}: say viewer, analyst or admin");
    };
    let mut store =
        Store::open(db).with_context(|| format!("opening database {}", db.display()))?;
    let t = store.create_token(name, role)?;
    let actor = watchfloor_store::Actor {
        token_id: None,
        name: "command line".into(),
        role: Role::Admin,
    };
    store.audit(
        &actor,
        "token.create",
        &format!("token:{}", t.info.id),
        &serde_json::json!({"name": name, "role": role}).to_string(),
    )?;
    println!("{}", t.secret);
    Ok(())
}

/// `tokens list`.
pub fn list(db: &Path) -> Result<()> {
    let store = Store::open(db).with_context(|| format!("opening database {}", db.display()))?;
    for t in store.tokens()? {
        println!(
            "{}\t{}\t{}\t{}{}",
            t.id,
            t.role.as_str(),
            t.name,
            t.created_at,
            t.revoked_at
                .map(|r| format!("\trevoked {r}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// `tokens revoke ID`.
pub fn revoke(db: &Path, id: i64) -> Result<()> {
    let mut store =
        Store::open(db).with_context(|| format!("opening database {}", db.display()))?;
    if !store.revoke_token(id)? {
        bail!("no live token {id}");
    }
    let actor = watchfloor_store::Actor {
        token_id: None,
        name: "command line".into(),
        role: Role::Admin,
    };
    store.audit(&actor, "token.revoke", &format!("token:{id}"), "")?;
    println!("revoked token {id}");
    Ok(())
}
