//! Sui's full-node gRPC API (`sui.rpc.v2`, the services of Mysten's `sui-rpc` crate) for a
//! [`LocalChain`], served beside the JSON-RPC on the node's one port: native gRPC over HTTP/2
//! and gRPC-web over HTTP/1.1 (what `@mysten/sui`'s `SuiGrpcClient` speaks from Node.js or a
//! browser).
//!
//! This is the first step of docs/WIRE_MIGRATION.md step (g): `LedgerService.GetServiceInfo`
//! and `GetEpoch` answer; every other method of every service answers `UNIMPLEMENTED` naming
//! the method, so a client learns what is missing instead of hanging or misreading. A
//! malformed request body is refused by tonic before any handler runs.

mod ledger;

use std::sync::Arc;

use sui_rpc::proto::sui::rpc::v2::{
    ledger_service_server::LedgerServiceServer,
    move_package_service_server::{MovePackageService, MovePackageServiceServer},
    name_service_server::{NameService, NameServiceServer},
    signature_verification_service_server::{
        SignatureVerificationService, SignatureVerificationServiceServer,
    },
    state_service_server::{StateService, StateServiceServer},
    subscription_service_server::{SubscriptionService, SubscriptionServiceServer},
    transaction_execution_service_server::{
        TransactionExecutionService, TransactionExecutionServiceServer,
    },
};
use tonic::server::NamedService;

use crate::chain::LocalChain;

pub use ledger::Ledger;

/// The services movid registers, each of whose methods not implemented yet answers
/// `UNIMPLEMENTED` (the generated defaults).
#[derive(Clone, Copy, Debug, Default)]
pub struct NotYet;

impl MovePackageService for NotYet {}
impl NameService for NotYet {}
impl SignatureVerificationService for NotYet {}
impl StateService for NotYet {}
impl SubscriptionService for NotYet {}
impl TransactionExecutionService for NotYet {}

/// The gRPC services' full names (`sui.rpc.v2.LedgerService`, ...): the first segment of
/// their request paths.
pub const SERVICES: [&str; 7] = [
    <LedgerServiceServer<Ledger> as NamedService>::NAME,
    <MovePackageServiceServer<NotYet> as NamedService>::NAME,
    <NameServiceServer<NotYet> as NamedService>::NAME,
    <SignatureVerificationServiceServer<NotYet> as NamedService>::NAME,
    <StateServiceServer<NotYet> as NamedService>::NAME,
    <SubscriptionServiceServer<NotYet> as NamedService>::NAME,
    <TransactionExecutionServiceServer<NotYet> as NamedService>::NAME,
];

/// An axum router serving every `sui.rpc.v2` service for `chain`, with gRPC-web translated.
/// Mount it at `/{service}/{*method}` for each of [`SERVICES`].
pub fn router(chain: Arc<LocalChain>) -> axum::Router {
    tonic::service::Routes::new(LedgerServiceServer::new(Ledger::new(chain)))
        .add_service(MovePackageServiceServer::new(NotYet))
        .add_service(NameServiceServer::new(NotYet))
        .add_service(SignatureVerificationServiceServer::new(NotYet))
        .add_service(StateServiceServer::new(NotYet))
        .add_service(SubscriptionServiceServer::new(NotYet))
        .add_service(TransactionExecutionServiceServer::new(NotYet))
        .prepare()
        .into_axum_router()
        .layer(tonic_web::GrpcWebLayer::new())
}
