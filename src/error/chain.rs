//! Flattening an error and its causes into text. A leaf module, so every area (manifests, secrets,
//! bootstrap, tenants, the tree) can put a cause chain into its own error or report without
//! depending on the error type that rolls them all up.

/// The one way an error chain is flattened: the error's message, then each cause whose text the
/// messages before it do not already quote (kube's errors embed their source in their message,
/// and `#[error(transparent)]` forwards `source()`), so no cause is printed twice.
pub fn causes(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !out.iter().any(|seen| seen.contains(&text)) {
            out.push(text);
        }
        source = cause.source();
    }
    out
}

/// An error and its causes on one line, for table cells, documents and state files.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    causes(e).join(": ")
}
