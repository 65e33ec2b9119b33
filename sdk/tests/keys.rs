//! Key management through every backend: the identity manager's errors,
//! signatures, HPKE decryption, key files, the agent and the remote signer.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature as DalekSignature, Verifier, VerifyingKey};
use movid_sdk::keys::{
    encrypt_to, personal_message_digest, transaction_signing_digest, Agent, AgentServer, Backend,
    Capability, ExternalIdentity, Handle, IdentityId, IdentityManager, KeyError, KeyMaterial,
    MemoryBackend, RemoteClientConfig, RemoteSignerConfig, Scheme, SignerCa, SignerPolicy,
};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zeroize::Zeroizing;

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

/// An agent whose clients may manage keys and sign raw messages.
async fn start_agent(dir: &Path) -> (AgentServer, Backend) {
    let socket = dir.join("agent.sock");
    let server = Agent::serve_with_policy(&socket, MemoryBackend::new(), SignerPolicy::full())
        .await
        .expect("agent starts");
    (server, Backend::agent(socket))
}

/// An agent with the default policy on a store the test also holds.
async fn start_signing_only_agent(dir: &Path) -> (AgentServer, MemoryBackend, PathBuf) {
    let socket = dir.join("agent.sock");
    let keys = MemoryBackend::new();
    let server = Agent::serve(&socket, keys.clone())
        .await
        .expect("agent starts");
    (server, keys, socket)
}

/// Writes one protocol frame.
async fn send_frame<S: AsyncWriteExt + Unpin>(stream: &mut S, value: &Value) {
    let bytes = serde_json::to_vec(value).unwrap();
    stream
        .write_all(&(bytes.len() as u32).to_be_bytes())
        .await
        .unwrap();
    stream.write_all(&bytes).await.unwrap();
}

/// Reads one protocol frame.
async fn read_frame<S: AsyncReadExt + Unpin>(stream: &mut S) -> Value {
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).await.unwrap();
    let mut buf = vec![0u8; u32::from_be_bytes(len) as usize];
    stream.read_exact(&mut buf).await.unwrap();
    serde_json::from_slice(&buf).unwrap()
}

/// Sends `request` (version 2, no token) on `stream` and returns the reply.
async fn ask(stream: &mut tokio::net::UnixStream, request: Value) -> Value {
    send_frame(stream, &json!({"version": 2, "request": request})).await;
    read_frame(stream).await
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

    // An agent that stops leaves its clients with the same error, even a
    // handle whose connection was open.
    let (server, backend) = start_agent(dir.path()).await;
    let (_, handle) = generate(&backend, ALL).await;
    handle.committer().unwrap().sign(b"while up").await.unwrap();
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
        let server = Agent::serve_with_policy(
            &socket,
            MemoryBackend::open_keyfile(&path, "pw").unwrap(),
            SignerPolicy::full(),
        )
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
        .sign_transaction(b"restarted agent")
        .await
        .unwrap();
}

#[tokio::test]
async fn empty_keyfile_password_is_refused_unless_chosen_explicitly() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyfile_path(&dir);
    let err = Backend::keyfile(&path, "").unwrap_err();
    assert!(matches!(err, KeyError::EmptyPassword { .. }), "{err:?}");
    assert!(!path.exists());
    assert_eq!(movid_sdk::keys::keyfile_is_encrypted(&path).unwrap(), None);

    let plain = MemoryBackend::open_keyfile_without_password(&path).unwrap();
    assert_eq!(plain.keyfile_encrypted(), Some(false));
    assert_eq!(
        movid_sdk::keys::keyfile_is_encrypted(&path).unwrap(),
        Some(false)
    );
    let sealed = MemoryBackend::open_keyfile(keyfile_path_named(&dir, "b.json"), "pw").unwrap();
    assert_eq!(sealed.keyfile_encrypted(), Some(true));
    assert_eq!(MemoryBackend::new().keyfile_encrypted(), None);
}

fn keyfile_path_named(dir: &TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

// ---- one key file, several openers ---------------------------------------

#[tokio::test]
async fn two_openers_of_a_keyfile_lose_nothing_and_resurrect_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyfile_path(&dir);
    let a = Backend::keyfile(&path, "pw").unwrap();
    let b = Backend::keyfile(&path, "pw").unwrap();
    let manager = IdentityManager::new();
    let (first, first_handle) = generate(&a, ALL).await;
    let (second, _) = generate(&b, ALL).await;
    // Each sees the other's key, and a third write keeps both.
    let (third, _) = generate(&a, Capability::Commit).await;
    let mut listed = manager.list(&b).await.unwrap();
    listed.sort_by_key(|i| i.id());
    let mut expected = vec![first.clone(), second.clone(), third.clone()];
    expected.sort_by_key(|i| i.id());
    assert_eq!(listed, expected);

    // Deleted through `b`: `a` no longer signs with it, and `a`'s next write
    // does not bring it back.
    manager.delete(&first, &b).await.unwrap();
    let err = first_handle
        .committer()
        .unwrap()
        .sign(b"after delete")
        .await
        .unwrap_err();
    assert!(
        matches!(err, KeyError::IdentityDoesNotExist { id } if id == first.id()),
        "{err:?}"
    );
    generate(&a, ALL).await;
    let reopened = Backend::keyfile(&path, "pw").unwrap();
    let ids: Vec<IdentityId> = manager
        .list(&reopened)
        .await
        .unwrap()
        .iter()
        .map(|i| i.id())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&first.id()));
    assert!(ids.contains(&second.id()) && ids.contains(&third.id()));
}

#[tokio::test]
async fn agent_stops_using_a_key_deleted_in_its_keyfile_by_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = keyfile_path(&dir);
    let socket = dir.path().join("agent.sock");
    let cli = Backend::keyfile(&path, "pw").unwrap();
    let (identity, _) = generate(&cli, ALL).await;
    let _agent = Agent::serve(&socket, MemoryBackend::open_keyfile(&path, "pw").unwrap())
        .await
        .unwrap();
    let handle = IdentityManager::new()
        .connect(&identity, &Backend::agent(&socket), Capability::Commit)
        .await
        .unwrap();
    let committer = handle.committer().unwrap();
    committer.sign_transaction(b"before").await.unwrap();

    IdentityManager::new()
        .delete(&identity, &cli)
        .await
        .unwrap();
    let err = committer.sign_transaction(b"after").await.unwrap_err();
    assert!(
        matches!(err, KeyError::IdentityDoesNotExist { .. }),
        "{err:?}"
    );
}

// ---- what a connection to the agent may do ------------------------------

#[tokio::test]
async fn agent_refuses_sign_on_a_connection_granted_decrypt_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, keys, socket) = start_signing_only_agent(dir.path()).await;
    let (identity, _) = generate(&Backend::Memory(keys), ALL).await;
    let id = identity.id().to_string();
    let mut stream = tokio::net::UnixStream::connect(&socket).await.unwrap();

    // No grant at all yet.
    let sign = json!({"op": "sign", "id": id, "intent": "transaction", "message": "00"});
    let reply = ask(&mut stream, sign.clone()).await;
    assert_eq!(reply["error"]["kind"], "not_granted", "{reply}");

    let reply = ask(
        &mut stream,
        json!({"op": "connect", "id": id, "capabilities": "decrypt"}),
    )
    .await;
    assert_eq!(reply["ok"]["identity"]["id"], id, "{reply}");
    let reply = ask(&mut stream, sign.clone()).await;
    assert_eq!(
        reply["error"],
        json!({"kind": "not_granted", "id": id, "required": "commit"})
    );

    // The same identity on a connection granted commit signs.
    let mut other = tokio::net::UnixStream::connect(&socket).await.unwrap();
    ask(
        &mut other,
        json!({"op": "connect", "id": id, "capabilities": "commit"}),
    )
    .await;
    let reply = ask(&mut other, sign).await;
    assert!(reply["ok"]["signature"].is_string(), "{reply}");
}

#[tokio::test]
async fn agent_refuses_decrypt_on_a_connection_granted_commit_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, keys, socket) = start_signing_only_agent(dir.path()).await;
    let (identity, _) = generate(&Backend::Memory(keys), ALL).await;
    let id = identity.id().to_string();
    let sealed = encrypt_to(&identity.x25519_public_key(), b"secret", b"i").unwrap();
    let decrypt = json!({
        "op": "decrypt", "id": id,
        "encapped_key": hex::encode(sealed.encapped_key),
        "ciphertext": hex::encode(&sealed.ciphertext),
        "info": hex::encode(b"i"),
    });
    let mut stream = tokio::net::UnixStream::connect(&socket).await.unwrap();
    let reply = ask(&mut stream, decrypt.clone()).await;
    assert_eq!(reply["error"]["kind"], "not_granted", "{reply}");

    ask(
        &mut stream,
        json!({"op": "connect", "id": id, "capabilities": "commit"}),
    )
    .await;
    let reply = ask(&mut stream, decrypt.clone()).await;
    assert_eq!(
        reply["error"],
        json!({"kind": "not_granted", "id": id, "required": "decrypt"})
    );

    // A wider connect grants it; a narrower one afterwards takes it away
    // again: the connection holds exactly its last connect.
    ask(
        &mut stream,
        json!({"op": "connect", "id": id, "capabilities": "commit_and_decrypt"}),
    )
    .await;
    let reply = ask(&mut stream, decrypt.clone()).await;
    assert_eq!(reply["ok"]["plaintext"], hex::encode(b"secret"), "{reply}");
    ask(
        &mut stream,
        json!({"op": "connect", "id": id, "capabilities": "commit"}),
    )
    .await;
    let reply = ask(&mut stream, decrypt).await;
    assert_eq!(reply["error"]["kind"], "not_granted", "{reply}");
}

#[tokio::test]
async fn agent_without_policy_refuses_management_and_raw_signing() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, keys, socket) = start_signing_only_agent(dir.path()).await;
    let (identity, _) = generate(&Backend::Memory(keys.clone()), ALL).await;
    let agent = Backend::agent(&socket);
    let manager = IdentityManager::new();
    for result in [
        manager
            .generate(&agent, Scheme::Ed25519, ALL)
            .await
            .map(|_| ()),
        manager.list(&agent).await.map(|_| ()),
        manager.delete(&identity, &agent).await,
        manager
            .import(
                &agent,
                Scheme::Ed25519,
                &KeyMaterial::from_ed25519_seed([4; 32]),
                ALL,
            )
            .await
            .map(|_| ()),
    ] {
        let err = result.unwrap_err();
        assert!(
            matches!(err, KeyError::OperationNotAllowed { .. }),
            "{err:?}"
        );
    }
    // Nothing changed: the identity is still there, alone.
    assert_eq!(
        manager.list(&Backend::Memory(keys)).await.unwrap(),
        vec![identity.clone()]
    );

    let handle = manager
        .connect(&identity, &agent, Capability::Commit)
        .await
        .unwrap();
    let committer = handle.committer().unwrap();
    let err = committer.sign(b"raw bytes").await.unwrap_err();
    assert!(
        matches!(err, KeyError::OperationNotAllowed { ref operation, .. } if operation == "raw sign"),
        "{err:?}"
    );
    let signature = committer.sign_transaction(b"tx").await.unwrap();
    assert!(signature.verify(&transaction_signing_digest(b"tx")));
    let signature = committer.sign_personal_message(b"hi").await.unwrap();
    assert!(signature.verify(&personal_message_digest(b"hi")));
}

#[tokio::test]
async fn agent_socket_is_mode_0600_from_the_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (server, _, socket) = start_signing_only_agent(dir.path()).await;
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "socket mode {mode:o}");
    // The private directory it was bound in is gone.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["agent.sock".to_owned()]);
    drop(server);
    assert!(!socket.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_refuses_a_peer_with_another_uid() {
    use std::io::{Read, Write};
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid cannot fail.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this test needs root (to connect as another user)"
    );
    let dir = tempfile::tempdir().unwrap();
    let (_server, _, socket) = start_signing_only_agent(dir.path()).await;
    // Open the way for another user, as a careless mode would: only the
    // peer check stands between it and the agent.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o666)).unwrap();

    let ping = serde_json::to_vec(&json!({"version": 2, "request": {"op": "ping"}})).unwrap();
    let exchange = |socket: PathBuf, as_nobody: bool| {
        let ping = ping.clone();
        std::thread::spawn(move || {
            if as_nobody {
                // The raw syscall changes this thread's credentials only.
                // SAFETY: setresuid with constant ids on this thread.
                let rc = unsafe { libc::syscall(libc::SYS_setresuid, 65534, 65534, 65534) };
                assert_eq!(rc, 0, "setresuid failed");
            }
            let mut stream = std::os::unix::net::UnixStream::connect(&socket).unwrap();
            stream
                .write_all(&(ping.len() as u32).to_be_bytes())
                .unwrap();
            stream.write_all(&ping).unwrap();
            let mut len = [0u8; 4];
            stream.read_exact(&mut len).unwrap();
            let mut buf = vec![0u8; u32::from_be_bytes(len) as usize];
            stream.read_exact(&mut buf).unwrap();
            serde_json::from_slice::<Value>(&buf).unwrap()
        })
        .join()
        .unwrap()
    };
    let same_user = exchange(socket.clone(), false);
    assert_eq!(same_user["ok"]["result"], "pong", "{same_user}");
    let other_user = exchange(socket, true);
    assert_eq!(
        other_user,
        json!({"error": {"kind": "unauthorized"}}),
        "{other_user}"
    );
}

#[tokio::test]
async fn agent_keeps_its_process_out_of_core_dumps() {
    let dir = tempfile::tempdir().unwrap();
    let _agent = start_signing_only_agent(dir.path()).await;
    // SAFETY: reading process attributes.
    let dumpable = unsafe { libc::prctl(libc::PR_GET_DUMPABLE) };
    assert_eq!(dumpable, 0);
    let mut limit = libc::rlimit {
        rlim_cur: 1,
        rlim_max: 1,
    };
    // SAFETY: getrlimit fills the struct.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) }, 0);
    assert_eq!((limit.rlim_cur, limit.rlim_max), (0, 0));
}

// ---- misbehaving signers --------------------------------------------------

/// A signer that answers `connect` with `connect_as` and every `sign` with
/// `signature` by `public_key`: what a compromised or buggy agent could do.
async fn misbehaving_signer(
    socket: PathBuf,
    connect_as: ExternalIdentity,
    signature: [u8; 64],
    public_key: [u8; 32],
) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::UnixListener::bind(&socket).unwrap();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let connect_as = connect_as.clone();
            tokio::spawn(async move {
                loop {
                    let mut len = [0u8; 4];
                    if stream.read_exact(&mut len).await.is_err() {
                        return;
                    }
                    let mut buf = vec![0u8; u32::from_be_bytes(len) as usize];
                    stream.read_exact(&mut buf).await.unwrap();
                    let request: Value = serde_json::from_slice(&buf).unwrap();
                    let reply = match request["request"]["op"].as_str().unwrap() {
                        "connect" => json!({"ok": {"result": "identity", "identity": connect_as}}),
                        "sign" => json!({"ok": {"result": "signature",
                            "signature": hex::encode(signature),
                            "public_key": hex::encode(public_key)}}),
                        _ => json!({"ok": {"result": "pong", "version": 2}}),
                    };
                    send_frame(&mut stream, &reply).await;
                }
            });
        }
    })
}

#[tokio::test]
async fn client_detects_a_signer_returning_a_bad_signature() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Backend::memory();
    let (identity, honest) = generate(&keys, ALL).await;
    let good = honest
        .committer()
        .unwrap()
        .sign_transaction(b"tx")
        .await
        .unwrap();
    let mut flipped = good.signature_bytes();
    flipped[10] ^= 1;

    // A corrupted signature under the right key.
    let socket = dir.path().join("bad.sock");
    let task = misbehaving_signer(
        socket.clone(),
        identity.clone(),
        flipped,
        identity.ed25519_public_key(),
    )
    .await;
    let handle = IdentityManager::new()
        .connect(&identity, &Backend::agent(&socket), Capability::Commit)
        .await
        .unwrap();
    let err = handle
        .committer()
        .unwrap()
        .sign_transaction(b"tx")
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::BadSignature { .. }), "{err:?}");
    task.abort();

    // A valid signature, by another key.
    let (_, other) = generate(&keys, ALL).await;
    let by_other = other
        .committer()
        .unwrap()
        .sign_transaction(b"tx")
        .await
        .unwrap();
    let socket = dir.path().join("other.sock");
    let task = misbehaving_signer(
        socket.clone(),
        identity.clone(),
        by_other.signature_bytes(),
        by_other.public_key(),
    )
    .await;
    let handle = IdentityManager::new()
        .connect(&identity, &Backend::agent(&socket), Capability::Commit)
        .await
        .unwrap();
    let err = handle
        .committer()
        .unwrap()
        .sign_transaction(b"tx")
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::BadSignature { .. }), "{err:?}");
    task.abort();
}

#[tokio::test]
async fn connect_refuses_a_signer_answering_with_another_identity() {
    let dir = tempfile::tempdir().unwrap();
    let (asked, _) = generate(&Backend::memory(), ALL).await;
    let (impostor, _) = generate(&Backend::memory(), ALL).await;
    let socket = dir.path().join("impostor.sock");
    let task = misbehaving_signer(socket.clone(), impostor.clone(), [0; 64], [0; 32]).await;
    let err = IdentityManager::new()
        .connect(&asked, &Backend::agent(&socket), Capability::Commit)
        .await
        .unwrap_err();
    assert!(
        matches!(err, KeyError::WrongIdentity { requested, returned, .. }
            if requested == asked.id() && returned == impostor.id()),
        "{err:?}"
    );
    task.abort();
}

// ---- remote signer --------------------------------------------------------

/// A CA, and a remote signer on loopback with its credentials.
struct Remote {
    ca: SignerCa,
    server: AgentServer,
    keys: MemoryBackend,
}

const TOKEN: &str = "remote-t0ken";

async fn start_remote(policy: SignerPolicy) -> Remote {
    let ca = SignerCa::generate("test signer CA").unwrap();
    let keys = MemoryBackend::new();
    let server = Agent::serve_remote(
        "127.0.0.1:0".parse().unwrap(),
        keys.clone(),
        RemoteSignerConfig {
            ca_pem: ca.cert_pem().to_owned(),
            identity: ca.issue_server(&["signer.test".into()]).unwrap(),
            token: Zeroizing::new(TOKEN.into()),
            policy,
        },
    )
    .await
    .unwrap();
    Remote { ca, server, keys }
}

impl Remote {
    fn client(&self, token: &str) -> RemoteClientConfig {
        RemoteClientConfig {
            ca_pem: self.ca.cert_pem().to_owned(),
            server_name: "signer.test".into(),
            identity: self.ca.issue_client("test client").unwrap(),
            token: Zeroizing::new(token.into()),
        }
    }

    fn backend(&self, config: RemoteClientConfig) -> Backend {
        Backend::remote(self.server.local_addr().unwrap(), config).unwrap()
    }
}

#[tokio::test]
async fn remote_signer_works_over_mutual_tls() {
    let remote = start_remote(SignerPolicy::full()).await;
    let backend = remote.backend(remote.client(TOKEN));
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
async fn remote_signer_applies_the_subset_rule() {
    let remote = start_remote(SignerPolicy::signing_only()).await;
    let (identity, _) = generate(&Backend::Memory(remote.keys.clone()), Capability::Commit).await;
    let backend = remote.backend(remote.client(TOKEN));
    let manager = IdentityManager::new();
    for asked in [Capability::Decrypt, Capability::CommitAndDecrypt] {
        let err = manager
            .connect(&identity, &backend, asked)
            .await
            .unwrap_err();
        assert!(
            matches!(err, KeyError::CapabilitiesNotAvailable { requested, available: Capability::Commit } if requested == asked),
            "{err:?}"
        );
    }
    let handle = manager
        .connect(&identity, &backend, Capability::Commit)
        .await
        .unwrap();
    assert_eq!(handle.capabilities(), Capability::Commit);
    assert!(handle.decryptor().is_none());
    handle
        .committer()
        .unwrap()
        .sign_transaction(b"tx")
        .await
        .unwrap();
    let err = manager
        .generate(&backend, Scheme::Ed25519, ALL)
        .await
        .unwrap_err();
    assert!(
        matches!(err, KeyError::OperationNotAllowed { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn remote_signer_refuses_a_wrong_token() {
    let remote = start_remote(SignerPolicy::full()).await;
    let err = IdentityManager::new()
        .generate(
            &remote.backend(remote.client("wrong")),
            Scheme::Ed25519,
            ALL,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::Unauthorized { .. }), "{err:?}");
    assert!(IdentityManager::new()
        .list(&Backend::Memory(remote.keys.clone()))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn empty_tokens_are_refused_on_both_ends() {
    let remote = start_remote(SignerPolicy::full()).await;
    let err = Backend::remote(remote.server.local_addr().unwrap(), remote.client("")).unwrap_err();
    assert!(matches!(err, KeyError::MissingToken), "{err:?}");

    let ca = SignerCa::generate("ca").unwrap();
    let err = Agent::serve_remote(
        "127.0.0.1:0".parse().unwrap(),
        MemoryBackend::new(),
        RemoteSignerConfig {
            ca_pem: ca.cert_pem().to_owned(),
            identity: ca.issue_server(&["signer.test".into()]).unwrap(),
            token: Zeroizing::new(String::new()),
            policy: SignerPolicy::full(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, KeyError::MissingToken), "{err:?}");
}

#[tokio::test]
async fn remote_signer_refuses_a_client_certificate_from_another_ca() {
    let remote = start_remote(SignerPolicy::full()).await;
    let stranger = SignerCa::generate("another CA").unwrap();
    let mut config = remote.client(TOKEN);
    config.identity = stranger.issue_client("intruder").unwrap();
    let err = IdentityManager::new()
        .ping(&remote.backend(config))
        .await
        .unwrap_err();
    assert!(
        matches!(err, KeyError::Tls { .. } | KeyError::Io { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn remote_client_refuses_a_signer_certificate_from_another_ca() {
    let remote = start_remote(SignerPolicy::full()).await;
    let stranger = SignerCa::generate("another CA").unwrap();
    let mut config = remote.client(TOKEN);
    // The client trusts only `stranger`, not the signer's CA.
    config.ca_pem = stranger.cert_pem().to_owned();
    config.identity = stranger.issue_client("client").unwrap();
    let err = IdentityManager::new()
        .ping(&remote.backend(config))
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::Tls { .. }), "{err:?}");

    // The right CA but another name than the certificate's.
    let mut config = remote.client(TOKEN);
    config.server_name = "elsewhere.test".into();
    let err = IdentityManager::new()
        .ping(&remote.backend(config))
        .await
        .unwrap_err();
    assert!(matches!(err, KeyError::Tls { .. }), "{err:?}");
}

#[tokio::test]
async fn remote_signer_that_is_down_is_reported() {
    // Bind and drop to get a port nobody listens on.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let remote = start_remote(SignerPolicy::full()).await;
    let backend = Backend::remote(addr, remote.client(TOKEN)).unwrap();
    let err = IdentityManager::new().ping(&backend).await.unwrap_err();
    assert!(
        matches!(err, KeyError::RemoteUnavailable { addr: a, .. } if a == addr),
        "{err:?}"
    );
}
