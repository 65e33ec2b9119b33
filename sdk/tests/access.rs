//! Identity-first network access end to end: an in-process chain with an
//! access authority, the enrollment service, the CA, a gate and an echo
//! service on 127.0.0.1, and real TLS connections through the gate.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::World;
use movid_runtime::crypto::KeyPair;
use movid_runtime::genesis::MIST_PER_SUI;
use movid_runtime::types::{random_address, Address, ObjectID};
use movid_sdk::access::{
    AccessClient, AccessConnector, AccessError, AuthorityChange, CertificateAuthority, CloseReason,
    CsrParams, DeviceKey, EnrollmentService, EnrollmentToken, Gate, GateConfig, GateEvent, GateKey,
    IssuedCertificate, Policy, Proof, Refusal, RunningGate,
};
use movid_sdk::did::{Did, DidDocument, KeyFormat, PublicKey, Relationship};
use movid_sdk::identity::OnChainIdentity;
use movid_sdk::keys::{Backend, Capability, Committer, IdentityManager, Scheme};
use movid_sdk::{Client, IdentityError, InProcessClient, SdkError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::broadcast;

/// A TCP echo service counting the connections it accepted.
struct Echo {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl Echo {
    async fn start() -> Echo {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let (mut r, mut w) = stream.split();
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                });
            }
        });
        Echo { addr, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// An authority governed by a 2-of-3 identity (alice, bob, carol) whose
/// document lists the enrollment key; a subject identity controlled by dave
/// with a policy for `echo` and one session; a gate forwarding `echo` and
/// `admin` to two echo services.
struct Setup {
    world: World,
    access: AccessClient,
    backend: Backend,
    authority: ObjectID,
    authority_identity: OnChainIdentity,
    enrollment: EnrollmentService,
    ca: CertificateAuthority,
    subject: OnChainIdentity,
    subject_key: Committer,
    echo: Echo,
    admin: Echo,
    gate: RunningGate,
}

async fn commit_key(backend: &Backend) -> Committer {
    let (_, handle) = IdentityManager::new()
        .generate(backend, Scheme::Ed25519, Capability::Commit)
        .await
        .unwrap();
    handle.require_committer().unwrap()
}

fn document(did: &Did, keys: &[(&str, [u8; 32], Relationship)]) -> DidDocument {
    let mut builder = DidDocument::builder(did.clone());
    for (fragment, key, relationship) in keys {
        builder = builder.key(
            fragment,
            PublicKey::Ed25519(*key),
            KeyFormat::Multibase,
            &[*relationship],
        );
    }
    builder.build().unwrap()
}

/// An identity controlled by `controllers` with `threshold`, its document
/// listing `enrollment_key` as an assertion method, and an authority it
/// governs with `ca_key`.
async fn authority(
    world: &World,
    access: &AccessClient,
    controllers: &[&KeyPair],
    threshold: u64,
    enrollment_key: &Committer,
    ca_key: &Committer,
) -> (OnChainIdentity, ObjectID) {
    let doc = document(
        &Did::local([0; 32]),
        &[(
            "enroll-1",
            enrollment_key.public_key(),
            Relationship::AssertionMethod,
        )],
    );
    let mut builder = world
        .ids
        .create_identity()
        .threshold(threshold)
        .document(&doc);
    for c in controllers {
        builder = builder.controller(c.address(), 1);
    }
    let identity = builder.execute(controllers[0]).await.unwrap();
    let authority = access
        .create_authority(controllers[0], identity.id, ca_key.public_key())
        .await
        .unwrap();
    // The CA records each redemption from its own account: it needs gas.
    world
        .coin_for(Address::new(ca_key.address()), 100 * MIST_PER_SUI)
        .await;
    (identity, authority)
}

impl Setup {
    async fn new() -> Setup {
        Setup::with_max_sessions(1).await
    }

    async fn with_max_sessions(max_sessions: u64) -> Setup {
        let client: Arc<dyn Client> = Arc::new(InProcessClient::new_dev().unwrap());
        let world = World::new(client.clone());
        let access = AccessClient::new(client.clone());
        let backend = Backend::memory();
        let enrollment_key = commit_key(&backend).await;
        let ca_key = commit_key(&backend).await;
        let (authority_identity, authority) = authority(
            &world,
            &access,
            &[world.alice(), world.bob(), world.carol()],
            2,
            &enrollment_key,
            &ca_key,
        )
        .await;

        let subject_key = commit_key(&backend).await;
        let doc = document(
            &Did::local([0; 32]),
            &[(
                "key-1",
                subject_key.public_key(),
                Relationship::Authentication,
            )],
        );
        let subject = world
            .ids
            .create_identity()
            .document(&doc)
            .execute(world.dave())
            .await
            .unwrap();

        let enrollment = EnrollmentService::new(access.clone(), authority, enrollment_key)
            .await
            .unwrap();
        let ca = CertificateAuthority::new(access.clone(), authority, ca_key)
            .await
            .unwrap();
        let echo = Echo::start().await;
        let admin = Echo::start().await;
        let gate_key = GateKey::generate().unwrap();
        let gate_cert = ca
            .issue_gate_certificate(&["127.0.0.1".into()], gate_key.public_key())
            .await
            .unwrap();
        let config = GateConfig::new(authority, gate_cert, gate_key)
            .service("echo", echo.addr.to_string())
            .service("admin", admin.addr.to_string())
            .epoch_poll_interval(Duration::from_millis(50));
        let gate = Gate::new(access.clone(), config)
            .unwrap()
            .bind("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let setup = Setup {
            world,
            access,
            backend,
            authority,
            authority_identity,
            enrollment,
            ca,
            subject,
            subject_key,
            echo,
            admin,
            gate,
        };
        setup
            .govern(&[AuthorityChange::SetPolicy {
                subject: setup.subject.id,
                allowed_services: vec!["echo".into()],
                max_sessions,
            }])
            .await;
        setup
    }

    /// One change through the authority identity: alice proposes, bob
    /// approves and executes.
    async fn govern(&self, changes: &[AuthorityChange]) {
        let ids = &self.world.ids;
        let alice = ids
            .controller(self.authority_identity.id, self.world.alice())
            .await
            .unwrap();
        let proposal = self
            .access
            .propose_changes(&alice, self.authority)
            .await
            .unwrap();
        let bob = ids
            .controller(self.authority_identity.id, self.world.bob())
            .await
            .unwrap();
        bob.approve(proposal).await.unwrap();
        self.access
            .execute_changes(&bob, self.authority, proposal, changes)
            .await
            .unwrap();
    }

    async fn policy(&self) -> Option<Policy> {
        let authority = self.access.authority(self.authority).await.unwrap();
        self.access
            .policy(&authority, self.subject.id)
            .await
            .unwrap()
    }

    fn did(&self) -> &Did {
        &self.subject.did
    }

    /// Step A: the subject answers a challenge with its key-1.
    async fn enroll_with(&self, service: &EnrollmentService) -> EnrollmentToken {
        let challenge = service.challenge();
        let method = format!("{}#key-1", self.did());
        let proof = Proof::sign(&challenge, method, &self.subject_key)
            .await
            .unwrap();
        service
            .enroll(&self.did().to_string(), &challenge, &proof)
            .await
            .unwrap()
    }

    async fn enroll(&self) -> EnrollmentToken {
        self.enroll_with(&self.enrollment).await
    }

    /// Step B: a device key, published in the subject's document under
    /// `authentication` (dave alone reaches the subject's threshold).
    async fn device(&self) -> DeviceKey {
        let device = DeviceKey::generate(&self.backend).await.unwrap();
        self.publish_keys(&[device.public_key()]).await;
        device
    }

    /// A device key the subject's document does not list.
    async fn unlisted_device(&self) -> DeviceKey {
        DeviceKey::generate(&self.backend).await.unwrap()
    }

    async fn publish_keys(&self, device_keys: &[[u8; 32]]) {
        let fragments: Vec<String> = (0..device_keys.len())
            .map(|i| format!("device-{i}"))
            .collect();
        let mut keys = vec![(
            "key-1",
            self.subject_key.public_key(),
            Relationship::Authentication,
        )];
        for (fragment, key) in fragments.iter().zip(device_keys) {
            keys.push((fragment.as_str(), *key, Relationship::Authentication));
        }
        let dave = self
            .world
            .ids
            .controller(self.subject.id, self.world.dave())
            .await
            .unwrap();
        let outcome = dave
            .propose_document(&document(self.did(), &keys))
            .await
            .unwrap();
        assert!(outcome.executed);
    }

    /// Steps A to C: a certificate for a fresh, published device key.
    async fn certificate(&self) -> (IssuedCertificate, DeviceKey) {
        let token = self.enroll().await;
        let device = self.device().await;
        let csr = device.csr(self.did(), &token).await.unwrap();
        let cert = self.ca.issue(&csr, token.as_str()).await.unwrap();
        (cert, device)
    }

    fn connector(&self, cert: &IssuedCertificate, device: &DeviceKey) -> AccessConnector {
        AccessConnector::new(self.access.clone(), self.authority).with_certificate(cert, device)
    }

    async fn deactivate_subject(&self) {
        let dave = self
            .world
            .ids
            .controller(self.subject.id, self.world.dave())
            .await
            .unwrap();
        assert!(dave.propose_deactivation().await.unwrap().executed);
    }
}

/// Sends `ping` through the gate and reads the answer; `Ok` only when the
/// echo came back.
async fn ping(connector: &AccessConnector, gate: SocketAddr, service: &str) -> Result<(), String> {
    let mut stream = connector
        .connect(gate, service)
        .await
        .map_err(|e| e.to_string())?;
    stream.write_all(b"ping").await.map_err(|e| e.to_string())?;
    let mut reply = [0u8; 4];
    match tokio::time::timeout(Duration::from_secs(10), stream.read_exact(&mut reply)).await {
        Ok(Ok(_)) if &reply == b"ping" => Ok(()),
        Ok(Ok(_)) => Err(format!("unexpected reply {reply:?}")),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("no answer".into()),
    }
}

/// The next refusal or admission the gate reports.
async fn next_decision(events: &mut broadcast::Receiver<GateEvent>) -> GateEvent {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .expect("the gate decides within 10 s")
            .expect("the gate is running");
        if !matches!(event, GateEvent::Closed { .. }) {
            return event;
        }
    }
}

/// Asserts the gate refuses the connection for `expected`, and that the
/// services saw nothing.
async fn assert_gate_refuses(
    setup: &Setup,
    connector: &AccessConnector,
    service: &str,
    expected: impl Fn(&Refusal) -> bool,
) {
    let mut events = setup.gate.subscribe();
    let before = (setup.echo.connections(), setup.admin.connections());
    let result = ping(connector, setup.gate.local_addr(), service).await;
    assert!(result.is_err(), "the connection was forwarded");
    match next_decision(&mut events).await {
        GateEvent::Refused { refusal, .. } => {
            assert!(expected(&refusal), "refused for another reason: {refusal}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        (setup.echo.connections(), setup.admin.connections()),
        before,
        "no byte may reach a service"
    );
}

fn refusal_of<T: std::fmt::Debug>(result: Result<T, AccessError>) -> Refusal {
    match result {
        Err(AccessError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// === The whole flow ===

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolled_device_reaches_the_service_through_the_gate() {
    let setup = Setup::new().await;
    let mut events = setup.gate.subscribe();

    let token = setup.enroll().await;
    let claims = token.claims();
    assert_eq!(claims.iss, setup.authority_identity.did.to_string());
    assert_eq!(claims.sub, movid_sdk::access::subject_hash(setup.did()));
    assert_eq!(
        claims.constraints.allowed_services,
        vec!["echo".to_string()]
    );
    assert_eq!(claims.constraints.max_sessions, 1);
    assert_eq!(claims.epoch, setup.world.client.epoch().await.unwrap());
    assert_eq!(
        token.kid(),
        format!("{}#enroll-1", setup.authority_identity.did)
    );

    let device = setup.device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    let request = csr.verify().unwrap();
    assert_eq!(&request.subject, setup.did());
    assert_eq!(request.token_hash, token.hash());
    let cert = setup.ca.issue(&csr, token.as_str()).await.unwrap();
    let info = cert.info().unwrap();
    assert_eq!(&info.subject, setup.did());
    assert_eq!(info.public_key, device.public_key());
    assert_eq!(info.services, vec!["echo".to_string()]);
    assert_eq!(info.serial, cert.serial());

    let connector = setup.connector(&cert, &device);
    let mut stream = connector
        .connect(setup.gate.local_addr(), "echo")
        .await
        .unwrap();
    for message in [&b"hello"[..], b", gate", &[7u8; 10_000]] {
        stream.write_all(message).await.unwrap();
        let mut back = vec![0u8; message.len()];
        stream.read_exact(&mut back).await.unwrap();
        assert_eq!(back, message);
    }
    match next_decision(&mut events).await {
        GateEvent::Admitted {
            subject,
            service,
            serial,
            ..
        } => {
            assert_eq!(&subject, setup.did());
            assert_eq!(service, "echo");
            assert_eq!(serial, cert.serial());
        }
        other => panic!("expected an admission, got {other:?}"),
    }
    assert_eq!(setup.echo.connections(), 1);
    assert_eq!(setup.gate.open_sessions(setup.subject.id), 1);
}

// === Issuance refusals ===

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_token_is_refused() {
    let setup = Setup::new().await;
    let short = EnrollmentService::new(
        setup.access.clone(),
        setup.authority,
        setup.enrollment_signer().await,
    )
    .await
    .unwrap()
    .with_ttl(Duration::from_secs(1));
    let token = setup.enroll_with(&short).await;
    let device = setup.device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refusal = refusal_of(setup.ca.issue(&csr, token.as_str()).await);
    assert!(matches!(refusal, Refusal::TokenExpired { .. }), "{refusal}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_signed_by_a_key_outside_the_authority_document_is_refused() {
    let setup = Setup::new().await;
    let rogue = Rogue::new(&setup).await;
    let token = setup.enroll_with(&rogue.enrollment).await;
    let device = setup.device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    let refusal = refusal_of(setup.ca.issue(&csr, token.as_str()).await);
    assert!(
        matches!(&refusal, Refusal::TokenKeyNotInAuthorityDocument { kid } if kid == token.kid()),
        "{refusal}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_token_signature_is_refused() {
    let setup = Setup::new().await;
    let token = setup.enroll().await;
    // Same header and claims, but with the enrollment key of nobody.
    let other = commit_key(&setup.backend).await;
    let input = token.as_str().rsplit_once('.').unwrap().0;
    let signature = other.sign(input.as_bytes()).await.unwrap();
    use base64::Engine;
    let forged = format!(
        "{input}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature.signature_bytes())
    );
    let device = setup.device().await;
    let forged_token = EnrollmentToken::parse(&forged).unwrap();
    let csr = device.csr(setup.did(), &forged_token).await.unwrap();
    let refusal = refusal_of(setup.ca.issue(&csr, &forged).await);
    assert!(matches!(refusal, Refusal::InvalidToken { .. }), "{refusal}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_token_is_refused() {
    let setup = Setup::new().await;
    let token = setup.enroll().await;
    setup
        .govern(&[AuthorityChange::RevokeToken {
            token_hash: token.hash(),
        }])
        .await;
    let device = setup.device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    let refusal = refusal_of(setup.ca.issue(&csr, token.as_str()).await);
    assert_eq!(
        refusal,
        Refusal::TokenRevoked {
            hash: hex::encode(token.hash())
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csr_signed_by_another_key_is_refused() {
    let setup = Setup::new().await;
    let token = setup.enroll().await;
    let device = setup.device().await;
    let other = commit_key(&setup.backend).await;
    let csr = CsrParams::new(setup.did().clone(), device.public_key(), &token)
        .sign(&other)
        .await
        .unwrap();
    let refusal = refusal_of(setup.ca.issue(&csr, token.as_str()).await);
    assert_eq!(refusal, Refusal::InvalidCsrSignature);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csr_for_a_past_epoch_is_refused() {
    let setup = Setup::new().await;
    let past = setup.world.client.epoch().await.unwrap();
    let current = setup.world.client.advance_epoch().await.unwrap();
    let token = setup.enroll().await;
    assert_eq!(token.epoch(), current);
    let device = setup.device().await;
    let mut params = CsrParams::new(setup.did().clone(), device.public_key(), &token);
    params.epoch = past;
    let csr = params.sign(device.committer()).await.unwrap();
    let refusal = refusal_of(setup.ca.issue(&csr, token.as_str()).await);
    assert_eq!(
        refusal,
        Refusal::EpochMismatch {
            bound: past,
            current
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_missing_from_the_subject_document_is_refused() {
    let setup = Setup::new().await;
    let token = setup.enroll().await;
    let device = setup.unlisted_device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    let refusal = refusal_of(setup.ca.issue(&csr, token.as_str()).await);
    assert_eq!(
        refusal,
        Refusal::KeyNotInDocument {
            did: setup.did().clone()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivated_subject_gets_no_certificate_and_no_session() {
    let setup = Setup::new().await;
    let (cert, device) = setup.certificate().await;
    let token = setup.enroll().await;
    let second = setup.unlisted_device().await;
    let csr = second.csr(setup.did(), &token).await.unwrap();
    setup.deactivate_subject().await;

    let refusal = refusal_of(setup.ca.issue(&csr, token.as_str()).await);
    assert_eq!(
        refusal,
        Refusal::SubjectInactive {
            did: setup.did().clone()
        }
    );
    let connector = setup.connector(&cert, &device);
    assert_gate_refuses(&setup, &connector, "echo", |r| {
        matches!(r, Refusal::SubjectInactive { .. })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_needs_a_valid_proof_and_a_policy() {
    let setup = Setup::new().await;
    let challenge = setup.enrollment.challenge();
    let method = format!("{}#key-1", setup.did());
    let wrong_key = commit_key(&setup.backend).await;
    let proof = Proof::sign(&challenge, method.clone(), &wrong_key)
        .await
        .unwrap();
    let refusal = refusal_of(
        setup
            .enrollment
            .enroll(&setup.did().to_string(), &challenge, &proof)
            .await,
    );
    assert!(matches!(refusal, Refusal::InvalidProof { .. }), "{refusal}");
    // A challenge is answered once.
    let proof = Proof::sign(&challenge, method.clone(), &setup.subject_key)
        .await
        .unwrap();
    let refusal = refusal_of(
        setup
            .enrollment
            .enroll(&setup.did().to_string(), &challenge, &proof)
            .await,
    );
    assert_eq!(refusal, Refusal::UnknownChallenge);

    setup
        .govern(&[AuthorityChange::RemovePolicy {
            subject: setup.subject.id,
        }])
        .await;
    let challenge = setup.enrollment.challenge();
    let proof = Proof::sign(&challenge, method, &setup.subject_key)
        .await
        .unwrap();
    let refusal = refusal_of(
        setup
            .enrollment
            .enroll(&setup.did().to_string(), &challenge, &proof)
            .await,
    );
    assert_eq!(
        refusal,
        Refusal::NoPolicy {
            did: setup.did().clone()
        }
    );
}

// === Gate refusals ===

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_from_another_ca_is_refused() {
    let setup = Setup::new().await;
    let rogue = Rogue::new(&setup).await;
    let token = setup.enroll_with(&rogue.enrollment).await;
    let device = setup.device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    let cert = rogue.ca.issue(&csr, token.as_str()).await.unwrap();
    let connector = setup.connector(&cert, &device);
    assert_gate_refuses(&setup, &connector, "echo", |r| {
        matches!(r, Refusal::UntrustedCertificate { .. })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_revoked_after_issuance_is_refused() {
    let setup = Setup::new().await;
    let (cert, device) = setup.certificate().await;
    setup
        .govern(&[AuthorityChange::RevokeCertificate {
            serial: cert.serial(),
        }])
        .await;
    let connector = setup.connector(&cert, &device);
    assert_gate_refuses(&setup, &connector, "echo", |r| {
        *r == Refusal::CertificateRevoked {
            serial: cert.serial(),
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_and_csr_yield_one_certificate_a_second_issuance_is_refused() {
    let setup = Setup::new().await;
    let token = setup.enroll().await;
    let device = setup.device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    let cert = setup.ca.issue(&csr, token.as_str()).await.unwrap();
    let authority = setup.access.authority(setup.authority).await.unwrap();
    assert!(setup
        .access
        .is_token_redeemed(&authority, &token.hash())
        .await
        .unwrap());
    assert_eq!(authority.redeemed_tokens.size, 1);

    // The same token and CSR again, then with a fresh CSR: both refused,
    // and nothing more is recorded.
    let spent = Refusal::TokenAlreadyRedeemed {
        hash: hex::encode(token.hash()),
    };
    assert_eq!(
        refusal_of(setup.ca.issue(&csr, token.as_str()).await),
        spent
    );
    let other_device = setup.device().await;
    let other_csr = other_device.csr(setup.did(), &token).await.unwrap();
    assert_eq!(
        refusal_of(setup.ca.issue(&other_csr, token.as_str()).await),
        spent
    );
    let after = setup.access.authority(setup.authority).await.unwrap();
    assert_eq!(after.redeemed_tokens.size, 1);
    assert_eq!(after.object_version, authority.object_version);
    drop(cert);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_stays_spent_after_its_certificate_is_revoked() {
    let setup = Setup::new().await;
    let token = setup.enroll().await;
    let device = setup.device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    let cert = setup.ca.issue(&csr, token.as_str()).await.unwrap();
    setup
        .govern(&[AuthorityChange::RevokeCertificate {
            serial: cert.serial(),
        }])
        .await;
    assert_eq!(
        refusal_of(setup.ca.issue(&csr, token.as_str()).await),
        Refusal::TokenAlreadyRedeemed {
            hash: hex::encode(token.hash())
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_ca_account_records_a_redemption() {
    let setup = Setup::new().await;
    let token = setup.enroll().await;
    let before = setup.access.authority(setup.authority).await.unwrap();
    // A controller of the authority identity is not the CA.
    let result = setup
        .access
        .redeem_token(
            setup.world.alice(),
            setup.authority,
            &token.hash(),
            &movid_sdk::access::Serial::random(),
        )
        .await;
    match result {
        Err(AccessError::Authority { constant, .. }) => assert_eq!(constant, "ENotTheCa"),
        other => panic!("expected ENotTheCa, got {other:?}"),
    }
    let after = setup.access.authority(setup.authority).await.unwrap();
    assert_eq!(after.redeemed_tokens.size, 0);
    assert_eq!(after.object_version, before.object_version);
    // The token is still good for its one certificate.
    let device = setup.device().await;
    let csr = device.csr(setup.did(), &token).await.unwrap();
    setup.ca.issue(&csr, token.as_str()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_of_a_past_epoch_is_refused() {
    let setup = Setup::new().await;
    let (cert, device) = setup.certificate().await;
    let issued_in = cert.info().unwrap().epoch;
    let current = setup.world.client.advance_epoch().await.unwrap();
    let connector = setup.connector(&cert, &device);
    assert_gate_refuses(&setup, &connector, "echo", |r| {
        *r == Refusal::EpochMismatch {
            bound: issued_in,
            current,
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_not_bound_is_refused() {
    let setup = Setup::new().await;
    let (cert, device) = setup.certificate().await;
    let connector = setup.connector(&cert, &device);
    assert_gate_refuses(&setup, &connector, "admin", |r| {
        *r == Refusal::ServiceNotBound {
            service: "admin".into(),
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_bound_but_no_longer_allowed_is_refused() {
    let setup = Setup::new().await;
    let (cert, device) = setup.certificate().await;
    setup
        .govern(&[AuthorityChange::SetPolicy {
            subject: setup.subject.id,
            allowed_services: vec!["admin".into()],
            max_sessions: 1,
        }])
        .await;
    let connector = setup.connector(&cert, &device);
    assert_gate_refuses(
        &setup,
        &connector,
        "echo",
        |r| matches!(r, Refusal::ServiceNotAllowed { service, .. } if service == "echo"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_session_over_max_sessions_is_refused() {
    let setup = Setup::new().await;
    let (cert, device) = setup.certificate().await;
    let connector = setup.connector(&cert, &device);
    let mut events = setup.gate.subscribe();
    let mut first = connector
        .connect(setup.gate.local_addr(), "echo")
        .await
        .unwrap();
    first.write_all(b"one").await.unwrap();
    let mut back = [0u8; 3];
    first.read_exact(&mut back).await.unwrap();
    assert!(matches!(
        next_decision(&mut events).await,
        GateEvent::Admitted { .. }
    ));

    assert_gate_refuses(&setup, &connector, "echo", |r| {
        matches!(
            r,
            Refusal::TooManySessions {
                open: 1,
                max: 1,
                ..
            }
        )
    })
    .await;

    // The first session is unaffected, and its slot frees when it closes.
    first.write_all(b"two").await.unwrap();
    first.read_exact(&mut back).await.unwrap();
    assert_eq!(&back, b"two");
    drop(first);
    for _ in 0..100 {
        if setup.gate.open_sessions(setup.subject.id) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(setup.gate.open_sessions(setup.subject.id), 0);
    ping(&connector, setup.gate.local_addr(), "echo")
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_without_certificate_is_refused() {
    let setup = Setup::new().await;
    let connector = AccessConnector::new(setup.access.clone(), setup.authority);
    assert_gate_refuses(&setup, &connector, "echo", |r| *r == Refusal::NoCertificate).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn epoch_change_closes_open_sessions() {
    let setup = Setup::new().await;
    let (cert, device) = setup.certificate().await;
    let mut events = setup.gate.subscribe();
    let mut stream = setup
        .connector(&cert, &device)
        .connect(setup.gate.local_addr(), "echo")
        .await
        .unwrap();
    stream.write_all(b"ping").await.unwrap();
    let mut back = [0u8; 4];
    stream.read_exact(&mut back).await.unwrap();
    assert!(matches!(
        next_decision(&mut events).await,
        GateEvent::Admitted { .. }
    ));

    let current = setup.world.client.advance_epoch().await.unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        closed,
        GateEvent::Closed {
            reason: CloseReason::EpochEnded { current: c, .. },
            ..
        } if c == current
    ));
    let mut rest = vec![];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest))
        .await
        .unwrap();
    assert!(read.is_err() || rest.is_empty(), "the session is closed");
}

// === Governance ===

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_change_below_the_threshold_has_no_effect() {
    let setup = Setup::new().await;
    let before = setup.policy().await;
    let raise = [AuthorityChange::SetPolicy {
        subject: setup.subject.id,
        allowed_services: vec!["echo".into(), "admin".into()],
        max_sessions: 10,
    }];
    let alice = setup
        .world
        .ids
        .controller(setup.authority_identity.id, setup.world.alice())
        .await
        .unwrap();

    // Alone, alice can neither act at once nor execute her own proposal.
    let now = setup
        .access
        .change_now(&alice, setup.authority, &raise)
        .await;
    assert!(
        matches!(
            now,
            Err(AccessError::Sdk(SdkError::Identity(
                IdentityError::ThresholdNotReached { .. }
            )))
        ),
        "{now:?}"
    );
    let proposal = setup
        .access
        .propose_changes(&alice, setup.authority)
        .await
        .unwrap();
    let executed = setup
        .access
        .execute_changes(&alice, setup.authority, proposal, &raise)
        .await;
    assert!(
        matches!(
            executed,
            Err(AccessError::Sdk(SdkError::Identity(
                IdentityError::ThresholdNotReached {
                    votes: 1,
                    threshold: 2
                }
            )))
        ),
        "{executed:?}"
    );
    assert_eq!(setup.policy().await, before);

    // With bob's approval the same change goes through.
    let bob = setup
        .world
        .ids
        .controller(setup.authority_identity.id, setup.world.bob())
        .await
        .unwrap();
    bob.approve(proposal).await.unwrap();
    setup
        .access
        .execute_changes(&alice, setup.authority, proposal, &raise)
        .await
        .unwrap();
    assert_eq!(setup.policy().await.unwrap().max_sessions, 10);
}

/// A second authority that also has a policy for the subject: its own
/// identity (alice alone), enrollment key and CA.
struct Rogue {
    enrollment: EnrollmentService,
    ca: CertificateAuthority,
}

impl Rogue {
    async fn new(setup: &Setup) -> Rogue {
        let enrollment_key = commit_key(&setup.backend).await;
        let ca_key = commit_key(&setup.backend).await;
        let (identity, authority) = authority(
            &setup.world,
            &setup.access,
            &[setup.world.alice()],
            1,
            &enrollment_key,
            &ca_key,
        )
        .await;
        let alice = setup
            .world
            .ids
            .controller(identity.id, setup.world.alice())
            .await
            .unwrap();
        setup
            .access
            .change_now(
                &alice,
                authority,
                &[AuthorityChange::SetPolicy {
                    subject: setup.subject.id,
                    allowed_services: vec!["echo".into()],
                    max_sessions: 5,
                }],
            )
            .await
            .unwrap();
        Rogue {
            enrollment: EnrollmentService::new(setup.access.clone(), authority, enrollment_key)
                .await
                .unwrap(),
            ca: CertificateAuthority::new(setup.access.clone(), authority, ca_key)
                .await
                .unwrap(),
        }
    }
}

impl Setup {
    /// The enrollment key, connected again from the backend.
    async fn enrollment_signer(&self) -> Committer {
        let authority = self.access.authority(self.authority).await.unwrap();
        let doc = self
            .access
            .authority_identity(&authority)
            .await
            .unwrap()
            .document()
            .unwrap()
            .unwrap();
        let key = doc.ed25519_public_key("enroll-1").unwrap();
        let id = movid_sdk::keys::IdentityId::from_public_key(&key);
        IdentityManager::new()
            .connect(id, &self.backend, Capability::Commit)
            .await
            .unwrap()
            .require_committer()
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authority_aborts_are_named() {
    let setup = Setup::new().await;
    let alice = setup
        .world
        .ids
        .controller(setup.authority_identity.id, setup.world.alice())
        .await
        .unwrap();
    let proposal = setup
        .access
        .propose_changes(&alice, setup.authority)
        .await
        .unwrap();
    let bob = setup
        .world
        .ids
        .controller(setup.authority_identity.id, setup.world.bob())
        .await
        .unwrap();
    bob.approve(proposal).await.unwrap();
    let nobody = random_address();
    let result = setup
        .access
        .execute_changes(
            &bob,
            setup.authority,
            proposal,
            &[AuthorityChange::RemovePolicy { subject: nobody }],
        )
        .await;
    assert!(
        matches!(&result, Err(AccessError::Authority { constant, code: 2008 }) if constant == "ENoPolicy"),
        "{result:?}"
    );
    assert!(setup.policy().await.is_some(), "nothing changed");
}
