//! The PKCS#11 backend against a real SoftHSM2 token in a temporary
//! directory: keys generated on the token, signatures that the runtime
//! verifies, a transaction that executes, decryption through X25519
//! derivation on the token, and the capability rules enforced by the token.
//!
//! SoftHSM2 (Debian package `softhsm2`) must be installed; scripts/test.sh
//! installs it. Without it these tests fail, they do not skip. The module is
//! read from `MOVID_PKCS11_MODULE`, else /usr/lib/softhsm/libsofthsm2.so.

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeInfo, AttributeType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use movid_runtime::chain::LocalChain;
use movid_runtime::types::Address;
use movid_sdk::keys::{
    encrypt_to, personal_message_digest, Backend, Capability, IdentityManager, KeyError,
    KeyMaterial, Pkcs11Backend, Scheme,
};
use movid_sdk::tx::TransactionBuilder;
use movid_sdk::{Client, InProcessClient};

const PIN: &str = "123456";
const SO_PIN: &str = "12345678";
/// One token per test, so tests running in parallel never see each other's
/// keys. All are made before the module first loads: SoftHSM2 reads its
/// configuration (`SOFTHSM2_CONF`) once per process.
const TOKENS: [&str; 7] = ["sign", "caps", "decrypt", "errors", "secret", "tx", "list"];

struct SoftHsm {
    _dir: tempfile::TempDir,
    module: PathBuf,
}

/// A SoftHSM2 configuration in a temporary directory, with the tokens of
/// [`TOKENS`] initialized; panics (the test fails) if SoftHSM2 is missing.
fn softhsm() -> &'static SoftHsm {
    static HSM: OnceLock<SoftHsm> = OnceLock::new();
    HSM.get_or_init(|| {
        let module = Pkcs11Backend::default_module();
        assert!(
            module.exists(),
            "the PKCS#11 module {} is missing: install SoftHSM2 (`apt-get install -y softhsm2`; \
             scripts/test.sh does it) or point MOVID_PKCS11_MODULE at a module",
            module.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        for label in TOKENS {
            let status = Command::new("softhsm2-util")
                .env("SOFTHSM2_CONF", &conf)
                .args(["--init-token", "--free", "--label", label])
                .args(["--so-pin", SO_PIN, "--pin", PIN])
                .arg("--module")
                .arg(&module)
                .output()
                .unwrap_or_else(|e| {
                    panic!("softhsm2-util does not run ({e}): install SoftHSM2 (`apt-get install -y softhsm2`)")
                });
            assert!(
                status.status.success(),
                "softhsm2-util --init-token failed: {}",
                String::from_utf8_lossy(&status.stderr)
            );
        }
        // Set before any thread loads the module (this runs inside the
        // OnceLock, ahead of every test's first token call).
        std::env::set_var("SOFTHSM2_CONF", &conf);
        SoftHsm { _dir: dir, module }
    })
}

fn token(label: &str) -> Backend {
    let hsm = softhsm();
    Backend::from(Pkcs11Backend::open(&hsm.module, label, PIN).expect("the token opens"))
}

async fn generate(backend: &Backend, capabilities: Capability) -> movid_sdk::keys::Handle {
    IdentityManager::new()
        .generate(backend, Scheme::Ed25519, capabilities)
        .await
        .expect("generated on the token")
        .1
}

/// A raw session on a token, to look at it as another program would.
fn raw_session(label: &str) -> cryptoki::session::Session {
    let hsm = softhsm();
    let context = Pkcs11::new(&hsm.module).unwrap();
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(P11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => panic!("initialize: {e}"),
    }
    let slot = context
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| context.get_token_info(*s).unwrap().label() == label)
        .unwrap();
    let session = context.open_rw_session(slot).unwrap();
    match session.login(UserType::User, Some(&AuthPin::from(PIN))) {
        Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
        Err(e) => panic!("login: {e}"),
    }
    session
}

#[tokio::test]
async fn signatures_made_on_the_token_verify_with_the_runtime() {
    let backend = token("sign");
    let handle = generate(&backend, Capability::Commit).await;
    let committer = handle.require_committer().unwrap();
    let signature = committer.sign_personal_message(b"hello").await.unwrap();
    let digest = personal_message_digest(b"hello");
    let signer = signature.to_runtime().verify(&digest).expect("verifies");
    assert_eq!(signer.into_inner(), handle.identity().address());
    assert!(signature.to_runtime().verify(b"other message").is_err());
}

#[tokio::test]
async fn a_transaction_signed_on_the_token_executes_on_a_local_chain() {
    let backend = token("tx");
    let handle = generate(&backend, Capability::Commit).await;
    let committer = handle.require_committer().unwrap();
    let chain = Arc::new(LocalChain::new_dev().unwrap());
    let client: Arc<dyn Client> = Arc::new(InProcessClient::new(chain));
    let sender = Address::new(committer.address());
    client.faucet(sender, 10_000_000_000).await.unwrap();
    let recipient = Address::new([0x42; 32]);

    let mut tx = TransactionBuilder::new(&*client, sender);
    let amount = tx.pure(&1_234_567u64);
    let coin = tx.split_coins(tx.gas(), vec![amount]);
    let to = tx.pure(&recipient);
    tx.transfer_objects(vec![coin], to);
    tx.execute(&committer).await.expect("executes");

    let received = client.gas_coins(recipient).await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(movid_sdk::client::coin_balance(&received[0]), 1_234_567);
}

#[tokio::test]
async fn connecting_takes_a_subset_and_delete_removes_the_keys_from_the_token() {
    let backend = token("caps");
    let manager = IdentityManager::new();
    let full = generate(&backend, Capability::CommitAndDecrypt).await;
    let id = full.id();

    let decrypt_only = manager
        .connect(id, &backend, Capability::Decrypt)
        .await
        .unwrap();
    assert!(decrypt_only.committer().is_none());
    assert!(decrypt_only.decryptor().is_some());
    assert_eq!(decrypt_only.identity(), full.identity());

    let commit = generate(&backend, Capability::Commit).await;
    let err = manager
        .connect(commit.id(), &backend, Capability::CommitAndDecrypt)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        KeyError::CapabilitiesNotAvailable {
            requested: Capability::CommitAndDecrypt,
            available: Capability::Commit
        }
    ));

    manager.delete(id, &backend).await.unwrap();
    assert!(matches!(
        manager.connect(id, &backend, Capability::Commit).await,
        Err(KeyError::ExternalIdentityNotFound { .. })
    ));
    assert!(matches!(
        full.require_committer().unwrap().sign(b"m").await,
        Err(KeyError::IdentityDoesNotExist { .. })
    ));
    assert!(matches!(
        manager.delete(id, &backend).await,
        Err(KeyError::IdentityDoesNotExist { .. })
    ));
    // Nothing of the deleted identity is left on the token; the other is.
    let session = raw_session("caps");
    let objects = session.find_objects(&[]).unwrap();
    assert_eq!(objects.len(), 2, "the commit-only identity's key pair");
    let remaining = manager.list(&backend).await.unwrap();
    assert_eq!(remaining, vec![commit.identity().clone()]);
}

#[tokio::test]
async fn messages_sealed_to_the_token_identity_decrypt_through_derivation_on_the_token() {
    let backend = token("decrypt");
    let Backend::Pkcs11(token) = &backend else {
        unreachable!()
    };
    assert!(
        token.supports_decrypt(),
        "SoftHSM2 derives with X25519 keys; the probe must find it"
    );
    let handle = generate(&backend, Capability::CommitAndDecrypt).await;
    let decryptor = handle.require_decryptor().unwrap();
    let recipient = handle.identity().x25519_public_key();
    for plaintext in [&b"hello token"[..], &[0u8; 5000]] {
        let sealed = encrypt_to(&recipient, plaintext, b"movid/test").unwrap();
        assert_eq!(
            decryptor.decrypt(&sealed, b"movid/test").await.unwrap(),
            plaintext
        );
    }
    let sealed = encrypt_to(&recipient, b"x", b"movid/test").unwrap();
    assert!(matches!(
        decryptor.decrypt(&sealed, b"another context").await,
        Err(KeyError::DecryptionFailed)
    ));
    let mut altered = sealed.clone();
    altered.ciphertext[0] ^= 1;
    assert!(matches!(
        decryptor.decrypt(&altered, b"movid/test").await,
        Err(KeyError::DecryptionFailed)
    ));
    // A low-order point as `enc` is refused, not turned into a key.
    altered.encapped_key = [0; 32];
    assert!(matches!(
        decryptor.decrypt(&altered, b"movid/test").await,
        Err(KeyError::DecryptionFailed)
    ));

    // A commit-only identity has no X25519 key at all, and nothing can be
    // sealed to the placeholder.
    let commit = generate(&backend, Capability::Commit).await;
    assert_eq!(commit.identity().x25519_public_key(), [0; 32]);
    assert!(matches!(
        encrypt_to(&commit.identity().x25519_public_key(), b"x", b""),
        Err(KeyError::InvalidPublicKey { .. })
    ));
}

#[tokio::test]
async fn secret_keys_on_the_token_are_sensitive_unextractable_and_unmodifiable() {
    let backend = token("secret");
    let decrypt_only = generate(&backend, Capability::Decrypt).await;
    let session = raw_session("secret");
    let privates = session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
        .unwrap();
    assert_eq!(privates.len(), 2, "an Ed25519 and an X25519 private key");
    for key in &privates {
        let info = session
            .get_attribute_info(*key, &[AttributeType::Value])
            .unwrap();
        assert!(
            matches!(info.as_slice(), [AttributeInfo::Sensitive]),
            "the private key's value must be sensitive: {info:?}"
        );
        let flags = session
            .get_attributes(
                *key,
                &[AttributeType::Extractable, AttributeType::NeverExtractable],
            )
            .unwrap();
        assert!(flags.contains(&Attribute::Extractable(false)));
        assert!(flags.contains(&Attribute::NeverExtractable(true)));
    }

    // The token itself refuses to sign with a decrypt-only identity's key,
    // whoever asks, and the key cannot be changed into one that signs.
    let ed25519 = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(b"movid-ed25519".to_vec()),
        ])
        .unwrap()[0];
    let eddsa = Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure));
    let refused = session.sign(&eddsa, ed25519, b"digest").unwrap_err();
    assert!(
        matches!(
            refused,
            P11Error::Pkcs11(RvError::KeyFunctionNotPermitted, _)
        ),
        "{refused}"
    );
    assert!(session
        .update_attributes(ed25519, &[Attribute::Sign(true)])
        .is_err());
    let after = session
        .get_attributes(ed25519, &[AttributeType::Sign])
        .unwrap();
    assert_eq!(after, vec![Attribute::Sign(false)]);
    let reconnected = IdentityManager::new()
        .connect(decrypt_only.id(), &backend, Capability::Decrypt)
        .await
        .unwrap();
    assert_eq!(reconnected.identity().capabilities(), Capability::Decrypt);
    assert!(matches!(
        IdentityManager::new()
            .connect(decrypt_only.id(), &backend, Capability::Commit)
            .await,
        Err(KeyError::CapabilitiesNotAvailable { .. })
    ));
}

#[tokio::test]
async fn a_wrong_pin_an_unknown_token_and_importing_are_named_errors() {
    let hsm = softhsm();
    assert!(matches!(
        Pkcs11Backend::open(&hsm.module, "errors", "000000"),
        Err(KeyError::WrongPin { .. })
    ));
    match Pkcs11Backend::open(&hsm.module, "no such token", PIN) {
        Err(KeyError::TokenNotFound { available, .. }) => {
            assert!(available.contains(&"errors".to_string()))
        }
        other => panic!("expected TokenNotFound, got {other:?}"),
    }
    assert!(matches!(
        Pkcs11Backend::open("/nonexistent/libpkcs11.so", "errors", PIN),
        Err(KeyError::Io { .. })
    ));
    let backend = token("errors");
    let err = IdentityManager::new()
        .import(
            &backend,
            Scheme::Ed25519,
            &KeyMaterial::from_ed25519_seed([1; 32]),
            Capability::Commit,
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        KeyError::NotSupported {
            operation: "import",
            ..
        }
    ));
    assert!(IdentityManager::new()
        .list(&backend)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn identities_on_the_token_are_listed_by_another_backend_on_it() {
    let first = token("list");
    let a = generate(&first, Capability::Commit).await;
    let b = generate(&first, Capability::CommitAndDecrypt).await;
    // A second backend (another program, or this one after a restart)
    // finds them by ID on the token.
    let second = token("list");
    let mut listed = IdentityManager::new().list(&second).await.unwrap();
    listed.sort_by_key(|i| i.id());
    let mut expected = vec![a.identity().clone(), b.identity().clone()];
    expected.sort_by_key(|i| i.id());
    assert_eq!(listed, expected);
    let handle = IdentityManager::new()
        .connect(b.id(), &second, Capability::Commit)
        .await
        .unwrap();
    let signature = handle
        .require_committer()
        .unwrap()
        .sign(b"m")
        .await
        .unwrap();
    assert!(signature.verify(b"m"));
}
