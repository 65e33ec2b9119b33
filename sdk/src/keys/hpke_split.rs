//! The receiver's half of HPKE with the Diffie-Hellman step done elsewhere.
//!
//! A hardware token computes `DH(skR, pkE)` without revealing `skR`, but it
//! does not run HPKE. This file finishes the job on the host: it turns the
//! shared DH output into the HPKE shared secret, runs the key schedule and
//! opens the AEAD, exactly as RFC 9180 base mode does for the suite
//! [`super::encrypt_to`] seals with, DHKEM(X25519, HKDF-SHA256) /
//! HKDF-SHA256 / ChaCha20Poly1305. The test below checks it against the
//! `hpke` crate, so both always agree.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::crypto::SealedMessage;
use super::KeyError;

/// KEM, KDF and AEAD identifiers of the suite (RFC 9180 §7).
const KEM_ID: u16 = 0x0020;
const KDF_ID: u16 = 0x0001;
const AEAD_ID: u16 = 0x0003;

/// Opens `sealed` given `dh = X25519(skR, sealed.encapped_key)` computed by
/// whoever holds the recipient's secret, and the recipient's public key.
///
/// Fails with [`KeyError::DecryptionFailed`] when the DH output is all
/// zeros (a low-order `enc`) or the AEAD does not open.
pub(crate) fn open_with_dh(
    dh: &[u8; 32],
    recipient_public: &[u8; 32],
    sealed: &SealedMessage,
    info: &[u8],
) -> Result<Vec<u8>, KeyError> {
    // RFC 7748 §6.1: an all-zero output means the peer sent a low-order
    // point; HPKE implementations must reject it.
    if dh.iter().all(|b| *b == 0) {
        return Err(KeyError::DecryptionFailed);
    }
    let kem_suite = [b"KEM".as_slice(), &KEM_ID.to_be_bytes()].concat();
    let mut kem_context = [0u8; 64];
    kem_context[..32].copy_from_slice(&sealed.encapped_key);
    kem_context[32..].copy_from_slice(recipient_public);
    let eae_prk = labeled_extract(&kem_suite, b"", b"eae_prk", dh);
    let shared_secret = labeled_expand::<32>(&kem_suite, &eae_prk, b"shared_secret", &kem_context);

    let suite = [
        b"HPKE".as_slice(),
        &KEM_ID.to_be_bytes(),
        &KDF_ID.to_be_bytes(),
        &AEAD_ID.to_be_bytes(),
    ]
    .concat();
    let psk_id_hash = labeled_extract(&suite, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(&suite, b"", b"info_hash", info);
    // mode_base = 0x00
    let context = [&[0u8][..], &psk_id_hash[..], &info_hash[..]].concat();
    let secret = labeled_extract(&suite, &shared_secret[..], b"secret", b"");
    let key = labeled_expand::<32>(&suite, &secret, b"key", &context);
    let nonce = labeled_expand::<12>(&suite, &secret, b"base_nonce", &context);

    // The first (and only) message of a single-shot context uses sequence
    // number 0, so its nonce is the base nonce itself.
    let cipher = ChaCha20Poly1305::new((&*key).into());
    cipher
        .decrypt(
            (&*nonce).into(),
            Payload {
                msg: &sealed.ciphertext,
                aad: b"",
            },
        )
        .map_err(|_| KeyError::DecryptionFailed)
}

/// `LabeledExtract(salt, label, ikm)` of RFC 9180 §4.
fn labeled_extract(suite: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> Zeroizing<[u8; 32]> {
    let labeled_ikm = Zeroizing::new([b"HPKE-v1".as_slice(), suite, label, ikm].concat());
    let (prk, _) = Hkdf::<Sha256>::extract(Some(salt), &labeled_ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&prk);
    out
}

/// `LabeledExpand(prk, label, info, L)` of RFC 9180 §4.
fn labeled_expand<const L: usize>(
    suite: &[u8],
    prk: &[u8; 32],
    label: &[u8],
    info: &[u8],
) -> Zeroizing<[u8; L]> {
    let length = u16::try_from(L).expect("HPKE lengths fit in two bytes");
    let labeled_info = [&length.to_be_bytes()[..], b"HPKE-v1", suite, label, info].concat();
    let hkdf = Hkdf::<Sha256>::from_prk(prk).expect("a SHA-256 PRK is 32 bytes");
    let mut out = Zeroizing::new([0u8; L]);
    hkdf.expand(&labeled_info, &mut out[..])
        .expect("L is far below 255 hash lengths");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::crypto::{encrypt_to, x25519_public};

    fn dh(secret: &x25519_dalek::StaticSecret, sealed: &SealedMessage) -> [u8; 32] {
        secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(sealed.encapped_key))
            .to_bytes()
    }

    #[test]
    fn opens_what_the_hpke_crate_seals() {
        let secret = x25519_dalek::StaticSecret::from([42; 32]);
        let public = x25519_public(&secret);
        for plaintext in [&b""[..], b"hello", &[7u8; 1000]] {
            let sealed = encrypt_to(&public, plaintext, b"movid/test").unwrap();
            let opened = open_with_dh(&dh(&secret, &sealed), &public, &sealed, b"movid/test");
            assert_eq!(opened.unwrap(), plaintext);
        }
    }

    #[test]
    fn another_info_another_key_or_an_altered_ciphertext_does_not_open() {
        let secret = x25519_dalek::StaticSecret::from([42; 32]);
        let public = x25519_public(&secret);
        let sealed = encrypt_to(&public, b"hello", b"a").unwrap();
        let shared = dh(&secret, &sealed);
        assert!(matches!(
            open_with_dh(&shared, &public, &sealed, b"b"),
            Err(KeyError::DecryptionFailed)
        ));
        let other = x25519_dalek::StaticSecret::from([43; 32]);
        assert!(open_with_dh(&dh(&other, &sealed), &public, &sealed, b"a").is_err());
        let mut altered = sealed.clone();
        altered.ciphertext[0] ^= 1;
        assert!(open_with_dh(&shared, &public, &altered, b"a").is_err());
        assert!(open_with_dh(&[0; 32], &public, &sealed, b"a").is_err());
    }
}
