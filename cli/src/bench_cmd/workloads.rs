//! The workloads: transfers, identity creations, the proposal cycle, DID resolutions, and the
//! scale run over many identities.

use super::*;

pub(super) fn transfers(bench: &mut Bench, pop: &Population, s: &Setting) -> CliResult<Value> {
    let round = |bench: &Bench, n: usize| -> Vec<SignedTransaction> {
        (0..n)
            .map(|l| {
                let to = pop.keys[(l + 1) % pop.keys.len()][0].address();
                let mut b = PtbBuilder::new();
                let amt = b.pure(&1u64);
                let coin = b.split_coins(Argument::GasCoin, vec![amt]);
                let to = b.pure(&to);
                b.transfer_objects(vec![coin], to);
                bench.sign(&pop.keys[l][0], b.finish(), BUDGET)
            })
            .collect()
    };
    bench.submit(round(bench, 1), Some(&mut Measure::default()))?;
    let mut m = Measure::default();
    let mut left = s.count;
    while left > 0 {
        let n = left.min(s.lanes);
        bench.submit(round(bench, n), Some(&mut m))?;
        left -= n;
    }
    Ok(report(s, &m))
}

pub(super) fn creations(
    bench: &mut Bench,
    pop: &Population,
    s: &Setting,
    redb: Option<&RedbStore>,
) -> CliResult<Value> {
    let doc = did_doc(DOC_SIZE);
    let round = |bench: &Bench, n: usize| -> Vec<SignedTransaction> {
        (0..n)
            .map(|l| {
                let mut b = PtbBuilder::new();
                let d = b.pure(&Some(doc.clone()));
                let c = b.object(clock());
                b.move_call(ObjectID::IDENTITY, "identity", "new", vec![], vec![d, c]);
                bench.sign(&pop.keys[l][0], b.finish(), BUDGET)
            })
            .collect()
    };
    bench.submit(round(bench, 1), Some(&mut Measure::default()))?;
    let before = store_size(redb)?;
    let mut m = Measure::default();
    let mut object_bytes = 0;
    let mut left = s.count;
    while left > 0 {
        let n = left.min(s.lanes);
        for r in bench.submit(round(bench, n), Some(&mut m))? {
            object_bytes += bench.created_bytes(&r)?;
        }
        left -= n;
    }
    let mut v = report(s, &m);
    let per_identity = object_bytes as f64 / s.count as f64;
    v["object_bytes_per_identity"] = json!(per_identity);
    store_bytes(
        &mut v,
        per_identity,
        redb.map(|_| -> CliResult<(f64, f64)> {
            let after = store_size(redb)?;
            Ok((
                after.0.saturating_sub(before.0) as f64 / s.count as f64,
                after.1.saturating_sub(before.1) as f64 / s.count as f64,
            ))
        })
        .transpose()?,
    );
    Ok(v)
}

pub(super) fn proposals(
    bench: &mut Bench,
    pop: &mut Population,
    s: &Setting,
    out: Output,
) -> CliResult<Value> {
    let bar = progress(out, s.lanes);
    pop.grow(bench, s.lanes, None, &bar)?;
    bar.finish_and_clear();
    let mut rng = 0x9E37_79B9_7F4A_7C15;
    pop.cycle(bench, pop.threshold, 1, &mut Measure::default(), &mut rng)?;
    let mut m = Measure::default();
    pop.cycle(bench, s.count, usize::MAX, &mut m, &mut rng)?;
    Ok(report(s, &m))
}

pub(super) fn resolutions(
    bench: &mut Bench,
    pop: &mut Population,
    s: &Setting,
    out: Output,
) -> CliResult<Value> {
    let bar = progress(out, s.lanes);
    pop.grow(bench, s.lanes, None, &bar)?;
    bar.finish_and_clear();
    let ids: Vec<ObjectID> = pop.identities.iter().flatten().map(|(id, _)| *id).collect();
    let dids: Vec<String> = ids
        .iter()
        .map(|id| format!("did:movid:local:{id}"))
        .collect();
    let client = movid_sdk::client::InProcessClient::new(bench.chain.clone());
    let store = bench.chain.store().clone();
    // Full: the SDK resolver (DID parsing, client read, identity decoding, W3C document model
    // and metadata). Floor: the store read and the BCS decoding of the identity.
    let full = |rt: &tokio::runtime::Runtime, did: &String| -> CliResult<()> {
        let res = rt.block_on(movid_sdk::resolver::resolve(&client, did))?;
        if res.did_document.is_none() {
            return Err(CliError::plain(format!("{did} resolved to no document")));
        }
        Ok(())
    };
    let floor = |id: &ObjectID| -> CliResult<()> {
        let o = store
            .get_object(id)?
            .ok_or_else(|| CliError::plain(format!("identity {id} does not exist")))?;
        let ident = OnChainIdentity::from_object(&o, "local")?;
        if ident.did_doc.is_none_or(|d| d.is_empty()) {
            return Err(CliError::plain(format!("identity {id} has no document")));
        }
        Ok(())
    };
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a tokio runtime")
    };
    let rt = runtime();
    full(&rt, &dids[0])?;
    floor(&ids[0])?;
    let mut m = Measure::default();
    let mut next = 0;
    while m.txs < s.count {
        let n = (s.count - m.txs).min(s.batch);
        let chunk: Vec<usize> = (next..next + n).map(|i| i % ids.len()).collect();
        next += n;
        let watch = Stopwatch::start();
        if s.batch == 1 {
            full(&rt, &dids[chunk[0]])?;
        } else {
            chunk
                .par_iter()
                .map_init(runtime, |rt, &i| full(rt, &dids[i]))
                .collect::<CliResult<()>>()?;
        }
        let (elapsed, elapsed_cpu) = watch.elapsed();
        let watch = Stopwatch::start();
        if bench.floor_on && s.batch == 1 {
            floor(&ids[chunk[0]])?;
        } else if bench.floor_on {
            chunk
                .par_iter()
                .map(|&i| floor(&ids[i]))
                .collect::<CliResult<()>>()?;
        }
        m.add_floor(watch.elapsed());
        m.add_full(n, (elapsed, elapsed_cpu));
    }
    Ok(report(s, &m))
}

pub(super) fn scale(
    bench: &mut Bench,
    pop: &mut Population,
    s: &Setting,
    n: usize,
    redb: Option<&RedbStore>,
    out: Output,
) -> CliResult<Value> {
    let mut checkpoints: Vec<usize> = CHECKPOINTS.into_iter().filter(|c| *c <= n).collect();
    if checkpoints.last() != Some(&n) {
        checkpoints.push(n);
    }
    let bar = progress(out, n);
    let mut rng = 0x9E37_79B9_7F4A_7C15;
    let mut rows = vec![];
    let mut total = Measure::default();
    for (i, c) in checkpoints.iter().enumerate() {
        pop.grow(bench, *c, redb, &bar)?;
        if i == 0 {
            pop.cycle(bench, pop.threshold, 1, &mut Measure::default(), &mut rng)?;
        }
        let mut m = Measure::default();
        pop.cycle(bench, s.count, usize::MAX, &mut m, &mut rng)?;
        let mut row = m.json(s.batch);
        row["identities"] = json!(c);
        rows.push(row);
        total.txs += m.txs;
    }
    bar.finish_and_clear();
    let per_identity = pop.object_bytes as f64 / pop.sampled.max(1) as f64;
    let mut v = s.json();
    v["workload"] = json!("scale");
    v["identities"] = json!(n);
    v["count"] = json!(total.txs);
    v["count_per_checkpoint"] = json!(s.count);
    v["create_seconds"] = json!(pop.seconds);
    v["created_per_second"] = json!(pop.total as f64 / pop.seconds.max(1e-9));
    v["object_bytes_per_identity"] = json!(per_identity);
    store_bytes(
        &mut v,
        per_identity,
        redb.map(|_| {
            (
                pop.file_bytes as f64 / pop.total as f64,
                pop.used_bytes as f64 / pop.total as f64,
            )
        }),
    );
    let first = rows[0]["full_us_per_tx"].as_f64().unwrap_or(0.0);
    let last = rows[rows.len() - 1]["full_us_per_tx"]
        .as_f64()
        .unwrap_or(0.0);
    v["cost_growth"] = json!(last / first.max(1e-9));
    let cpu = |r: &Value| r["full_cpu_us_per_tx"].as_f64().unwrap_or(0.0);
    v["cpu_cost_growth"] = json!(cpu(&rows[rows.len() - 1]) / cpu(&rows[0]).max(1e-9));
    v["checkpoints"] = json!(rows);
    v["peak_memory_kib"] = json!(peak_memory_kib());
    Ok(v)
}
