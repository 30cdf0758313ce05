//! The objects of a Helm release, read from its storage Secret, for HelmReleases that have no
//! `.status.inventory` (helm-controller before Flux 2.8).
//!
//! Helm stores a release in the Secret `sh.helm.release.v1.<release>.v<version>` under the key
//! `release`: the JSON release, gzipped, then base64-encoded (and base64-encoded once more by the
//! Secret's `data`). The manifest inside is the multi-document YAML Helm applied. Secrets come
//! from the cluster, so decoding is bounded: the encoded text, the decompressed bytes (a gzip
//! bomb stops at the limit) and the number of objects are all capped.
//!
//! The storage name uses the *release* name from `.status.history` (flux2 does the same), not the
//! chart name: flux-operator builds it from the chart name and finds nothing when they differ.

use std::io::{Read, Write};

use base64::{Engine, engine::general_purpose::STANDARD};
use serde::Deserialize;
use serde_json::Value;

use super::model::ObjRef;
use crate::{kube::Gvk, manifests::yaml};

/// Bounds on what one storage Secret may cost to decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest `release` value accepted, as returned by the apiserver.
    pub encoded_bytes: usize,
    /// Largest decompressed release JSON.
    pub decoded_bytes: usize,
    /// Most objects read from one manifest.
    pub objects: usize,
}

impl Limits {
    /// The limits used by the tree: a Secret is at most 1 MiB (the margin covers the double
    /// base64), and the largest real releases decompress to a few MiB.
    pub const DEFAULT: Limits = Limits {
        encoded_bytes: 4 << 20,
        decoded_bytes: 32 << 20,
        objects: 20_000,
    };
}

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The storage Secret of a release could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum HelmStorageError {
    /// The encoded release exceeds [`Limits::encoded_bytes`].
    #[error("the encoded release is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Size found.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not base64.
    #[error("the release is not valid base64")]
    Base64(#[source] base64::DecodeError),
    /// Not gzip (or a corrupt stream).
    #[error("the release does not decompress")]
    Gzip(#[source] std::io::Error),
    /// The decompressed release exceeds [`Limits::decoded_bytes`].
    #[error("the release decompresses to more than {limit} bytes")]
    DecodedTooLarge {
        /// The limit.
        limit: usize,
    },
    /// Not a Helm release JSON document.
    #[error("the release is not a Helm release JSON document")]
    Json(#[source] serde_json::Error),
    /// The manifest is not YAML.
    #[error("the release manifest is not valid YAML")]
    Manifest(#[source] yaml::YamlError),
    /// The manifest names more than [`Limits::objects`] objects.
    #[error("the release manifest has more than {limit} objects")]
    TooManyObjects {
        /// The limit.
        limit: usize,
    },
}

/// The name of the storage Secret of a release version.
pub fn storage_secret_name(release: &str, version: i64) -> String {
    format!("sh.helm.release.v1.{release}.v{version}")
}

/// What the tree needs from a release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// The release namespace: where namespaced objects without a namespace go.
    pub namespace: String,
    /// The objects of the manifest, in manifest order. `namespace` is empty when the manifest
    /// does not set one; the caller fills it in for namespaced kinds.
    pub objects: Vec<ObjRef>,
}

#[derive(Deserialize)]
struct ReleaseJson {
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    manifest: String,
}

/// Decodes the `release` value of a storage Secret's `data`, as the apiserver returns it.
pub fn decode_secret_data(data_release: &str, limits: Limits) -> Result<Release, HelmStorageError> {
    let text = data_release.trim();
    if text.len() > limits.encoded_bytes {
        return Err(HelmStorageError::TooLarge {
            size: text.len(),
            limit: limits.encoded_bytes,
        });
    }
    // The Secret's own base64 first, then Helm's.
    let helm_text = STANDARD.decode(text).map_err(HelmStorageError::Base64)?;
    let packed = STANDARD
        .decode(trim_ascii(&helm_text))
        .map_err(HelmStorageError::Base64)?;
    let json = if packed.starts_with(&GZIP_MAGIC) {
        gunzip_bounded(&packed, limits.decoded_bytes)?
    } else {
        // Helm always compresses, but its reader accepts plain JSON too.
        packed
    };
    if json.len() > limits.decoded_bytes {
        return Err(HelmStorageError::DecodedTooLarge {
            limit: limits.decoded_bytes,
        });
    }
    let release: ReleaseJson = serde_json::from_slice(&json).map_err(HelmStorageError::Json)?;
    drop(json);
    let objects = manifest_objects(&release.manifest, limits.objects)?;
    Ok(Release {
        namespace: release.namespace,
        objects,
    })
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

fn gunzip_bounded(packed: &[u8], limit: usize) -> Result<Vec<u8>, HelmStorageError> {
    let mut out = Vec::new();
    // One byte over the limit tells "exactly at the limit" from "larger".
    flate2::read::GzDecoder::new(packed)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(HelmStorageError::Gzip)?;
    if out.len() > limit {
        return Err(HelmStorageError::DecodedTooLarge { limit });
    }
    Ok(out)
}

/// The objects of a rendered manifest (multi-document YAML; `List` documents are flattened).
pub fn manifest_objects(manifest: &str, max_objects: usize) -> Result<Vec<ObjRef>, HelmStorageError> {
    if manifest.trim().is_empty() {
        return Ok(Vec::new());
    }
    let docs =
        yaml::from_multi_doc(manifest, "the Helm release manifest").map_err(HelmStorageError::Manifest)?;
    let mut out = Vec::new();
    for doc in &docs {
        match doc.get("items").and_then(Value::as_array) {
            Some(items) if is_list(doc) => items.iter().for_each(|i| push_object(i, &mut out)),
            _ => push_object(doc, &mut out),
        }
        if out.len() > max_objects {
            return Err(HelmStorageError::TooManyObjects { limit: max_objects });
        }
    }
    Ok(out)
}

fn is_list(doc: &Value) -> bool {
    doc.get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
}

fn push_object(doc: &Value, out: &mut Vec<ObjRef>) {
    let text = |p: &str| doc.pointer(p).and_then(Value::as_str).unwrap_or_default();
    let (api_version, kind, name) = (text("/apiVersion"), text("/kind"), text("/metadata/name"));
    // Documents that are empty after templating, or not objects, are skipped as Helm does.
    if api_version.is_empty() || kind.is_empty() || name.is_empty() {
        return;
    }
    let gvk = Gvk::from_api_version(api_version, kind);
    out.push(ObjRef {
        group: gvk.group,
        kind: gvk.kind,
        namespace: text("/metadata/namespace").to_string(),
        name: name.to_string(),
        version: gvk.version,
    });
}

/// Encodes a release JSON document the way Helm stores it (gzip, then base64), as the bytes of
/// the Secret's `release` key. Tests and the benchmark fixture build storage Secrets with it.
pub fn encode_release(release_json: &[u8]) -> Result<String, std::io::Error> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(release_json)?;
    Ok(STANDARD.encode(gz.finish()?))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn secret_data(release: &Value) -> String {
        let helm = encode_release(release.to_string().as_bytes()).expect("encodes");
        STANDARD.encode(helm)
    }

    #[test]
    fn decodes_a_release_manifest() {
        let manifest = "---\n# Source: podinfo/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\n  namespace: other\n---\n# empty after templating\n---\napiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: listed\n";
        let data = secret_data(
            &json!({"name": "podinfo", "namespace": "apps", "manifest": manifest, "chart": {"big": "ignored"}}),
        );
        let release = decode_secret_data(&data, Limits::DEFAULT).expect("decodes");
        assert_eq!(release.namespace, "apps");
        let names: Vec<String> = release.objects.iter().map(ToString::to_string).collect();
        assert_eq!(
            names,
            ["Service/podinfo", "Deployment/other/podinfo", "ConfigMap/listed"]
        );
        assert_eq!(release.objects[1].group, "apps");
        assert_eq!(release.objects[1].version, "v1");
    }

    #[test]
    fn rejects_garbage_and_bombs() {
        let limits = Limits {
            encoded_bytes: 64 << 10,
            decoded_bytes: 1 << 20,
            objects: 2,
        };
        assert!(matches!(
            decode_secret_data("!!!", limits),
            Err(HelmStorageError::Base64(_))
        ));
        let not_gzip = STANDARD.encode(STANDARD.encode([0x1f, 0x8b, 0x08, 0, 1, 2]));
        assert!(matches!(
            decode_secret_data(&not_gzip, limits),
            Err(HelmStorageError::Gzip(_))
        ));
        // 4 MiB of spaces compress to a few KiB: decoding must stop at the 1 MiB limit.
        let spaces = vec![b' '; 4 << 20];
        let bomb = STANDARD.encode(encode_release(&spaces).expect("encodes"));
        assert!(bomb.len() < limits.encoded_bytes);
        assert!(matches!(
            decode_secret_data(&bomb, limits),
            Err(HelmStorageError::DecodedTooLarge { .. })
        ));
        let huge = "A".repeat(limits.encoded_bytes + 4);
        assert!(matches!(
            decode_secret_data(&huge, limits),
            Err(HelmStorageError::TooLarge { .. })
        ));
        let three = "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: A\nmetadata: {name: b}\n---\napiVersion: v1\nkind: A\nmetadata: {name: c}\n";
        assert!(matches!(
            manifest_objects(three, 2),
            Err(HelmStorageError::TooManyObjects { limit: 2 })
        ));
    }

    #[test]
    fn names_storage_secrets_by_release_and_version() {
        assert_eq!(
            storage_secret_name("cert-manager", 3),
            "sh.helm.release.v1.cert-manager.v3"
        );
    }
}
