//! The chain under benchmark: its lanes of keys, gas coins and identities ([`Population`]) and
//! the runner that executes a round on the chain and again on the floor ([`Bench`]).

use super::*;

/// The chain under test, the executor that captures traces, and the floor.
pub(super) struct Bench {
    pub(super) chain: Arc<LocalChain>,
    pub(super) tracer: Executor,
    pub(super) floor: FloorRunner,
    /// Whether measured transactions are traced and replayed on the floor.
    pub(super) floor_on: bool,
    pub(super) batch: usize,
    /// Latest reference of every owned object the benchmark uses (gas coins, caps).
    pub(super) refs: HashMap<ObjectID, ObjectReference>,
    /// Each key's gas coin.
    pub(super) gas: HashMap<Address, ObjectID>,
}

impl Bench {
    pub(super) fn new(
        chain: Arc<LocalChain>,
        batch: usize,
        keys: &[Vec<KeyPair>],
    ) -> CliResult<Bench> {
        let floor = FloorRunner::from_store(&**chain.store(), &FloorRunner::GENESIS_PACKAGES)?;
        let mut bench = Bench {
            chain,
            tracer: Executor::new(),
            floor,
            floor_on: true,
            batch,
            refs: HashMap::new(),
            gas: HashMap::new(),
        };
        for key in keys.iter().flatten() {
            let coin = bench.chain.gas_coins(&key.address())?[0].object_ref();
            bench.gas.insert(key.address(), *coin.object_id());
            bench.refs.insert(*coin.object_id(), coin);
        }
        Ok(bench)
    }

    pub(super) fn sign(
        &self,
        key: &KeyPair,
        ptb: ProgrammableTransaction,
        budget: u64,
    ) -> SignedTransaction {
        let sender = key.address();
        let data = TransactionData {
            kind: TransactionKind::ProgrammableTransaction(ptb),
            sender,
            gas_data: GasData {
                payment: vec![(self.refs[&self.gas[&sender]]).clone()],
                owner: sender,
                price: 1_000,
                budget,
            },
            expiration: TransactionExpiration::None,
        };
        SignedTransaction {
            signatures: vec![key.sign_transaction(&data)],
            data,
        }
    }

    /// Executes `tx` on the tracer against the chain's current state, committing nothing.
    pub(super) fn trace(
        &self,
        tx: &SignedTransaction,
        env: BlockEnv,
    ) -> CliResult<TransactionTrace> {
        let store = &**self.chain.store();
        let checked = check_transaction(store, &tx.data, env.epoch)?;
        let (out, trace) = self.tracer.execute_traced(store, &checked, env);
        if let ExecutionStatus::Failure { error, command } = &out.effects.status {
            return Err(CliError::plain(format!(
                "traced transaction failed in command {command:?}: {error}"
            )));
        }
        Ok(trace)
    }

    /// Submits independent transactions, `batch` at a time. With a `Measure`, each batch is
    /// traced first and replayed on the floor after, and both are timed.
    pub(super) fn submit(
        &mut self,
        txs: Vec<SignedTransaction>,
        mut measure: Option<&mut Measure>,
    ) -> CliResult<Vec<ExecutionResult>> {
        let meta = self
            .chain
            .store()
            .meta()?
            .ok_or_else(|| CliError::plain("the store has no chain"))?;
        let env = BlockEnv {
            epoch: meta.epoch,
            epoch_start_ms: meta.epoch_start_ms,
        };
        let mut results = Vec::with_capacity(txs.len());
        let mut txs = txs.into_iter().peekable();
        while txs.peek().is_some() {
            let chunk: Vec<SignedTransaction> = txs.by_ref().take(self.batch).collect();
            let traced = match measure {
                Some(_) if self.floor_on => {
                    let traces = chunk
                        .par_iter()
                        .map(|tx| self.trace(tx, env))
                        .collect::<CliResult<Vec<_>>>()?;
                    Some((chunk.clone(), traces))
                }
                _ => None,
            };
            let n = chunk.len();
            let watch = Stopwatch::start();
            let done = if self.batch == 1 {
                chunk.into_iter().map(|tx| self.chain.execute(tx)).collect()
            } else {
                self.chain.execute_batch(chunk)
            };
            let (full, full_cpu) = watch.elapsed();
            for r in done {
                let r = r?;
                if let ExecutionStatus::Failure { error, command } = &r.effects.status {
                    return Err(CliError::plain(format!(
                        "benchmark transaction failed in command {command:?}: {error}"
                    )));
                }
                for (o, _) in r.effects.all_changed() {
                    if self.refs.contains_key(o.object_id()) {
                        self.refs.insert(*o.object_id(), o.clone());
                    }
                }
                results.push(r);
            }
            if let Some(m) = measure.as_deref_mut() {
                if let Some((txs, traces)) = traced {
                    let watch = Stopwatch::start();
                    if self.batch == 1 {
                        for (tx, t) in txs.iter().zip(&traces) {
                            self.floor.run(tx, t)?;
                        }
                    } else {
                        txs.par_iter()
                            .zip(&traces)
                            .try_for_each(|(tx, t)| self.floor.run(tx, t))?;
                    }
                    m.add_floor(watch.elapsed());
                }
                m.add_full(n, (full, full_cpu));
            }
        }
        Ok(results)
    }

    /// The cap IDs of an identity by controller index (the lane's key order), loading their
    /// references the first time.
    pub(super) fn caps_of(
        &mut self,
        identity: ObjectID,
        controllers: &[KeyPair],
    ) -> CliResult<Vec<ObjectID>> {
        let o = self
            .chain
            .get_object(&identity)?
            .ok_or_else(|| CliError::plain(format!("identity {identity} does not exist")))?;
        let ident = OnChainIdentity::from_object(&o, "local")?;
        let mut caps = vec![ObjectID::ZERO; controllers.len()];
        for c in ident.controllers {
            let cap = self
                .chain
                .get_object(&c.cap_id)?
                .ok_or_else(|| CliError::plain(format!("cap {} does not exist", c.cap_id)))?;
            let Owner::AddressOwner(owner) = cap.owner else {
                return Err(CliError::plain(format!("cap {} is not owned", c.cap_id)));
            };
            let j = controllers
                .iter()
                .position(|k| k.address() == owner)
                .ok_or_else(|| CliError::plain(format!("cap {} has a stranger", c.cap_id)))?;
            caps[j] = cap.id();
            self.refs.entry(cap.id()).or_insert(cap.object_ref());
        }
        Ok(caps)
    }

    /// Serialized size of the objects a transaction created.
    pub(super) fn created_bytes(&self, r: &ExecutionResult) -> CliResult<u64> {
        let mut n = 0;
        for (o, _) in &r.effects.created {
            if let Some(obj) = self.chain.get_object(o.object_id())? {
                n += bcs::serialized_size(&obj)? as u64;
            }
        }
        Ok(n)
    }
}

/// The identities of a benchmark, in lanes: lane `l` has its own `K` controller keys (each with
/// one gas coin) and controls only its own identities, so transactions of different lanes never
/// share an input.
pub(super) struct Population {
    pub(super) keys: Vec<Vec<KeyPair>>,
    pub(super) threshold: usize,
    /// Per lane: each identity and its initial shared version.
    pub(super) identities: Vec<Vec<(ObjectID, SequenceNumber)>>,
    /// Cap IDs by controller index, for identities the cycle has used.
    pub(super) caps: HashMap<ObjectID, Vec<ObjectID>>,
    pub(super) total: usize,
    /// Serialized bytes of the objects created with the identities counted in `sampled`.
    pub(super) object_bytes: u64,
    pub(super) sampled: u64,
    /// Wall time spent creating identities.
    pub(super) seconds: f64,
    /// Growth of the redb file while creating identities.
    pub(super) file_bytes: u64,
    /// Growth of the bytes the redb tables occupy while identities were created.
    pub(super) used_bytes: u64,
}

impl Population {
    pub(super) fn new(keys: Vec<Vec<KeyPair>>, threshold: usize) -> Population {
        let lanes = keys.len();
        Population {
            keys,
            threshold,
            identities: vec![vec![]; lanes],
            caps: HashMap::new(),
            total: 0,
            object_bytes: 0,
            sampled: 0,
            seconds: 0.0,
            file_bytes: 0,
            used_bytes: 0,
        }
    }

    /// Creates identities until there are `target`, many per transaction, one transaction per
    /// lane per round.
    pub(super) fn grow(
        &mut self,
        bench: &mut Bench,
        target: usize,
        redb: Option<&RedbStore>,
        bar: &indicatif::ProgressBar,
    ) -> CliResult<()> {
        let started = Instant::now();
        let size_before = store_size(redb)?;
        let doc = did_doc(DOC_SIZE);
        let k = self.keys[0].len();
        while self.total < target {
            let mut txs = vec![];
            let mut left = target - self.total;
            // Spread evenly, so that every lane has identities to cycle on.
            let per_lane = left.div_ceil(self.keys.len()).min(IDENTITIES_PER_TX);
            for lane in &self.keys {
                if left == 0 {
                    break;
                }
                let m = left.min(per_lane);
                left -= m;
                let mut b = PtbBuilder::new();
                let d = b.pure(&Some(doc.clone()));
                let addrs = b.pure(&lane.iter().map(KeyPair::address).collect::<Vec<_>>());
                let vps = b.pure(&vec![1u64; k]);
                let del = b.pure(&vec![false; k]);
                let t = b.pure(&(self.threshold as u64));
                let c = b.object(clock());
                for _ in 0..m {
                    b.move_call(
                        ObjectID::IDENTITY,
                        "identity",
                        "new_with_controllers",
                        vec![],
                        vec![d, addrs, vps, del, t, c],
                    );
                }
                txs.push(bench.sign(&lane[0], b.finish(), MAX_GAS_BUDGET));
            }
            let results = bench.submit(txs, None)?;
            for (lane, r) in results.iter().enumerate() {
                let created: Vec<_> = r
                    .effects
                    .created
                    .iter()
                    .filter_map(|(o, owner)| match owner {
                        Owner::Shared {
                            initial_shared_version,
                        } => Some((*o.object_id(), *initial_shared_version)),
                        _ => None,
                    })
                    .collect();
                self.total += created.len();
                bar.inc(created.len() as u64);
                // Every identity is alike: the first transaction of each round is a fair sample.
                if lane == 0 {
                    self.object_bytes += bench.created_bytes(r)?;
                    self.sampled += created.len() as u64;
                }
                self.identities[lane].extend(created);
            }
        }
        self.seconds += started.elapsed().as_secs_f64();
        let size_after = store_size(redb)?;
        self.file_bytes += size_after.0.saturating_sub(size_before.0);
        self.used_bytes += size_after.1.saturating_sub(size_before.1);
        Ok(())
    }

    /// Runs `count` transactions of the proposal cycle on up to `max_lanes` lanes, each lane
    /// on an identity drawn at random from its own for every cycle.
    pub(super) fn cycle(
        &mut self,
        bench: &mut Bench,
        count: usize,
        max_lanes: usize,
        measure: &mut Measure,
        rng: &mut u64,
    ) -> CliResult<()> {
        let doc = did_doc(DOC_SIZE);
        let t = self.threshold;
        let mut left = count;
        while left > 0 {
            // Lanes fill in order, so those with identities come first.
            let filled = self.identities.iter().take_while(|i| !i.is_empty()).count();
            let lanes = filled.min(max_lanes).min(left.div_ceil(t));
            // (lane, identity argument, caps)
            let mut work = vec![];
            for l in 0..lanes {
                let ids = &self.identities[l];
                let (id, isv) = ids[(xorshift(rng) % ids.len() as u64) as usize];
                let caps = match self.caps.get(&id) {
                    Some(c) => c.clone(),
                    None => {
                        let c = bench.caps_of(id, &self.keys[l])?;
                        self.caps.insert(id, c.clone());
                        c
                    }
                };
                let ident = ObjectArg::Shared {
                    id,
                    initial_shared_version: isv,
                    mutable: true,
                };
                work.push((l, ident, caps));
            }
            // Propose.
            let n = lanes.min(left);
            let mut txs = vec![];
            for (l, ident, caps) in &work[..n] {
                let mut b = PtbBuilder::new();
                let auth = auth_with_cap(&mut b, (bench.refs[&caps[0]]).clone());
                let i = b.object(ident.clone());
                let exp = b.pure(&Option::<u64>::None);
                let d = b.pure(&doc);
                let c = b.object(clock());
                b.move_call(
                    ObjectID::IDENTITY,
                    "did_proposal",
                    "propose_update",
                    vec![],
                    vec![i, auth, exp, d, c],
                );
                txs.push(bench.sign(&self.keys[*l][0], b.finish(), BUDGET));
            }
            let results = bench.submit(txs, Some(measure))?;
            left -= n;
            if t == 1 {
                continue;
            }
            let proposals = results
                .iter()
                .map(proposal_created)
                .collect::<CliResult<Vec<_>>>()?;
            // Approve; the approval that reaches the threshold executes too.
            for j in 1..t {
                let n = proposals.len().min(left);
                if n == 0 {
                    break;
                }
                let mut txs = vec![];
                for ((l, ident, caps), proposal) in work.iter().zip(&proposals).take(n) {
                    let mut b = PtbBuilder::new();
                    let auth = auth_with_cap(&mut b, (bench.refs[&caps[j]]).clone());
                    let i = b.object(ident.clone());
                    let p = b.pure(proposal);
                    b.move_call(
                        ObjectID::IDENTITY,
                        "identity",
                        "approve_proposal",
                        vec![update_did_type()],
                        vec![i, auth, p],
                    );
                    if j + 1 == t {
                        let c = b.object(clock());
                        b.move_call(
                            ObjectID::IDENTITY,
                            "did_proposal",
                            "execute_update",
                            vec![],
                            vec![i, auth, p, c],
                        );
                    }
                    txs.push(bench.sign(&self.keys[*l][j], b.finish(), BUDGET));
                }
                bench.submit(txs, Some(measure))?;
                left -= n;
            }
        }
        Ok(())
    }
}
