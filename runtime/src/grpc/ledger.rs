//! `sui.rpc.v2.LedgerService`: the service's state and epochs. Checkpoints, objects and
//! transactions come with the later steps of docs/WIRE_MIGRATION.md (g).

use std::sync::Arc;

use sui_rpc::proto::sui::rpc::v2::{
    ledger_service_server::LedgerService, Epoch, GetEpochRequest, GetEpochResponse,
    GetServiceInfoRequest, GetServiceInfoResponse,
};
use tonic::{Request, Response, Status};

use crate::chain::LocalChain;

/// What `GetServiceInfo.chain` says: movid's chain is a local development network.
pub const CHAIN_NAME: &str = "localnet";

/// `LedgerService` over a [`LocalChain`].
#[derive(Clone)]
pub struct Ledger {
    chain: Arc<LocalChain>,
}

impl Ledger {
    /// The service for `chain`.
    pub fn new(chain: Arc<LocalChain>) -> Self {
        Ledger { chain }
    }

    /// Runs a chain read on the blocking pool (the store is synchronous).
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&LocalChain) -> Result<T, Status> + Send + 'static,
    ) -> Result<T, Status> {
        let chain = self.chain.clone();
        tokio::task::spawn_blocking(move || f(&chain))
            .await
            .map_err(|e| Status::internal(format!("the read did not finish: {e}")))?
    }
}

fn timestamp(ms: u64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: (ms / 1000) as i64,
        nanos: ((ms % 1000) * 1_000_000) as i32,
    }
}

#[tonic::async_trait]
impl LedgerService for Ledger {
    async fn get_service_info(
        &self,
        _request: Request<GetServiceInfoRequest>,
    ) -> Result<Response<GetServiceInfoResponse>, Status> {
        let info = self
            .read(|chain| {
                let meta = chain
                    .store()
                    .meta()
                    .map_err(|e| Status::internal(format!("the chain could not be read: {e}")))?
                    .ok_or_else(|| Status::unavailable("the chain has no genesis yet"))?;
                let mut info = GetServiceInfoResponse::default();
                // Sui's chain identifier is its genesis checkpoint digest in Base58; movid's is
                // the digest of its genesis writes, printed the same way.
                info.chain_id = Some(meta.genesis.to_string());
                info.chain = Some(CHAIN_NAME.to_string());
                info.epoch = Some(chain.epoch());
                info.timestamp = Some(timestamp(chain.clock_ms()));
                info.server = Some(format!("movid/{}", env!("CARGO_PKG_VERSION")));
                Ok(info)
            })
            .await?;
        Ok(Response::new(info))
    }

    async fn get_epoch(
        &self,
        request: Request<GetEpochRequest>,
    ) -> Result<Response<GetEpochResponse>, Status> {
        let asked = request.into_inner().epoch;
        let epoch = self
            .read(move |chain| {
                let current = chain.epoch();
                let number = asked.unwrap_or(current);
                if number > current {
                    return Err(Status::not_found(format!(
                        "epoch {number} has not started (the current epoch is {current})"
                    )));
                }
                let mut epoch = Epoch::default();
                epoch.epoch = Some(number);
                // One price for every epoch: movid's reference gas price never changes.
                epoch.reference_gas_price = Some(chain.reference_gas_price());
                Ok(epoch)
            })
            .await?;
        let mut response = GetEpochResponse::default();
        response.epoch = Some(epoch);
        Ok(Response::new(response))
    }
}
