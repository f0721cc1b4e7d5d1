//! Verdicts of an upgrade, as pure functions of the revisions read: whether a version jump is
//! supported, which stage the upgrade is in, what is left to migrate and the next command.
use serde::Serialize;

use crate::error::{Error, Kind, Result};

use crate::facts::revisions::{ProxyPod, Revisions};
use crate::istio::versions::Version;

/// How far Istio lets one upgrade jump: istio.io's upgrade pages (docs/setup/upgrade/canary and
/// in-place) support upgrades across at most two minor versions (1.28.x → 1.30.x), in place or
/// canary; further needs an intermediate release.
pub const MAX_MINOR_JUMP: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jump {
    pub from: String,
    pub to: String,
    pub supported: bool,
    /// `patch`, `minor`, `same`, `too-far`, `downgrade`, `major`.
    pub kind: &'static str,
    pub message: String,
    /// For a jump too far: the release to go through first (`1.30`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intermediate: Option<String>,
}

/// Judges the jump from the oldest running control plane to istioctl's version.
pub fn jump(from: Version, to: Version) -> Jump {
    let (fmaj, fmin) = from.minor_version();
    let (tmaj, tmin) = to.minor_version();
    let mut j = Jump {
        from: from.to_string(),
        to: to.to_string(),
        supported: true,
        kind: "minor",
        message: String::new(),
        intermediate: None,
    };
    if fmaj != tmaj {
        j.supported = false;
        j.kind = "major";
        j.message = format!("{from} → {to} changes the major version, which no Istio upgrade supports");
    } else if to < from {
        j.supported = false;
        j.kind = "downgrade";
        j.message = format!(
            "{to} is older than the running {from}: a downgrade is a rollback (istioup upgrade rollback) or an install of the old release"
        );
    } else if to == from {
        j.kind = "same";
        j.message = format!("{to} already runs");
    } else if tmin == fmin {
        j.kind = "patch";
        j.message = format!("{from} → {to}: a patch upgrade");
    } else if tmin - fmin <= MAX_MINOR_JUMP {
        j.message = format!(
            "{from} → {to}: {} minor version{}, supported",
            tmin - fmin,
            if tmin - fmin == 1 { "" } else { "s" }
        );
    } else {
        let step = format!("{fmaj}.{}", fmin + MAX_MINOR_JUMP);
        j.supported = false;
        j.kind = "too-far";
        j.message = format!(
            "{from} → {to} jumps {} minor versions; Istio supports at most {MAX_MINOR_JUMP}: upgrade to {step} first",
            tmin - fmin
        );
        j.intermediate = Some(step);
    }
    j
}

/// Where an upgrade stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// No control plane.
    Absent,
    /// One revision, no upgrade recorded.
    Idle,
    /// The new revision runs next to the old one; namespaces are still to move.
    Migrating,
    /// Every namespace selects the new revision; pods still run the old proxy.
    Restarting,
    /// Nothing runs the old revision: `finish` removes it.
    ReadyToFinish,
    /// The record names a revision that no longer runs: an earlier finish or rollback stopped
    /// part-way.
    Interrupted,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub stage: Stage,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Namespaces still selecting the old revision.
    pub to_migrate: Vec<String>,
    /// Pods still running a proxy of the old revision.
    pub old_pods: Vec<String>,
    pub next: String,
}

/// The stage and the next command, from the revisions and the record.
pub fn progress(revs: &Revisions) -> Progress {
    let mut p = Progress {
        stage: Stage::Idle,
        from: None,
        to: None,
        to_migrate: Vec::new(),
        old_pods: Vec::new(),
        next: "istioup upgrade (with the newer istioctl) starts a canary upgrade".into(),
    };
    if revs.revisions.is_empty() {
        p.stage = Stage::Absent;
        p.next = "istioup install".into();
        return p;
    }
    let Some(record) = &revs.record else {
        return p;
    };
    p.from = Some(record.from.clone());
    p.to = Some(record.to.clone());
    let (old, new) = (revs.get(&record.from), revs.get(&record.to));
    if old.is_none() || new.is_none() {
        p.stage = Stage::Interrupted;
        p.next = match (old, new) {
            (None, Some(_)) => {
                "istioup upgrade finish (re-run: it cleans up what the old revision left)".into()
            }
            (Some(_), None) => "istioup upgrade rollback (re-run: it finishes moving namespaces back)".into(),
            _ => "istioup upgrade status; no revision of the recorded upgrade runs".into(),
        };
        return p;
    }
    p.to_migrate = revs.selecting(&record.from).map(|n| n.name.clone()).collect();
    p.old_pods = on_revision(revs, &record.from);
    (p.stage, p.next) = if !p.to_migrate.is_empty() {
        (
            Stage::Migrating,
            format!(
                "istioup upgrade migrate {} --restart (or --all)",
                p.to_migrate.join(" ")
            ),
        )
    } else if !p.old_pods.is_empty() {
        (
            Stage::Restarting,
            "istioup upgrade migrate --all --restart (restarts the pods still on the old proxy)".into(),
        )
    } else {
        (Stage::ReadyToFinish, "istioup upgrade finish".into())
    };
    p
}

/// What `upgrade status` (and the upgrade section of `status`) reports.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// istioctl's version: what an upgrade would install.
    pub target_version: Option<String>,
    pub revisions: Vec<crate::facts::revisions::Revision>,
    pub tags: std::collections::BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jump: Option<Jump>,
    pub upgrade: Progress,
}

/// The oldest version among the running control planes: where an upgrade jumps from.
pub fn oldest(revs: &Revisions) -> Option<Version> {
    revs.revisions
        .iter()
        .filter_map(|r| r.version.as_deref().and_then(Version::parse))
        .min()
}

pub fn overview(revs: &Revisions, istioctl: Option<Version>) -> Overview {
    let mut upgrade = progress(revs);
    let jump = match (oldest(revs), istioctl) {
        (Some(from), Some(to)) if revs.record.is_none() => {
            let j = jump(from, to);
            if upgrade.stage == Stage::Idle && j.kind == "same" {
                upgrade.next =
                    format!("nothing to upgrade: {to} runs (a newer istioctl brings a newer version)");
            }
            Some(j)
        }
        _ => None,
    };
    Overview {
        target_version: istioctl.map(|v| v.to_string()),
        revisions: revs.revisions.clone(),
        tags: revs.tags.clone(),
        jump,
        upgrade,
    }
}

/// Refuses to go on unless revision `name` (the `role` one: old or new) runs and is ready.
pub fn healthy(revs: &Revisions, name: &str, role: &str) -> Result<()> {
    match revs.get(name) {
        Some(r) if r.healthy => Ok(()),
        Some(r) => Err(Error::new(
            Kind::ChecksFailed,
            format!(
                "the {role} revision {name} is not ready ({}/{} istiod pods); nothing was changed",
                r.ready, r.desired
            ),
        )
        .with_hint(format!(
            "kubectl -n {} get pods -l istio.io/rev={name}; then re-run",
            r.namespace
        ))),
        None => Err(Error::new(
            Kind::ChecksFailed,
            format!("the {role} revision {name} does not run; nothing was changed"),
        )
        .with_hint("istioup upgrade status shows what runs")),
    }
}

/// The components other than istiod (gateways, CNI, ztunnel) that `revision` runs, by id.
pub fn components_of(inv: &crate::facts::mesh::Inventory, revision: &str) -> Vec<String> {
    inv.components
        .iter()
        .filter(|c| !c.is_control_plane() && c.revision == revision)
        .map(|c| c.id())
        .collect()
}

/// `namespace/pod` of every pod whose proxy `revision` injected.
pub fn on_revision(revs: &Revisions, revision: &str) -> Vec<String> {
    revs.pods_of(revision).map(ProxyPod::id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn two_minor_versions_at_most() {
        assert!(jump(v("1.28.0"), v("1.30.3")).supported);
        assert_eq!(jump(v("1.28.0"), v("1.29.1")).kind, "minor");
        assert_eq!(jump(v("1.30.0"), v("1.30.3")).kind, "patch");
        assert_eq!(jump(v("1.30.3"), v("1.30.3")).kind, "same");
        let far = jump(v("1.27.2"), v("1.30.3"));
        assert!(!far.supported);
        assert_eq!(far.intermediate.as_deref(), Some("1.29"));
        assert!(far.message.contains("upgrade to 1.29 first"), "{}", far.message);
        assert_eq!(jump(v("1.30.3"), v("1.28.0")).kind, "downgrade");
        assert!(!jump(v("1.30.3"), v("2.0.0")).supported);
    }
}
