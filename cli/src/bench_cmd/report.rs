//! The report: one JSON document per run and its text rendering.

use super::*;

/// `store_bytes_per_identity` and what it counts: on redb, the growth of the pages its tables
/// occupy (the file growth goes to `file_bytes_per_identity`);
/// in memory, the serialized objects.
pub(super) fn store_bytes(v: &mut Value, object_bytes: f64, redb_bytes: Option<(f64, f64)>) {
    match redb_bytes {
        Some((file, used)) => {
            v["store_bytes_per_identity"] = json!(used);
            v["store_bytes_basis"] =
                json!("growth of the pages redb's tables occupy (data, B-tree, fragmentation) / identities");
            // redb grows its file in steps and keeps freed pages: meaningful for many identities only.
            v["file_bytes_per_identity"] = json!(file);
        }
        None => {
            v["store_bytes_per_identity"] = json!(object_bytes);
            v["store_bytes_basis"] =
                json!("serialized objects created (identity, caps) / identities");
        }
    }
}

pub(super) fn report(s: &Setting, m: &Measure) -> Value {
    let mut v = s.json();
    if let (Value::Object(a), Value::Object(b)) = (&mut v, m.json(s.batch)) {
        a.extend(b);
    }
    v["peak_memory_kib"] = json!(peak_memory_kib());
    v
}

/// The report for people.
pub(super) fn text(v: &Value) -> String {
    let f = |k: &str| v[k].as_f64().unwrap_or(0.0);
    let workload = match v["workload"].as_str().unwrap_or("") {
        "scale" => "scale run of the proposal cycle",
        w => w,
    };
    let mut s = format!(
        "{workload} on {} ({} controller(s), threshold {}), batches of {}:\n",
        v["store"].as_str().unwrap_or(""),
        v["controllers"],
        v["threshold"],
        v["batch"],
    );
    let row = |r: &Value| {
        let g = |k: &str| r[k].as_f64().unwrap_or(0.0);
        let full = format!(
            "  full  {:>9.0}/s {:>9.1} µs/tx  (p50 {:.3} ms, p99 {:.3} ms per {})\n",
            g("per_second"),
            g("full_us_per_tx"),
            g("p50_ms"),
            g("p99_ms"),
            r["latency_unit"].as_str().unwrap_or(""),
        );
        let floor = match r["ratio"].as_f64() {
            Some(ratio) => format!(
                "  floor {:>9.0}/s {:>9.1} µs/tx  ratio {ratio:.2}x\n  CPU time: full {:.1} µs/tx, floor {:.1} µs/tx, ratio {:.2}x\n",
                g("floor_per_second"),
                g("floor_us_per_tx"),
                g("full_cpu_us_per_tx"),
                g("floor_cpu_us_per_tx"),
                g("cpu_ratio"),
            ),
            None => format!(
                "  floor not measured; CPU time {:.1} µs/tx\n",
                g("full_cpu_us_per_tx")
            ),
        };
        full + &floor
    };
    match v["checkpoints"].as_array() {
        Some(rows) => {
            s += &format!(
                "  created {} identities in {:.1} s ({:.0}/s)\n",
                v["identities"],
                f("create_seconds"),
                f("created_per_second")
            );
            for r in rows {
                s += &format!(
                    " at {} identities, {} transactions:\n",
                    r["identities"], r["count"]
                );
                s += &row(r);
            }
            s += &format!(
                "  cost at the last checkpoint / the first: {:.2}x (CPU time {:.2}x)\n",
                f("cost_growth"),
                f("cpu_cost_growth")
            );
        }
        None => {
            s += &format!(" {} transactions:\n", v["count"]);
            s += &row(v);
        }
    }
    if v.get("store_bytes_per_identity").is_some() {
        s += &format!(
            "  store: {:.0} bytes per identity ({}); objects alone {:.0}\n",
            f("store_bytes_per_identity"),
            v["store_bytes_basis"].as_str().unwrap_or(""),
            f("object_bytes_per_identity"),
        );
        if v.get("file_bytes_per_identity").is_some() {
            s += &format!(
                "  redb file growth: {:.0} bytes per identity\n",
                f("file_bytes_per_identity")
            );
        }
    }
    s += &format!(
        "  peak memory {} MiB{}",
        v["peak_memory_kib"].as_u64().unwrap_or(0) / 1024,
        if cfg!(debug_assertions) {
            " (debug build: use --release for real figures)"
        } else {
            ""
        }
    );
    s
}
