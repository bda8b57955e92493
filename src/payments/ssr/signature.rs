//! Stripe webhook signatures: `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`.
//!
//! The HMAC key is the endpoint secret exactly as Stripe shows it (`whsec_…`), and the
//! signed message is `<t>.<raw body>`. A header may carry several `v1` signatures (Stripe
//! sends one per active secret while a secret is being rolled); any one matching any of our
//! secrets is enough.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::server::config::Secret;

/// How far a signature's timestamp may be from our clock, as Stripe's libraries default to.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the signature timestamp is outside the tolerance")]
    OutsideTolerance,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length")
}

/// The `v1` signature of `payload` made at `timestamp`.
pub fn signature(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let mut mac = mac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    hex::encode(mac.finalize().into_bytes())
}

/// A complete header value, as Stripe (and the simulator) sends it.
pub fn header(payload: &[u8], secret: &str, timestamp: i64) -> String {
    format!("t={timestamp},v1={}", signature(payload, secret, timestamp))
}

pub fn verify(
    header: Option<&str>,
    payload: &[u8],
    secrets: &[Secret],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or(SignatureError::Malformed)?;
        match key {
            "t" => timestamp = Some(value.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            "v1" => candidates.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            // v0 and future schemes are not ours to check.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::OutsideTolerance);
    }
    let signed_prefix = format!("{timestamp}.");
    for secret in secrets {
        for candidate in &candidates {
            let mut mac = mac(secret.expose());
            mac.update(signed_prefix.as_bytes());
            mac.update(payload);
            // verify_slice compares in constant time.
            if mac.verify_slice(candidate).is_ok() {
                return Ok(());
            }
        }
    }
    Err(SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_256_000;

    fn secrets(values: &[&str]) -> Vec<Secret> {
        values.iter().map(|v| Secret::new(*v)).collect()
    }

    #[test]
    fn a_signature_made_with_the_secret_verifies() {
        let body = br#"{"id":"evt_1"}"#;
        let header = header(body, "whsec_one", NOW);

        assert_eq!(verify(Some(&header), body, &secrets(&["whsec_one"]), NOW), Ok(()));
    }

    #[test]
    fn the_signature_matches_an_independent_hmac_implementation() {
        // Python: hmac.new(b"whsec_test", b'1700000000.{"id":"evt_test"}', sha256).hexdigest()
        let expected = "14c4f43763339dcb1c15f41a1ff31a94f2f09f8de278f8b4392ca0d7cbcd257e";

        assert_eq!(signature(br#"{"id":"evt_test"}"#, "whsec_test", 1_700_000_000), expected);
    }

    #[test]
    fn a_body_changed_by_one_byte_is_refused() {
        let header = header(b"{\"amount\":4900}", "whsec_one", NOW);

        let result = verify(Some(&header), b"{\"amount\":4901}", &secrets(&["whsec_one"]), NOW);

        assert_eq!(result, Err(SignatureError::Mismatch));
    }

    #[test]
    fn a_signature_from_another_secret_is_refused() {
        let header = header(b"{}", "whsec_other", NOW);

        assert_eq!(
            verify(Some(&header), b"{}", &secrets(&["whsec_one"]), NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_and_malformed_headers_are_refused() {
        let s = secrets(&["whsec_one"]);
        assert_eq!(verify(None, b"{}", &s, NOW), Err(SignatureError::Missing));
        for bad in ["", "garbage", "t=abc,v1=00", "t=1796256000", "v1=00ff", "t=1796256000,v1=zz"] {
            assert_eq!(verify(Some(bad), b"{}", &s, NOW), Err(SignatureError::Malformed), "{bad}");
        }
    }

    #[test]
    fn an_old_or_future_timestamp_is_refused() {
        let s = secrets(&["whsec_one"]);
        let old = header(b"{}", "whsec_one", NOW - TOLERANCE_SECS - 1);
        let future = header(b"{}", "whsec_one", NOW + TOLERANCE_SECS + 1);
        let edge = header(b"{}", "whsec_one", NOW - TOLERANCE_SECS);

        assert_eq!(verify(Some(&old), b"{}", &s, NOW), Err(SignatureError::OutsideTolerance));
        assert_eq!(verify(Some(&future), b"{}", &s, NOW), Err(SignatureError::OutsideTolerance));
        assert_eq!(verify(Some(&edge), b"{}", &s, NOW), Ok(()));
    }

    #[test]
    fn while_a_secret_is_rolled_either_secret_verifies() {
        let s = secrets(&["whsec_new", "whsec_old"]);
        let old_only = header(b"{}", "whsec_old", NOW);
        // Stripe signs with both secrets during a roll: one header, two v1 values.
        let both = format!(
            "t={NOW},v1={},v1={}",
            signature(b"{}", "whsec_unknown", NOW),
            signature(b"{}", "whsec_new", NOW)
        );

        assert_eq!(verify(Some(&old_only), b"{}", &s, NOW), Ok(()));
        assert_eq!(verify(Some(&both), b"{}", &s, NOW), Ok(()));
    }
}
