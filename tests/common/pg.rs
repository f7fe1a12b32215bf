//! A scratch schema on the PostgreSQL server `PROMPTLY_TEST_PG` names (`.ci/run` starts a
//! throwaway cluster and sets it): each test gets a schema of its own, `t_<pid>_<n>_<time>`,
//! first in its connection's search path and dropped when the test ends, so tests run side by
//! side on one database. Without `PROMPTLY_TEST_PG` a test prints one SKIPPED line and checks
//! nothing (it still shows as passed in cargo's summary: read the line).

use postgres::Client;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct Scratch {
    pub client: Client,
    pub schema: String,
    /// The URL as errors print it (no password).
    pub shown: String,
}

/// A fresh schema for `test`, or `None` (after a SKIPPED line on stderr) without a server.
pub fn scratch(test: &str) -> Option<Scratch> {
    let Some(url) = std::env::var("PROMPTLY_TEST_PG").ok().filter(|u| !u.is_empty()) else {
        eprintln!("SKIPPED {test}: PROMPTLY_TEST_PG is not set, so nothing was checked against PostgreSQL");
        return None;
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = format!(
        "t_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut client = promptly::store::pg::connect(&url).unwrap_or_else(|e| panic!("{test}: {e}"));
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}; SET search_path TO {schema}"))
        .unwrap();
    let shown = promptly::store::pg::printable_url(&url).unwrap();
    eprintln!("{test}: on PostgreSQL {shown}, schema {schema}");
    Some(Scratch { client, schema, shown })
}

impl Scratch {
    /// The server's URL on this schema, each session named `application` (so a test can find
    /// its backend in `pg_stat_activity`).
    #[allow(dead_code)]
    pub fn url_named(&self, application: &str) -> String {
        let url = std::env::var("PROMPTLY_TEST_PG").unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        format!(
            "{url}{sep}options=-csearch_path%3D{}&application_name={application}",
            self.schema
        )
    }

    /// Ends every session named `application` as an administrator would
    /// (`pg_terminate_backend`), and waits until they are gone. How many it ended.
    #[allow(dead_code)]
    pub fn terminate(&mut self, application: &str) -> usize {
        let pids: Vec<i32> = self
            .client
            .query(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
                &[&application],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        for pid in &pids {
            self.client.execute("SELECT pg_terminate_backend($1)", &[pid]).unwrap();
        }
        let start = std::time::Instant::now();
        while self
            .client
            .query_one("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)", &[&pids])
            .unwrap()
            .get::<_, i64>(0)
            > 0
        {
            assert!(start.elapsed().as_secs() < 30, "sessions {pids:?} still there");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        pids.len()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = self.client.batch_execute(&format!(
            "RESET ROLE; DROP SCHEMA IF EXISTS {0} CASCADE; DROP SCHEMA IF EXISTS {0}_away CASCADE",
            self.schema
        ));
    }
}

/// The test server's URL with `schema` first in the connection's search path.
pub fn url_for(schema: &str) -> String {
    let url = std::env::var("PROMPTLY_TEST_PG").unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// [`url_for`] the scratch schema.
pub fn url(s: &Scratch) -> String {
    url_for(&s.schema)
}

/// A store on the scratch schema, its tables made (`Store::open_server`).
pub fn store(s: &Scratch) -> promptly::store::Store {
    promptly::store::Store::open_server(&url(s)).unwrap_or_else(|e| panic!("{}, schema {}: {e}", s.shown, s.schema))
}
