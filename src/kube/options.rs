//! Per-client settings, a leaf both the client builder and the error classifier (which quotes the
//! timeouts in its messages) depend on.

use std::time::Duration;

/// Timeouts applied to every client.
#[derive(Clone, Copy, Debug)]
pub struct ClientOptions {
    /// TCP/TLS connect timeout: short, so an unreachable cluster is reported quickly.
    pub connect_timeout: Duration,
    /// Per-request read timeout.
    pub request_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
        }
    }
}
