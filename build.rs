//! `sqlx::migrate!` embeds the files under migrations/ at compile time, and cargo does not
//! know it reads them: without this, a new migration is missing from an incremental build.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
