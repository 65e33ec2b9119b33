//! Key management through every backend: the identity manager's errors,
//! signatures, HPKE decryption, key files, the agent and the remote signer.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature as DalekSignature, Verifier, VerifyingKey};
use movid_sdk::keys::{
    encrypt_to, personal_message_digest, transaction_signing_digest, Agent, AgentServer, Backend,
    Capability, ExternalIdentity, Handle, IdentityId, IdentityManager, KeyError, KeyMaterial,
    MemoryBackend, Scheme,
};
use tempfile::TempDir;

const ALL: Capability = Capability::CommitAndDecrypt;

async fn generate(backend: &Backend, capabilities: Capability) -> (ExternalIdentity, Handle) {
    IdentityManager::new()
        .generate(backend, Scheme::Ed25519, capabilities)
        .await
        .expect("generate")
}

/// Checks a signature of `message` by `public_key` with ed25519-dalek itself.
fn dalek_verifies(public_key: [u8; 32], message: &[u8], signature: [u8; 64]) -> bool {
    VerifyingKey::from_bytes(&public_key)
        .unwrap()
        .verify(message, &DalekSignature::from_bytes(&signature))
        .is_ok()
}

async fn start_agent(dir: &Path) -> (AgentServer, Backend) {
    let socket = dir.join("agent.sock");
    let server = Agent::serve(&socket, MemoryBackend::new())
        .await
        .expect("agent starts");
    (server, Backend::agent(socket))
}

fn keyfile_path(dir: &TempDir) -> PathBuf {
    dir.path().join("keys.json")
}

// ---- identity manager errors -------------------------------------------

#[tokio::test]
async fn importing_the_same_keys_twice_is_refused() {
    let backend = Backend::memory();
    let manager = IdentityManager::new();
    let material = KeyMaterial::from_ed25519_seed([7; 32]);
    let (identity, _) = manager
        .import(&backend, Scheme::Ed25519, &material, ALL)
        .await
        .unwrap();
    let err = manager
        .import(&backend, Scheme::Ed25519, &material, Capability::Commit)
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::IdentityAlreadyExists { id } if id == identity.id()));
}

#[tokio::test]
async fn imported_seed_gives_the_same_identity_everywhere() {
    let material = KeyMaterial::from_ed25519_seed([9; 32]);
    let manager = IdentityManager::new();
    let (a, _) = manager
        .import(&Backend::memory(), Scheme::Ed25519, &material, ALL)
        .await
        .unwrap();
    let (b, _) = manager
        .import(&Backend::memory(), Scheme::Ed25519, &material, ALL)
        .await
        .unwrap();
    assert_eq!(a, b);
    let expected = ed25519_dalek::SigningKey::from_bytes(&[9; 32])
        .verifying_key()
        .to_bytes();
    assert_eq!(a.ed25519_public_key(), expected);
    assert_eq!(a.id(), IdentityId::from_public_key(&expected));
}

#[tokio::test]
async fn connecting_to_an_unknown_identity_fails() {
    let backend = Backend::memory();
    let (stranger, _) = generate(&Backend::memory(), ALL).await;
    let err = IdentityManager::new()
        .connect(&stranger, &backend, Capability::Commit)
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::ExternalIdentityNotFound { id } if id == stranger.id()));
}

#[tokio::test]
async fn connecting_with_more_capabilities_than_the_identity_has_fails() {
    let backend = Backend::memory();
    let (identity, _) = generate(&backend, Capability::Commit).await;
    for asked in [Capability::Decrypt, Capability::CommitAndDecrypt] {
        let err = IdentityManager::new()
            .connect(&identity, &backend, asked)
            .await
            .unwrap_err();
        assert!(
            matches!(err, KeyError::CapabilitiesNotAvailable { requested, available: Capability::Commit } if requested == asked),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn connecting_with_a_subset_gives_only_that_subset() {
    let backend = Backend::memory();
    let (identity, _) = generate(&backend, ALL).await;
    let handle = IdentityManager::new()
        .connect(identity.id(), &backend, Capability::Commit)
        .await
        .unwrap();
    assert_eq!(handle.capabilities(), Capability::Commit);
    assert!(handle.committer().is_some());
    assert!(handle.decryptor().is_none());
    assert_eq!(handle.identity(), &identity);
}

#[tokio::test]
async fn deleting_twice_fails() {
    let backend = Backend::memory();
    let (identity, _) = generate(&backend, ALL).await;
    let manager = IdentityManager::new();
    manager.delete(&identity, &backend).await.unwrap();
    let err = manager.delete(&identity, &backend).await.unwrap_err();
    assert!(matches!(err, KeyError::IdentityDoesNotExist { id } if id == identity.id()));
    assert!(manager.list(&backend).await.unwrap().is_empty());
}

#[tokio::test]
async fn handles_stop_working_when_their_identity_is_deleted() {
    let backend = Backend::memory();
    let (identity, handle) = generate(&backend, ALL).await;
    IdentityManager::new()
        .delete(&identity, &backend)
        .await
        .unwrap();
    let err = handle.committer().unwrap().sign(b"m").await.unwrap_err();
    assert!(matches!(err, KeyError::IdentityDoesNotExist { .. }));
}

#[tokio::test]
async fn decrypt_only_handle_cannot_sign() {
    let backend = Backend::memory();
    let (identity, _) = generate(&backend, ALL).await;
    let handle = IdentityManager::new()
        .connect(&identity, &backend, Capability::Decrypt)
        .await
        .unwrap();
    assert!(handle.committer().is_none());
    let err = handle.require_committer().unwrap_err();
    assert!(matches!(
        err,
        KeyError::NotPermitted {
            required: Capability::Commit,
            granted: Capability::Decrypt
        }
    ));
    assert!(handle.require_decryptor().is_ok());
}

#[tokio::test]
async fn commit_only_handle_cannot_decrypt() {
    let backend = Backend::memory();
    let (_, handle) = generate(&backend, Capability::Commit).await;
    assert!(handle.decryptor().is_none());
    assert!(matches!(
        handle.require_decryptor(),
        Err(KeyError::NotPermitted {
            required: Capability::Decrypt,
            ..
        })
    ));
}

// ---- signatures and decryption -----------------------------------------

#[tokio::test]
async fn transaction_signatures_verify_with_ed25519_dalek() {
    let (identity, handle) = generate(&Backend::memory(), Capability::Commit).await;
    let committer = handle.committer().unwrap();
    let tx = b"bcs bytes of a TransactionData";
    let signature = committer.sign_transaction(tx).await.unwrap();
    assert!(dalek_verifies(
        identity.ed25519_public_key(),
        &transaction_signing_digest(tx),
        signature.signature_bytes()
    ));
    let serialized = signature.to_serialized();
    assert_eq!(serialized[0], 0x00);
    assert_eq!(&serialized[65..], &identity.ed25519_public_key());
    assert_eq!(committer.address(), identity.id().as_bytes().to_owned());
}

#[tokio::test]
async fn personal_message_signatures_use_the_personal_intent() {
    let (identity, handle) = generate(&Backend::memory(), Capability::Commit).await;
    let signature = handle
        .committer()
        .unwrap()
        .sign_personal_message(b"hello movid")
        .await
        .unwrap();
    let digest = personal_message_digest(b"hello movid");
    assert!(dalek_verifies(
        identity.ed25519_public_key(),
        &digest,
        signature.signature_bytes()
    ));
    // Not a signature of the same bytes as a transaction.
    assert!(!signature.verify(&transaction_signing_digest(b"hello movid")));
}

#[tokio::test]
async fn messages_decrypt_only_with_the_recipients_decryptor() {
    let backend = Backend::memory();
    let (alice, alice_handle) = generate(&backend, ALL).await;
    let (_, bob_handle) = generate(&backend, ALL).await;
    let sealed = encrypt_to(&alice.x25519_public_key(), b"for alice", b"movid/test").unwrap();

    let alice_decryptor = alice_handle.decryptor().unwrap();
    assert_eq!(alice_decryptor.public_key(), alice.x25519_public_key());
    assert_eq!(
        alice_decryptor
            .decrypt(&sealed, b"movid/test")
            .await
            .unwrap(),
        b"for alice"
    );

    let err = bob_handle
        .decryptor()
        .unwrap()
        .decrypt(&sealed, b"movid/test")
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::DecryptionFailed));
    let err = alice_decryptor
        .decrypt(&sealed, b"other info")
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::DecryptionFailed));
}

// ---- key files ----------------------------------------------------------

#[tokio::test]
async fn keyfile_keeps_identities_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyfile_path(&dir);
    let manager = IdentityManager::new();

    let backend = Backend::keyfile(&path, "correct horse").unwrap();
    let (kept, _) = generate(&backend, ALL).await;
    let (dropped, _) = generate(&backend, Capability::Decrypt).await;
    manager.delete(&dropped, &backend).await.unwrap();
    drop(backend);

    let reopened = Backend::keyfile(&path, "correct horse").unwrap();
    assert_eq!(manager.list(&reopened).await.unwrap(), vec![kept.clone()]);
    let handle = manager.connect(&kept, &reopened, ALL).await.unwrap();
    let signature = handle
        .committer()
        .unwrap()
        .sign(b"after restart")
        .await
        .unwrap();
    assert!(dalek_verifies(
        kept.ed25519_public_key(),
        b"after restart",
        signature.signature_bytes()
    ));
    let sealed = encrypt_to(&kept.x25519_public_key(), b"still here", b"").unwrap();
    assert_eq!(
        handle
            .decryptor()
            .unwrap()
            .decrypt(&sealed, b"")
            .await
            .unwrap(),
        b"still here"
    );
    assert!(matches!(
        manager
            .connect(&dropped, &reopened, Capability::Decrypt)
            .await,
        Err(KeyError::ExternalIdentityNotFound { .. })
    ));
}

#[tokio::test]
async fn wrong_keyfile_password_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyfile_path(&dir);
    let backend = Backend::keyfile(&path, "right").unwrap();
    generate(&backend, ALL).await;
    let err = Backend::keyfile(&path, "wrong").unwrap_err();
    assert!(matches!(err, KeyError::WrongPassword { path: p } if p == path));
}

// ---- agent --------------------------------------------------------------

#[tokio::test]
async fn agent_signatures_verify_with_ed25519_dalek() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, backend) = start_agent(dir.path()).await;
    let (identity, handle) = generate(&backend, ALL).await;
    let signature = handle
        .committer()
        .unwrap()
        .sign(b"signed by the agent")
        .await
        .unwrap();
    assert!(dalek_verifies(
        identity.ed25519_public_key(),
        b"signed by the agent",
        signature.signature_bytes()
    ));
}

#[tokio::test]
async fn agent_reports_the_same_errors_as_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, backend) = start_agent(dir.path()).await;
    let manager = IdentityManager::new();
    let (identity, _) = generate(&backend, Capability::Commit).await;

    assert!(matches!(
        manager.connect(&identity, &backend, ALL).await,
        Err(KeyError::CapabilitiesNotAvailable { .. })
    ));
    let (stranger, _) = generate(&Backend::memory(), ALL).await;
    assert!(matches!(
        manager
            .connect(&stranger, &backend, Capability::Commit)
            .await,
        Err(KeyError::ExternalIdentityNotFound { .. })
    ));
    let material = KeyMaterial::from_ed25519_seed([3; 32]);
    manager
        .import(&backend, Scheme::Ed25519, &material, ALL)
        .await
        .unwrap();
    assert!(matches!(
        manager
            .import(&backend, Scheme::Ed25519, &material, ALL)
            .await,
        Err(KeyError::IdentityAlreadyExists { .. })
    ));
    manager.delete(&identity, &backend).await.unwrap();
    assert!(matches!(
        manager.delete(&identity, &backend).await,
        Err(KeyError::IdentityDoesNotExist { .. })
    ));
}

#[tokio::test]
async fn agent_decrypts_for_its_identities_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, backend) = start_agent(dir.path()).await;
    let (alice, alice_handle) = generate(&backend, ALL).await;
    let (_, bob_handle) = generate(&backend, ALL).await;
    let sealed = encrypt_to(&alice.x25519_public_key(), b"via agent", b"i").unwrap();
    assert_eq!(
        alice_handle
            .decryptor()
            .unwrap()
            .decrypt(&sealed, b"i")
            .await
            .unwrap(),
        b"via agent"
    );
    assert!(matches!(
        bob_handle.decryptor().unwrap().decrypt(&sealed, b"i").await,
        Err(KeyError::DecryptionFailed)
    ));
}

#[tokio::test]
async fn identities_survive_a_client_reconnecting_to_the_agent() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, backend) = start_agent(dir.path()).await;
    let (identity, _) = generate(&backend, ALL).await;
    // A second client (another process, in real use) sees the same keys.
    let other_client = Backend::agent(dir.path().join("agent.sock"));
    let handle = IdentityManager::new()
        .connect(&identity, &other_client, Capability::Commit)
        .await
        .unwrap();
    handle.committer().unwrap().sign(b"x").await.unwrap();
}

#[tokio::test]
async fn agent_that_is_down_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("nobody-home.sock");
    let backend = Backend::agent(&socket);
    let err = IdentityManager::new().ping(&backend).await.unwrap_err();
    assert!(
        matches!(err, KeyError::AgentUnavailable { ref path, .. } if *path == socket),
        "{err:?}"
    );

    // An agent that stops leaves its clients with the same error.
    let (server, backend) = start_agent(dir.path()).await;
    let (_, handle) = generate(&backend, ALL).await;
    server.shutdown();
    let err = handle.committer().unwrap().sign(b"m").await.unwrap_err();
    assert!(matches!(err, KeyError::AgentUnavailable { .. }), "{err:?}");
}

#[tokio::test]
async fn agent_replaces_a_stale_socket_but_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    // A socket left behind by an agent that died.
    drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
    assert!(socket.exists());
    let server = Agent::serve(&socket, MemoryBackend::new()).await.unwrap();
    assert!(matches!(
        Agent::serve(&socket, MemoryBackend::new()).await,
        Err(KeyError::Io { .. })
    ));
    assert_eq!(server.socket_path(), Some(socket.as_path()));
    drop(server);
    assert!(!socket.exists());

    let not_a_socket = dir.path().join("keys.json");
    std::fs::write(&not_a_socket, b"precious").unwrap();
    assert!(matches!(
        Agent::serve(&not_a_socket, MemoryBackend::new()).await,
        Err(KeyError::Io { .. })
    ));
    assert_eq!(std::fs::read(&not_a_socket).unwrap(), b"precious");
}

#[tokio::test]
async fn agent_serves_a_keyfile_backend() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyfile_path(&dir);
    let socket = dir.path().join("agent.sock");
    let identity = {
        let server = Agent::serve(&socket, MemoryBackend::open_keyfile(&path, "pw").unwrap())
            .await
            .unwrap();
        let (identity, _) = generate(&Backend::agent(&socket), ALL).await;
        server.shutdown();
        identity
    };
    let _server = Agent::serve(&socket, MemoryBackend::open_keyfile(&path, "pw").unwrap())
        .await
        .unwrap();
    let handle = IdentityManager::new()
        .connect(&identity, &Backend::agent(&socket), ALL)
        .await
        .unwrap();
    handle
        .committer()
        .unwrap()
        .sign(b"restarted agent")
        .await
        .unwrap();
}

// ---- remote signer --------------------------------------------------------

#[tokio::test]
async fn remote_signer_works_on_loopback_with_a_token() {
    let server = Agent::serve_tcp(
        "127.0.0.1:0".parse().unwrap(),
        MemoryBackend::new(),
        Some("t0ken".into()),
    )
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let backend = Backend::remote(addr, Some("t0ken".into()));
    let manager = IdentityManager::new();
    manager.ping(&backend).await.unwrap();

    let (identity, handle) = generate(&backend, ALL).await;
    let signature = handle
        .committer()
        .unwrap()
        .sign_transaction(b"tx")
        .await
        .unwrap();
    assert!(dalek_verifies(
        identity.ed25519_public_key(),
        &transaction_signing_digest(b"tx"),
        signature.signature_bytes()
    ));
    let sealed = encrypt_to(&identity.x25519_public_key(), b"remote", b"").unwrap();
    assert_eq!(
        handle
            .decryptor()
            .unwrap()
            .decrypt(&sealed, b"")
            .await
            .unwrap(),
        b"remote"
    );
    assert_eq!(manager.list(&backend).await.unwrap(), vec![identity]);
}

#[tokio::test]
async fn remote_signer_refuses_a_wrong_token() {
    let server = Agent::serve_tcp(
        "127.0.0.1:0".parse().unwrap(),
        MemoryBackend::new(),
        Some("right".into()),
    )
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    for token in [None, Some("wrong".to_owned())] {
        let err = IdentityManager::new()
            .generate(&Backend::remote(addr, token), Scheme::Ed25519, ALL)
            .await
            .unwrap_err();
        assert!(matches!(err, KeyError::Unauthorized { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn remote_signer_that_is_down_is_reported() {
    // Bind and drop to get a port nobody listens on.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = IdentityManager::new()
        .ping(&Backend::remote(addr, None))
        .await
        .unwrap_err();
    assert!(
        matches!(err, KeyError::RemoteUnavailable { addr: a, .. } if a == addr),
        "{err:?}"
    );
}
