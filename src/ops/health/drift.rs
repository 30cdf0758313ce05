//! Drift over one cluster for `health`: the objects the inventories of every Flux object name,
//! listed metadata-only (one LIST per kind the inventories name: no request per object, none per
//! Kustomization), judged by the rule in [`crate::tree::drift`] as they stream.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::atomic::{AtomicUsize, Ordering},
};

use futures::future::join_all;
use kube::api::ApiResource;
use serde::Serialize;

use super::survey::{Survey, list_pages};
use crate::{
    kube::{KubeTarget, Resolver, find_known, is_flux_group},
    tree::{
        self, FetchOptions, GroupKind, Keep, Node, ObjRef, Strategy, WalkOptions,
        decode::decode_item,
        drift::{Change, Drift, DriftRules, applier},
        snapshot::Children,
    },
};

/// Whether drift is computed, and with which rules.
#[derive(Clone, Debug, Default)]
pub struct DriftOptions {
    /// Compute drift.
    pub enabled: bool,
    /// What is not drift.
    pub rules: DriftRules,
}

/// An object changed outside Flux.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriftedObject {
    /// Kind.
    pub kind: String,
    /// Namespace ("" for cluster-scoped objects).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The Flux object that applied it (`Kind/namespace/name`).
    pub owner: String,
    /// Who changed what.
    pub changes: Vec<Change>,
}

/// What drift detection found on one cluster.
#[derive(Debug, Default)]
pub struct Detection {
    /// The objects changed outside Flux.
    pub drifted: Vec<DriftedObject>,
    /// What could not be read (drift of those objects is unknown).
    pub warnings: Vec<String>,
    /// API requests sent (besides the survey's).
    pub requests: usize,
    /// The kinds (other than Flux's) whose objects were read: what `health --watch` watches to
    /// see drift come and go between changes of Flux objects.
    pub kinds: Vec<(GroupKind, ApiResource)>,
}

/// One object an inventory lists, with who applied it.
struct Wanted {
    namespace: String,
    name: String,
    owner: String,
    /// Its drift, once read (default rules).
    drift: Option<Box<Drift>>,
}

/// The drifted objects of one cluster, from the inventories of every Kustomization, HelmRelease,
/// ResourceSet and FluxInstance the survey listed (it keeps them, with the drift of every Flux
/// object, in [`Survey::applied`]): one metadata-only LIST per kind those inventories name (in
/// the one namespace they use, else cluster-wide), plus one discovery request per kind the suite
/// does not know. So drift costs one request per applied kind, whatever the number of
/// Kustomizations. Every LIST is decoded as it streams, by the tree's decoder, and only the drift
/// of each object is kept (never its managedFields), so memory does not grow with the objects.
/// Only a HelmRelease without an inventory (helm-controller before Flux 2.8) is walked on its
/// own, through its Helm storage. What could not be read is returned as warnings, never as an
/// error: drift is a detail of a cluster's health, not a condition for reading it.
pub async fn detect(target: &KubeTarget, survey: &Survey, options: &DriftOptions) -> Detection {
    let mut out = Detection::default();
    // Per kind (group, kind, version as recorded), the objects inventories list, first owner wins.
    let mut wanted: BTreeMap<(String, String), (String, Vec<Wanted>)> = BTreeMap::new();
    let mut seen: HashSet<(String, String, String, String)> = HashSet::new();
    let mut helm_roots = Vec::new();
    for owner in &survey.applied {
        if applier(owner.kind.kind).is_none() {
            continue;
        }
        let Some(expansion) = owner.info.expansion.as_deref().filter(|e| !e.remote) else {
            continue;
        };
        let owner_ref = format!("{}/{}/{}", owner.kind.kind, owner.namespace, owner.name);
        match &expansion.children {
            Children::Inventory(inventory) => {
                for e in inventory.entries() {
                    let key = (
                        e.group.to_string(),
                        e.kind.to_string(),
                        e.namespace.to_string(),
                        e.name.to_string(),
                    );
                    if !seen.insert(key) {
                        continue;
                    }
                    let slot = wanted
                        .entry((e.group.to_string(), e.kind.to_string()))
                        .or_insert_with(|| (e.version.to_string(), Vec::new()));
                    slot.1.push(Wanted {
                        namespace: e.namespace.to_string(),
                        name: e.name.to_string(),
                        owner: owner_ref.clone(),
                        drift: None,
                    });
                }
            }
            Children::Helm(_) => helm_roots.push(ObjRef {
                group: owner.kind.group.to_string(),
                kind: owner.kind.kind.to_string(),
                namespace: owner.namespace.clone(),
                name: owner.name.clone(),
                version: String::new(),
            }),
            Children::None => {}
        }
    }

    // Flux objects: their drift came with the survey.
    let flux: HashMap<(&str, &str, &str), &Drift> = survey
        .applied
        .iter()
        .filter_map(|a| {
            let drift = a.info.drift.as_deref()?;
            Some(((a.kind.kind, a.namespace.as_str(), a.name.as_str()), drift))
        })
        .collect();
    let resolver = Resolver::new(target.clone());
    let mut lists = Vec::new();
    for ((group, kind), (version, objects)) in wanted.iter_mut() {
        if is_flux_group(group) {
            for w in objects.iter_mut() {
                w.drift = flux
                    .get(&(kind.as_str(), w.namespace.as_str(), w.name.as_str()))
                    .map(|d| Box::new((*d).clone()));
            }
            continue;
        }
        lists.push(list_drift(&resolver, group, version, kind, objects));
    }
    for (requests, result) in join_all(lists).await {
        out.requests += requests;
        match result {
            Ok(kind) => out.kinds.push(kind),
            Err(warning) => out.warnings.push(warning),
        }
    }
    for ((_, kind), (_, objects)) in wanted {
        for w in objects {
            let Some(drift) = w.drift.and_then(|d| d.allowed(&options.rules)) else {
                continue;
            };
            out.drifted.push(DriftedObject {
                kind: kind.clone(),
                namespace: w.namespace,
                name: w.name,
                owner: w.owner,
                changes: drift.changes,
            });
        }
    }

    // HelmReleases without an inventory: their Helm storage, through the tree.
    let fetched = join_all(helm_roots.iter().map(|root| {
        tree::fetch(
            target,
            root,
            FetchOptions {
                walk: WalkOptions::default(),
                concurrency: tree::fetch::DEFAULT_CONCURRENCY,
                keep: Keep { drift: true },
                strategy: Strategy::Auto,
                speculation: Default::default(),
            },
        )
    }))
    .await;
    for (root, result) in helm_roots.iter().zip(fetched) {
        match result {
            Ok(f) => {
                out.requests += f.stats.requests;
                if let Some(node) = &f.walked.root {
                    collect(node, &options.rules, &mut out.drifted);
                }
            }
            Err(e) => out.warnings.push(format!(
                "drift under {root} not computed: {}",
                crate::error::error_chain(&e)
            )),
        }
    }
    out
}

/// Reads the drift of `objects` (of one kind) with metadata-only LISTs: in their one namespace
/// when they share one, else cluster-wide, page by page, each object decoded as it streams in
/// and only its drift kept. Returns the requests sent, and the kind read (or a warning when it
/// could not be read).
async fn list_drift(
    resolver: &Resolver,
    group: &str,
    version: &str,
    kind: &str,
    objects: &mut [Wanted],
) -> (usize, Result<(GroupKind, ApiResource), String>) {
    let target = resolver.target();
    let mut requests = 0;
    // A known kind is read at the version the suite knows: managedFields paths do not depend on it.
    let resolved = match find_known(group, kind) {
        Some(k) => Ok((k.api_resource(), k.namespaced)),
        None => {
            requests += 1;
            let version = (!version.is_empty()).then_some(version);
            resolver.resolve(group, version, kind).await
        }
    };
    let (resource, namespaced) = match resolved {
        Ok(r) => r,
        Err(e) => {
            return (
                requests,
                Err(format!("drift of {kind} objects not computed: {}", e.short())),
            );
        }
    };
    let first = objects.first().map(|w| w.namespace.clone()).unwrap_or_default();
    let one_namespace = namespaced && !first.is_empty() && objects.iter().all(|w| w.namespace == first);
    let mut index: HashMap<(String, String), usize> = objects
        .iter()
        .enumerate()
        .map(|(i, w)| ((w.namespace.clone(), w.name.clone()), i))
        .collect();
    let gk = GroupKind::new(group, kind);
    let keep = Keep { drift: true };
    let pages = AtomicUsize::new(0);
    let mut ignored = Vec::new();
    let result = list_pages(
        target,
        &resource,
        one_namespace.then_some(first.as_str()),
        true,
        |bytes| {
            if let Ok((namespace, name, info)) = decode_item(&gk, bytes, keep, &mut ignored)
                && let Some(i) = index.remove(&(namespace, name))
            {
                objects[i].drift = info.drift;
            }
            !index.is_empty()
        },
        &pages,
    )
    .await;
    requests += pages.load(Ordering::Relaxed);
    match result {
        Ok(_) => (requests, Ok((gk, resource))),
        Err(e) => {
            let e = target.err(format!("list {kind} objects"), e);
            (
                requests,
                Err(format!("drift of {kind} objects not computed: {}", e.short())),
            )
        }
    }
}

/// Collects the drift of every child of every expandable node, once per object.
fn collect(node: &Node, rules: &DriftRules, out: &mut Vec<DriftedObject>) {
    if applier(&node.object.kind).is_none() || node.object.expandable().is_none() {
        return;
    }
    for child in &node.children {
        let o = &child.object;
        let seen = out
            .iter()
            .any(|d| d.kind == o.kind && d.namespace == o.namespace && d.name == o.name);
        if !seen && let Some(drift) = child.drift.as_ref().and_then(|d| d.allowed(rules)) {
            out.push(DriftedObject {
                kind: o.kind.clone(),
                namespace: o.namespace.clone(),
                name: o.name.clone(),
                owner: node.object.to_string(),
                changes: drift.changes,
            });
        }
        if !child.cycle {
            collect(child, rules, out);
        }
    }
}
