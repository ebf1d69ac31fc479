//! Password hashing with Argon2id at (at least) the OWASP parameters, off the async worker
//! threads and with a cap on how many hashes run at once (each takes 19 MiB and a few
//! tens of milliseconds of CPU).

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use super::AccountError;

/// Memory cost in KiB (OWASP: 19 MiB).
pub const MEMORY_KIB: u32 = 19_456;
/// Iterations (OWASP: 2).
pub const ITERATIONS: u32 = 2;
/// Lanes (OWASP: 1).
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies passwords; cheap to clone.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when an e-mail address is unknown so
    /// that the answer takes as long as for a wrong password.
    dummy: Arc<OnceCell<String>>,
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

impl Passwords {
    /// At most as many concurrent hashes as there are CPU cores (at least two).
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .max(2);
        Passwords {
            permits: Arc::new(Semaphore::new(cores)),
            dummy: Arc::new(OnceCell::new()),
        }
    }

    /// The PHC string of `password` with a fresh random salt.
    pub async fn hash(&self, password: &str) -> Result<String, AccountError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AccountError::Internal(e.to_string()))?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))?
        .map_err(|e| AccountError::Internal(e.to_string()))
    }

    /// Whether `password` matches `stored`. With no stored hash (unknown account) the work
    /// is done anyway against a dummy hash and the answer is `false`.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AccountError> {
        let (phc, known) = match stored {
            Some(phc) => (phc.to_owned(), true),
            None => (self.dummy_hash().await?, false),
        };
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AccountError::Internal(e.to_string()))?;
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || {
            let Ok(parsed) = PasswordHash::new(&phc) else {
                return false;
            };
            // Verification uses the parameters stored in the hash (so old hashes still work).
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))?;
        Ok(known && matches)
    }

    async fn dummy_hash(&self) -> Result<String, AccountError> {
        self.dummy
            .get_or_try_init(|| async {
                let mut random = [0u8; 24];
                argon2::password_hash::rand_core::RngCore::fill_bytes(&mut OsRng, &mut random);
                self.hash(&super::secrets::encode(&random)).await
            })
            .await
            .cloned()
    }
}

/// The Argon2 parameters of a stored hash: (algorithm, m, t, p).
pub fn parameters_of(phc: &str) -> Option<(String, u32, u32, u32)> {
    let parsed = PasswordHash::new(phc).ok()?;
    let params = Params::try_from(&parsed).ok()?;
    Some((
        parsed.algorithm.to_string(),
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
    ))
}
