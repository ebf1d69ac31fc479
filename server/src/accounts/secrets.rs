//! Random secrets (session ids, invitation codes, API tokens) and their digests. Only the
//! SHA-256 digest of a secret is stored; the secret itself goes to its owner once.

use argon2::password_hash::rand_core::{OsRng, RngCore as _};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

/// Text form of bytes (URL-safe base64 without padding).
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new 256-bit random secret in text form, with an optional prefix (`alm_` for tokens).
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", encode(&bytes))
}

/// The stored digest of a secret.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_stored_as_digests() {
        let (a, b) = (new_secret("alm_"), new_secret("alm_"));
        assert_ne!(a, b);
        assert!(a.starts_with("alm_") && a.len() == 4 + 43, "{a}");
        assert_eq!(digest(&a).len(), 32);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
    }
}
