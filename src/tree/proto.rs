//! Protobuf LIST bodies of built-in kinds, decoded as they stream in, into [`ObjInfo`].
//!
//! Why: for the kinds it has compiled types for, the apiserver encodes a protobuf LIST in about
//! half the time of JSON, and the client skips every field the tree does not read by its length
//! (a pod template or the managedFields are one jump each) instead of scanning their bytes twice
//! (the JSON splitter, then serde). Measured figures: `/work/notes/tree-wire.md`, summed up in
//! [`super::plan`]'s cost model. Custom resources have no protobuf encoding (the apiserver answers
//! them in JSON, which the `Accept` header allows), and nor do the Flux kinds.
//!
//! Only what [`super::decode::info_from_item`] reads is decoded, into the same borrowed
//! [`ItemRef`] the JSON decoder fills, so both wire formats build the same node by construction.
//! Field numbers are those of `k8s.io/api` and `k8s.io/apimachinery` `generated.proto`. The proto
//! definitions are proto2 with Go's `omitempty` on the JSON side: a zero that JSON would omit
//! (a `generation` of 0, an empty `reason`) is treated as absent here too.
//!
//! The body is `k8s\0` followed by a `runtime.Unknown` whose field 2 (`raw`) is the list: field 1
//! its `ListMeta`, field 2 each item, length-delimited. [`ProtoSplitter`] walks that framing chunk
//! by chunk and hands each complete item to the decoder, so, as with JSON, the peak memory of a
//! LIST is one chunk plus one object.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::drift;

use super::{
    decode::{
        ItemRef, Keep, MetaLabels, MetaRef, Pick, Picked, ReconcileAnnotation, SpecRef, StatusRef,
        info_from_item,
    },
    model::GroupKind,
    snapshot::ObjInfo,
};

/// The media type of the apiserver's protobuf encoding.
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";

const MAGIC: &[u8; 4] = b"k8s\0";

/// The `Accept` header of a LIST of this kind when its body can be protobuf (JSON stays
/// acceptable, for servers or kinds without protobuf); `None` to ask for JSON only.
pub fn accept(gk: &GroupKind, metadata_only: bool) -> Option<&'static str> {
    if metadata_only {
        // Every kind, custom resources included, has a protobuf PartialObjectMetadataList.
        return Some(
            "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, \
             application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json",
        );
    }
    layout(gk).map(|_| "application/vnd.kubernetes.protobuf, application/json")
}

/// Where the fields the tree reads sit in one kind's protobuf message (besides `metadata` = 1).
struct Layout {
    /// `spec.replicas`.
    replicas: Option<u32>,
    /// `status` counters: (field, JSON name); `observedGeneration` is one of them.
    counters: &'static [(u32, &'static str)],
    /// `status.conditions` (type = 1, status = 2, reason = 4, message = 5, and
    /// `lastTransitionTime` at the given field).
    conditions: Option<(u32, u32)>,
    /// `status.phase`.
    phase: Option<u32>,
}

/// The kinds decoded from protobuf with their whole status (metadata-only kinds need no layout).
fn layout(gk: &GroupKind) -> Option<Layout> {
    match (gk.group.as_str(), gk.kind.as_str()) {
        ("apps", "Deployment") => Some(Layout {
            replicas: Some(1),
            counters: &[
                (1, "observedGeneration"),
                (3, "updatedReplicas"),
                (7, "readyReplicas"),
                (4, "availableReplicas"),
            ],
            conditions: Some((6, 7)),
            phase: None,
        }),
        ("apps", "StatefulSet") => Some(Layout {
            replicas: Some(1),
            counters: &[
                (1, "observedGeneration"),
                (3, "readyReplicas"),
                (5, "updatedReplicas"),
                (11, "availableReplicas"),
            ],
            conditions: Some((10, 3)),
            phase: None,
        }),
        ("apps", "DaemonSet") => Some(Layout {
            replicas: None,
            counters: &[
                (3, "desiredNumberScheduled"),
                (4, "numberReady"),
                (5, "observedGeneration"),
                (6, "updatedNumberScheduled"),
            ],
            conditions: Some((10, 3)),
            phase: None,
        }),
        ("", "PersistentVolumeClaim") => Some(Layout {
            replicas: None,
            counters: &[],
            conditions: None,
            phase: Some(1),
        }),
        _ => None,
    }
}

/// A malformed protobuf body.
#[derive(Debug, thiserror::Error)]
#[error("invalid protobuf response: {0}")]
pub struct ProtoError(&'static str);

/// One field of a message.
#[derive(Clone, Copy, Debug)]
enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Reads a varint at the start of `b`: the value and its length; `None` when `b` ends first.
fn varint(b: &[u8]) -> Result<Option<(u64, usize)>, ProtoError> {
    let mut value = 0u64;
    for (i, byte) in b.iter().enumerate() {
        if i == 10 {
            return Err(ProtoError("varint longer than 10 bytes"));
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
    }
    if b.len() >= 10 {
        return Err(ProtoError("varint longer than 10 bytes"));
    }
    Ok(None)
}

/// The fields of one complete message, in order.
struct Fields<'a> {
    b: &'a [u8],
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Field<'a>), ProtoError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.b.is_empty() {
            return None;
        }
        Some(self.read())
    }
}

impl<'a> Fields<'a> {
    fn read(&mut self) -> Result<(u32, Field<'a>), ProtoError> {
        let (tag, n) = varint(self.b)?.ok_or(ProtoError("truncated tag"))?;
        self.b = &self.b[n..];
        let number = u32::try_from(tag >> 3).map_err(|_| ProtoError("field number out of range"))?;
        let field = match tag & 7 {
            0 => {
                let (v, n) = varint(self.b)?.ok_or(ProtoError("truncated varint"))?;
                self.b = &self.b[n..];
                Field::Varint(v)
            }
            1 | 5 => {
                let n = if tag & 7 == 1 { 8 } else { 4 };
                if self.b.len() < n {
                    return Err(ProtoError("truncated fixed-size field"));
                }
                self.b = &self.b[n..];
                Field::Fixed
            }
            2 => {
                let (len, n) = varint(self.b)?.ok_or(ProtoError("truncated length"))?;
                let len = usize::try_from(len).map_err(|_| ProtoError("length out of range"))?;
                let rest = &self.b[n..];
                if rest.len() < len {
                    return Err(ProtoError("truncated length-delimited field"));
                }
                self.b = &rest[len..];
                Field::Bytes(&rest[..len])
            }
            _ => return Err(ProtoError("unsupported wire type")),
        };
        Ok((number, field))
    }
}

fn fields(b: &[u8]) -> Fields<'_> {
    Fields { b }
}

fn string(b: &[u8]) -> Result<&str, ProtoError> {
    std::str::from_utf8(b).map_err(|_| ProtoError("string is not UTF-8"))
}

/// A `Time` (seconds since the epoch) as Kubernetes writes it in JSON (RFC 3339, UTC); `None`
/// for the zero time, which JSON writes as `null`.
fn time(b: &[u8]) -> Result<Option<String>, ProtoError> {
    let mut seconds = 0i64;
    for f in fields(b) {
        if let (1, Field::Varint(v)) = f? {
            seconds = v as i64;
        }
    }
    if seconds == 0 {
        return Ok(None);
    }
    Ok(jiff::Timestamp::from_second(seconds).ok().map(|t| t.to_string()))
}

/// Splits a protobuf LIST body into its items, chunk by chunk.
#[derive(Debug, Default)]
pub struct ProtoSplitter {
    buf: Vec<u8>,
    stage: Stage,
    /// Bytes of `buf` already dropped (positions below are absolute, from the body's start).
    dropped: usize,
    /// Bytes still to skip of a field not needed.
    skip: usize,
    resource_version: Option<String>,
    continue_token: Option<String>,
    error: Option<ProtoError>,
    /// Bytes fed so far.
    pub bytes: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Stage {
    #[default]
    Magic,
    /// Fields of the `runtime.Unknown` envelope.
    Envelope {
        /// The list was seen.
        listed: bool,
    },
    /// Fields of the list, up to this absolute position.
    List { end: usize },
}

impl ProtoSplitter {
    /// Feeds a chunk; calls `each` with the bytes of every item completed by it.
    pub fn feed(&mut self, chunk: &[u8], mut each: impl FnMut(&[u8])) {
        self.bytes += chunk.len();
        if self.error.is_some() {
            return;
        }
        self.buf.extend_from_slice(chunk);
        let mut at = 0;
        if let Err(e) = self.split(&mut at, &mut each) {
            self.error = Some(e);
        }
        self.buf.drain(..at);
        self.dropped += at;
    }

    fn split(&mut self, at: &mut usize, each: &mut impl FnMut(&[u8])) -> Result<(), ProtoError> {
        loop {
            if self.skip > 0 {
                let n = self.skip.min(self.buf.len() - *at);
                self.skip -= n;
                *at += n;
                if self.skip > 0 {
                    return Ok(());
                }
            }
            let pos = self.dropped + *at;
            match self.stage {
                Stage::Magic => {
                    if self.buf.len() - *at < MAGIC.len() {
                        return Ok(());
                    }
                    if &self.buf[*at..*at + MAGIC.len()] != MAGIC {
                        return Err(ProtoError("no protobuf magic number"));
                    }
                    *at += MAGIC.len();
                    self.stage = Stage::Envelope { listed: false };
                }
                Stage::List { end } if pos == end => self.stage = Stage::Envelope { listed: true },
                Stage::List { end } if pos > end => return Err(ProtoError("an item overruns its list")),
                stage => {
                    let rest = &self.buf[*at..];
                    let Some((tag, n)) = varint(rest)? else {
                        return Ok(());
                    };
                    if tag & 7 != 2 {
                        // The envelope and the list hold only length-delimited fields.
                        return Err(ProtoError("unexpected wire type in a list"));
                    }
                    let Some((len, m)) = varint(&rest[n..])? else {
                        return Ok(());
                    };
                    let len = usize::try_from(len).map_err(|_| ProtoError("length out of range"))?;
                    let head = n + m;
                    match (stage, tag >> 3) {
                        (Stage::Envelope { listed: false }, 2) => {
                            *at += head;
                            self.stage = Stage::List {
                                end: pos + head + len,
                            };
                        }
                        (Stage::List { .. }, 1 | 2) => {
                            if rest.len() < head + len {
                                return Ok(());
                            }
                            let body = &rest[head..head + len];
                            if tag >> 3 == 2 {
                                each(body);
                            } else {
                                let (rv, token) = list_meta(body)?;
                                self.resource_version = rv;
                                self.continue_token = token;
                            }
                            *at += head + len;
                        }
                        _ => {
                            *at += head;
                            self.skip = len;
                        }
                    }
                }
            }
        }
    }

    /// The framing error, if the body was not a protobuf list.
    pub fn error(&mut self) -> Option<ProtoError> {
        self.error.take()
    }

    /// The `continue` token of the list, when the server paginated it.
    pub fn continue_token(&self) -> Option<String> {
        self.continue_token.clone().filter(|t| !t.is_empty())
    }

    /// The `resourceVersion` of the list.
    pub fn resource_version(&self) -> Option<String> {
        self.resource_version.clone().filter(|v| !v.is_empty())
    }

    /// Whether the whole list arrived (and nothing of a field is pending).
    pub fn complete(&self) -> bool {
        self.stage == Stage::Envelope { listed: true } && self.skip == 0 && self.buf.is_empty()
    }
}

/// `ListMeta`: its resourceVersion and continue token.
fn list_meta(b: &[u8]) -> Result<(Option<String>, Option<String>), ProtoError> {
    let (mut rv, mut token) = (None, None);
    for f in fields(b) {
        match f? {
            (2, Field::Bytes(v)) => rv = Some(string(v)?.to_string()),
            (3, Field::Bytes(v)) => token = Some(string(v)?.to_string()),
            _ => {}
        }
    }
    Ok((rv, token))
}

/// Decodes one item of a protobuf list of `gk` (a full object of a kind with a layout, or a
/// PartialObjectMetadata) into its namespace, name and [`ObjInfo`].
pub fn decode_item(
    gk: &GroupKind,
    bytes: &[u8],
    keep: Keep,
    warnings: &mut Vec<String>,
) -> Result<(String, String, ObjInfo), ProtoError> {
    let layout = layout(gk);
    let mut item = ItemRef::default();
    let mut conditions = Vec::new();
    for f in fields(bytes) {
        match f? {
            (1, Field::Bytes(b)) => item.metadata = metadata(b)?,
            (2, Field::Bytes(b)) => {
                if let Some(field) = layout.as_ref().and_then(|l| l.replicas) {
                    let mut spec = SpecRef::default();
                    for f in fields(b) {
                        if let (n, Field::Varint(v)) = f?
                            && n == field
                        {
                            spec.replicas = Some(Value::from(v as i32));
                        }
                    }
                    item.spec = Some(spec);
                }
            }
            (3, Field::Bytes(b)) => {
                if let Some(layout) = &layout {
                    item.status = Some(status(layout, b, &mut conditions)?);
                }
            }
            _ => {}
        }
    }
    if !conditions.is_empty()
        && let Some(status) = item.status.as_mut()
    {
        status.conditions = Some(Value::Array(conditions));
    }
    let namespace = item.metadata.namespace.as_deref().unwrap_or_default().to_string();
    let name = item.metadata.name.to_string();
    let flux_owner = item.metadata.labels.0.flux_owner;
    let mut info = info_from_item(gk, item, keep, warnings);
    if keep.drift {
        // The same rule as the JSON decoder's, fed from the protobuf managedFields.
        info.drift = drift::of_object(
            managed_entries(bytes)?.iter().map(|e| drift::ManagedEntry {
                manager: e.manager,
                operation: e.operation,
                subresource: e.subresource,
                fields_v1: e.fields_v1,
            }),
            flux_owner,
        );
    }
    Ok((namespace, name, info))
}

fn status<'a>(layout: &Layout, b: &[u8], conditions: &mut Vec<Value>) -> Result<StatusRef<'a>, ProtoError> {
    let mut status = StatusRef::default();
    for f in fields(b) {
        match f? {
            (n, Field::Varint(v)) => {
                if let Some((_, name)) = layout.counters.iter().find(|(field, _)| *field == n) {
                    let (value, slot) = match *name {
                        // int64, omitempty in JSON.
                        "observedGeneration" => (
                            (v != 0).then(|| Value::from(v as i64)),
                            &mut status.observed_generation,
                        ),
                        "updatedReplicas" => (Some(Value::from(v as i32)), &mut status.updated_replicas),
                        "readyReplicas" => (Some(Value::from(v as i32)), &mut status.ready_replicas),
                        "availableReplicas" => (Some(Value::from(v as i32)), &mut status.available_replicas),
                        "desiredNumberScheduled" => {
                            (Some(Value::from(v as i32)), &mut status.desired_number_scheduled)
                        }
                        "numberReady" => (Some(Value::from(v as i32)), &mut status.number_ready),
                        "updatedNumberScheduled" => {
                            (Some(Value::from(v as i32)), &mut status.updated_number_scheduled)
                        }
                        _ => continue,
                    };
                    *slot = value;
                }
            }
            (n, Field::Bytes(c)) if layout.conditions.is_some_and(|(field, _)| field == n) => {
                let transition = layout.conditions.map_or(0, |(_, t)| t);
                conditions.push(condition(c, transition)?);
            }
            (n, Field::Bytes(p)) if layout.phase == Some(n) => {
                let phase = string(p)?;
                status.phase = (!phase.is_empty()).then(|| Value::String(phase.to_string()));
            }
            _ => {}
        }
    }
    Ok(status)
}

/// A workload condition as JSON (`type`, `status`, and `reason`, `message`,
/// `lastTransitionTime` when set).
fn condition(b: &[u8], transition: u32) -> Result<Value, ProtoError> {
    let mut c = Map::new();
    for f in fields(b) {
        let (n, Field::Bytes(v)) = f? else { continue };
        let key = match n {
            1 => "type",
            2 => "status",
            4 => "reason",
            5 => "message",
            n if n == transition => {
                if let Some(t) = time(v)? {
                    c.insert("lastTransitionTime".into(), Value::String(t));
                }
                continue;
            }
            _ => continue,
        };
        let s = string(v)?;
        if !s.is_empty() || n <= 2 {
            c.insert(key.into(), Value::String(s.to_string()));
        }
    }
    Ok(Value::Object(c))
}

/// `ObjectMeta`: name, namespace, generation, deletionTimestamp, and the labels and annotation
/// the tree reads.
fn metadata(b: &[u8]) -> Result<MetaRef<'_>, ProtoError> {
    let mut meta = MetaRef::default();
    let mut labels = MetaLabels::default();
    let mut annotation = ReconcileAnnotation::default();
    for f in fields(b) {
        match f? {
            (1, Field::Bytes(v)) => meta.name = Cow::Borrowed(string(v)?),
            (3, Field::Bytes(v)) => {
                let ns = string(v)?;
                meta.namespace = (!ns.is_empty()).then_some(Cow::Borrowed(ns));
            }
            (7, Field::Varint(v)) => meta.generation = (v != 0).then(|| Value::from(v as i64)),
            (9, Field::Bytes(v)) => {
                // Set: the object is being deleted (only the presence matters).
                let at = time(v)?.unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
                meta.deletion_timestamp = Some(Value::String(at));
            }
            (11, Field::Bytes(v)) => pick(v, &mut labels)?,
            (12, Field::Bytes(v)) => pick(v, &mut annotation)?,
            _ => {}
        }
    }
    meta.labels = Picked(labels);
    meta.annotations = Picked(annotation);
    Ok(meta)
}

/// Offers a map entry (`key` = 1, `value` = 2) to `picked` when its key is wanted.
fn pick<P: Pick>(entry: &[u8], picked: &mut P) -> Result<(), ProtoError> {
    let (mut key, mut value) = ("", "");
    for f in fields(entry) {
        match f? {
            (1, Field::Bytes(k)) => key = string(k)?,
            (2, Field::Bytes(v)) => value = string(v)?,
            _ => {}
        }
    }
    if P::wants(key) {
        picked.offer(key, value.to_string());
    }
    Ok(())
}

/// One `metadata.managedFields` entry of a protobuf object, borrowed from its bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManagedEntry<'a> {
    /// `manager`.
    pub manager: &'a str,
    /// `operation` (`Apply`, `Update`).
    pub operation: &'a str,
    /// `apiVersion`.
    pub api_version: &'a str,
    /// `subresource` (`""` for the object itself).
    pub subresource: &'a str,
    /// `fieldsV1.Raw`: the field set, as the same JSON bytes the JSON encoding embeds.
    pub fields_v1: &'a [u8],
}

/// The `metadata.managedFields` of one protobuf item (a full object or a PartialObjectMetadata:
/// `metadata` is field 1 of both).
pub fn managed_entries(item: &[u8]) -> Result<Vec<ManagedEntry<'_>>, ProtoError> {
    let mut out = Vec::new();
    for f in fields(item) {
        let (1, Field::Bytes(meta)) = f? else { continue };
        for f in fields(meta) {
            let (17, Field::Bytes(entry)) = f? else { continue };
            let mut e = ManagedEntry::default();
            for f in fields(entry) {
                match f? {
                    (1, Field::Bytes(v)) => e.manager = string(v)?,
                    (2, Field::Bytes(v)) => e.operation = string(v)?,
                    (3, Field::Bytes(v)) => e.api_version = string(v)?,
                    (7, Field::Bytes(v)) => {
                        for f in fields(v) {
                            if let (1, Field::Bytes(raw)) = f? {
                                e.fields_v1 = raw;
                            }
                        }
                    }
                    (8, Field::Bytes(v)) => e.subresource = string(v)?,
                    _ => {}
                }
            }
            out.push(e);
        }
    }
    Ok(out)
}

/// An error `Status` sent in protobuf (what an apiserver answers a protobuf request with).
pub fn status_of(body: &[u8]) -> Option<kube::core::Status> {
    let raw = body.strip_prefix(MAGIC.as_slice())?;
    let mut list = None;
    for f in fields(raw) {
        if let (2, Field::Bytes(b)) = f.ok()? {
            list = Some(b);
        }
    }
    let (mut message, mut reason, mut code) = ("", "", 0u16);
    for f in fields(list?) {
        match f.ok()? {
            (3, Field::Bytes(v)) => message = string(v).ok()?,
            (4, Field::Bytes(v)) => reason = string(v).ok()?,
            (6, Field::Varint(v)) => code = u16::try_from(v).ok()?,
            _ => {}
        }
    }
    (code != 0).then(|| kube::core::Status::failure(message, reason).with_code(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::State;

    /// Minimal protobuf writer for the tests.
    fn tag(out: &mut Vec<u8>, field: u32, wire: u8) {
        put_varint(out, (u64::from(field) << 3) | u64::from(wire));
    }
    fn put_varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    fn bytes(out: &mut Vec<u8>, field: u32, b: &[u8]) {
        tag(out, field, 2);
        put_varint(out, b.len() as u64);
        out.extend_from_slice(b);
    }
    fn int(out: &mut Vec<u8>, field: u32, v: u64) {
        tag(out, field, 0);
        put_varint(out, v);
    }
    fn entry(key: &str, value: &str) -> Vec<u8> {
        let mut e = Vec::new();
        bytes(&mut e, 1, key.as_bytes());
        bytes(&mut e, 2, value.as_bytes());
        e
    }

    fn deployment(name: &str, ready: u64, deleting: bool) -> Vec<u8> {
        let mut meta = Vec::new();
        bytes(&mut meta, 1, name.as_bytes());
        bytes(&mut meta, 3, b"apps");
        int(&mut meta, 7, 2);
        if deleting {
            let mut t = Vec::new();
            int(&mut t, 1, 1_767_225_600);
            bytes(&mut meta, 9, &t);
        }
        bytes(&mut meta, 11, &entry("app", "x"));
        bytes(&mut meta, 11, &entry("toolkit.fluxcd.io/domain", "data"));
        let mut mf = Vec::new();
        bytes(&mut mf, 1, b"kustomize-controller");
        bytes(&mut mf, 2, b"Apply");
        bytes(&mut mf, 3, b"apps/v1");
        let mut fv1 = Vec::new();
        bytes(&mut fv1, 1, br#"{"f:spec":{"f:replicas":{}}}"#);
        bytes(&mut mf, 7, &fv1);
        bytes(&mut meta, 17, &mf);
        let mut spec = Vec::new();
        int(&mut spec, 1, 2);
        bytes(&mut spec, 3, &[0u8; 300]); // a pod template, skipped by its length
        let mut status = Vec::new();
        int(&mut status, 1, 2);
        int(&mut status, 3, 2);
        int(&mut status, 7, ready);
        int(&mut status, 4, ready);
        let mut cond = Vec::new();
        bytes(&mut cond, 1, b"Progressing");
        bytes(&mut cond, 2, b"True");
        bytes(&mut cond, 4, b"NewReplicaSetAvailable");
        bytes(&mut cond, 5, b"");
        bytes(&mut status, 6, &cond);
        let mut item = Vec::new();
        bytes(&mut item, 1, &meta);
        bytes(&mut item, 2, &spec);
        bytes(&mut item, 3, &status);
        item
    }

    fn list(items: &[Vec<u8>], continue_token: &str) -> Vec<u8> {
        let mut lm = Vec::new();
        bytes(&mut lm, 2, b"42");
        bytes(&mut lm, 3, continue_token.as_bytes());
        let mut l = Vec::new();
        bytes(&mut l, 1, &lm);
        for i in items {
            bytes(&mut l, 2, i);
        }
        let mut tm = Vec::new();
        bytes(&mut tm, 1, b"apps/v1");
        bytes(&mut tm, 2, b"DeploymentList");
        let mut body = MAGIC.to_vec();
        bytes(&mut body, 1, &tm);
        bytes(&mut body, 2, &l);
        bytes(&mut body, 4, PROTOBUF.as_bytes());
        body
    }

    #[test]
    fn splits_items_across_arbitrary_chunks() {
        let items: Vec<Vec<u8>> = (0..3).map(|i| deployment(&format!("d{i}"), i, false)).collect();
        let body = list(&items, "tok");
        for chunk in [1, 2, 3, 7, 64, body.len()] {
            let mut s = ProtoSplitter::default();
            let mut got = Vec::new();
            for part in body.chunks(chunk) {
                s.feed(part, |item| got.push(item.to_vec()));
            }
            assert!(s.error().is_none());
            assert_eq!(got, items, "chunk {chunk}");
            assert!(s.complete(), "chunk {chunk}");
            assert_eq!(s.continue_token().as_deref(), Some("tok"));
            assert_eq!(s.resource_version().as_deref(), Some("42"));
        }
        let mut s = ProtoSplitter::default();
        s.feed(&body[..body.len() - 1], |_| {});
        assert!(!s.complete());
        let mut s = ProtoSplitter::default();
        s.feed(br#"{"kind":"DeploymentList"}"#, |_| {});
        assert!(s.error().is_some());
    }

    #[test]
    fn decodes_what_the_json_decoder_keeps() {
        let gk = GroupKind::new("apps", "Deployment");
        let json_of = |ready: u64, deleting: bool| {
            let mut meta = serde_json::json!({"name": "d", "namespace": "apps", "generation": 2,
                "labels": {"app": "x", "toolkit.fluxcd.io/domain": "data"}});
            if deleting {
                meta["deletionTimestamp"] = "2026-01-01T00:00:00Z".into();
            }
            serde_json::to_vec(&serde_json::json!({"metadata": meta, "spec": {"replicas": 2},
                "status": {"observedGeneration": 2, "updatedReplicas": 2, "readyReplicas": ready, "availableReplicas": ready,
                           "conditions": [{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}}))
            .expect("serializes")
        };
        for (ready, deleting, state) in [
            (2, false, State::Ready),
            (1, false, State::Progressing),
            (2, true, State::Progressing),
        ] {
            let (ns, name, pb) = decode_item(
                &gk,
                &deployment("d", ready, deleting),
                Keep::default(),
                &mut Vec::new(),
            )
            .expect("decodes");
            let (_, _, js) = super::super::decode::decode_item(
                &gk,
                &json_of(ready, deleting),
                Keep::default(),
                &mut Vec::new(),
            )
            .expect("decodes");
            assert_eq!((ns.as_str(), name.as_str()), ("apps", "d"));
            assert_eq!(pb.health.state, state);
            assert_eq!(format!("{pb:?}"), format!("{js:?}"));
        }
    }

    #[test]
    fn reads_managed_fields_and_error_statuses() {
        let item = deployment("d", 1, false);
        let entries = managed_entries(&item).expect("decodes");
        assert_eq!(
            entries,
            [ManagedEntry {
                manager: "kustomize-controller",
                operation: "Apply",
                api_version: "apps/v1",
                subresource: "",
                fields_v1: br#"{"f:spec":{"f:replicas":{}}}"#,
            }]
        );
        let mut status = Vec::new();
        bytes(&mut status, 3, b"deployments.apps is forbidden");
        bytes(&mut status, 4, b"Forbidden");
        int(&mut status, 6, 403);
        let mut body = MAGIC.to_vec();
        bytes(&mut body, 2, &status);
        let s = status_of(&body).expect("a status");
        assert_eq!((s.code, s.reason.as_str()), (403, "Forbidden"));
        assert_eq!(s.message, "deployments.apps is forbidden");
    }

    #[test]
    fn accepts_protobuf_only_where_the_apiserver_has_it() {
        assert!(accept(&GroupKind::new("apps", "Deployment"), false).is_some());
        assert!(accept(&GroupKind::new("", "ConfigMap"), true).is_some());
        assert!(
            accept(
                &GroupKind::new("kustomize.toolkit.fluxcd.io", "Kustomization"),
                false
            )
            .is_none()
        );
    }
}
