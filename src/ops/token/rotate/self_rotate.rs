//! `token rotate NAME --self`: GitLab issues the new token, and revokes the old one as it answers.
//!
//! The generic transaction keeps the old token until every cluster is done, so it can roll back.
//! A self-rotation cannot: the old token is dead the moment GitLab answers, and sending it again
//! (even to check it) makes GitLab revoke the new one too. So the start differs:
//!
//! 1. the rotation state is saved with a [`SelfRotation`] record (`previousRevoked: false`);
//! 2. the current token is kept as `NAME#previous`, only so a killed run can tell afterwards whether
//!    the new token reached the keyring (it is never sent anywhere again);
//! 3. GitLab is asked to rotate; a refusal or no answer undoes steps 1-2;
//! 4. the new token goes into the keyring under `NAME` before anything else;
//! 5. the index gets its metadata (expiry from GitLab's answer);
//! 6. the state records `previousRevoked: true`, and `NAME#previous` is removed;
//!
//! then the clusters are updated by the generic machinery (resume works as usual, with the new
//! token only). A rollback is refused. A run killed between steps 3 and 4 lost the new token:
//! the next `--resume` says so, and how to recover, instead of pushing a revoked token.

use std::time::Duration;

use jiff::Timestamp;

use super::{Checkpoint, Recovery, Txn};
use crate::{
    credentials::{
        CredentialError, CredentialMeta, Token,
        gitlab_rotate::{self, GitlabRotateError, ROTATE_TIMEOUT, RotateEndpoint, SelfRotation},
        meta::{CheckRecord, CheckResult, rfc3339},
        report as views,
        rotation::{RotationState, previous_entry},
    },
    error::{Error, Result},
};

/// `--self`: which GitLab endpoint, and the new token's lifetime.
#[derive(Clone, Debug)]
pub struct SelfRotate {
    /// The rotation endpoint (the token's own, or its project's or group's).
    pub endpoint: RotateEndpoint,
    /// `--expires-in` (GitLab's default lifetime when `None`).
    pub expires_in: Option<Duration>,
}

impl SelfRotate {
    /// The new token's expiry date, checked before anything happens.
    pub(super) fn expiry_date(&self) -> Result<Option<jiff::civil::Date>> {
        self.expires_in
            .map(|d| {
                gitlab_rotate::expiry_date(Timestamp::now(), d)
                    .map_err(|reason| Error::Usage(format!("invalid --expires-in: {reason}")))
            })
            .transpose()
    }
}

/// How many times the keyring write of the new token is tried: it exists nowhere else.
const STORE_ATTEMPTS: usize = 3;

impl Txn<'_> {
    /// Steps 1 to 6 (module documentation); returns the new token and the state to roll out with.
    pub(super) async fn start_self(
        &self,
        meta: &CredentialMeta,
        endpoint: RotateEndpoint,
        expires_at: Option<jiff::civil::Date>,
        mut state: RotationState,
    ) -> Result<(Token, RotationState)> {
        let (name, stores, reporter) = (self.name, self.stores, self.reporter);
        let current = stores
            .secrets
            .get(name)?
            .ok_or_else(|| CredentialError::NotFound { name: name.into() })?;
        state.self_rotation = Some(SelfRotation {
            requested: rfc3339::now(),
            endpoint: endpoint.clone(),
            previous_revoked: false,
        });
        stores.rotations.save(&state)?;
        self.checkpoint(Checkpoint::StateSaved);
        if let Err(e) = stores.secrets.set(&previous_entry(name), &current) {
            self.undo_start(None);
            return Err(e.into());
        }
        self.checkpoint(Checkpoint::PreviousKept);
        reporter.action(&format!(
            "asking GitLab ({}) to rotate the token of '{name}' ({})",
            meta.api_url,
            endpoint.describe()
        ));
        let rotated = match gitlab_rotate::rotate(
            name,
            &meta.api_url,
            &current,
            &endpoint,
            expires_at,
            ROTATE_TIMEOUT,
        )
        .await
        {
            Ok(r) => r,
            Err(e) => {
                self.undo_start(None);
                return Err(CredentialError::from(e).into());
            }
        };
        // From here the old token is revoked at GitLab and never used again.
        let mut stored = stores.secrets.set(name, &rotated.token);
        for _ in 1..STORE_ATTEMPTS {
            if stored.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            stored = stores.secrets.set(name, &rotated.token);
        }
        stored?;
        self.checkpoint(Checkpoint::NewStored);
        let now = rfc3339::now();
        let new_meta = CredentialMeta {
            updated: now,
            expires: rotated.expires,
            last_check: Some(CheckRecord {
                at: now,
                result: CheckResult::Valid,
                identity: rotated.name.clone(),
                scopes: rotated.scopes.clone(),
                message: None,
                repositories: None,
            }),
            ..meta.clone()
        };
        stores.metas.update(|index| {
            index.credentials.insert(name.to_string(), new_meta.clone());
            Ok(())
        })?;
        self.checkpoint(Checkpoint::MetaUpdated);
        self.mark_revoked(&mut state)?;
        reporter.success(&format!(
            "GitLab rotated the token of '{name}' and revoked the previous one{}; the new token is stored in the keyring",
            match rotated.expires {
                Some(e) => format!(" (the new one expires {})", views::date(e)),
                None => String::new(),
            }
        ));
        Ok((rotated.token, state))
    }

    /// Step 6: the state says the previous token is dead, and the keyring forgets it.
    fn mark_revoked(&self, state: &mut RotationState) -> Result<()> {
        if let Some(sr) = state.self_rotation.as_mut() {
            sr.previous_revoked = true;
        }
        self.stores.rotations.save(state)?;
        self.checkpoint(Checkpoint::PreviousRevoked);
        if self.stores.secrets.delete(&previous_entry(self.name))? {
            self.checkpoint(Checkpoint::PreviousRemoved);
        }
        Ok(())
    }

    /// How an unfinished self-rotation goes on: with the token under `NAME` once GitLab's answer
    /// was stored (it differs from `NAME#previous`, or the state says so); otherwise the new token
    /// is lost, and pushing the stored one would spread a revoked token, so the rotation ends with
    /// what to do.
    pub(super) fn recover_self(&self, state: &mut RotationState) -> Result<Recovery> {
        let name = self.name;
        let Some(sr) = state.self_rotation.clone() else {
            return Err(Error::Internal("a self-rotation without its record".into()));
        };
        let current = self
            .stores
            .secrets
            .get(name)?
            .ok_or_else(|| CredentialError::NotFound { name: name.into() })?;
        let previous = self.stores.secrets.get(&previous_entry(name))?;
        let stored = sr.previous_revoked || previous.as_ref().is_some_and(|p| *p != current);
        if stored {
            if !sr.previous_revoked || previous.is_some() {
                self.mark_revoked(state)?;
            }
            if state.remaining().is_empty() {
                return Ok(Recovery::Finish);
            }
            return Ok(Recovery::Continue(current));
        }
        let _ = self.stores.secrets.delete(&previous_entry(name));
        self.stores.rotations.clear(name)?;
        self.checkpoint(Checkpoint::StateCleared);
        Err(CredentialError::from(GitlabRotateError::Lost {
            name: name.into(),
            requested: sr.requested,
        })
        .into())
    }
}
