//! Named points where a test can make the server fail on purpose.
//!
//! Production never arms one; tests arm them through [`crate::server::startup::Application`]
//! to prove that a crash between two steps leaves nothing half done.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Between recording a Stripe event as seen and unlocking the profile it pays for.
pub const WEBHOOK_AFTER_DEDUP: &str = "webhook.after_dedup";

#[derive(Clone, Default, Debug)]
pub struct Failpoints {
    armed: Arc<Mutex<HashMap<String, u32>>>,
}

#[derive(Debug, thiserror::Error)]
#[error("failpoint {0} tripped")]
pub struct Tripped(pub String);

impl Failpoints {
    /// Makes the next `times` passes through `name` fail.
    pub fn arm(&self, name: &str, times: u32) {
        self.lock().insert(name.to_owned(), times);
    }

    pub fn check(&self, name: &str) -> Result<(), Tripped> {
        let mut armed = self.lock();
        match armed.get_mut(name) {
            Some(left) if *left > 0 => {
                *left -= 1;
                Err(Tripped(name.to_owned()))
            }
            _ => Ok(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, u32>> {
        // A panic while holding this lock cannot leave the map inconsistent.
        self.armed.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
