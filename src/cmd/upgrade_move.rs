//! What the upgrade steps share: reading the upgrade in progress, moving namespaces (relabel,
//! then batched restarts checked against the revision), and pointing a revision tag.
use crate::act::migrate;
use crate::cli::{IstioctlArgs, RolloutArgs, Settings};
use crate::error::{Error, Kind, Result};
use crate::facts::mesh::Inventory;
use crate::facts::revisions::{self, Record, Revisions};
use crate::facts::target::{self as target_facts, TargetSummary};
use crate::target::Target;
use crate::ui::output;
use crate::ui::progress::{Display, clock};
use crate::ui::upgrade::MoveReport;

/// The banner, the revisions and the upgrade in progress (none: exit 3).
pub(super) async fn begin(
    target: &Target,
) -> Result<(kube::Client, TargetSummary, Inventory, Revisions, Record)> {
    let client = target.connect().await?;
    let (summary, (inv, revs)) =
        tokio::try_join!(target_facts::read(target, &client), revisions::read(&client))?;
    output::note(&output::banner(&summary));
    let Some(record) = revs.record.clone() else {
        return Err(Error::new(
            Kind::ChecksFailed,
            "no upgrade is in progress on this cluster (no ConfigMap istioup-upgrade); nothing was changed",
        )
        .with_hint("istioup upgrade starts one; istioup upgrade status shows the revisions"));
    };
    Ok((client, summary, inv, revs, record))
}

/// Relabels, then (with `rollout`) rolls the pending workloads onto `revision`.
pub(super) async fn move_namespaces(
    client: &kube::Client,
    names: &[String],
    label: &str,
    revision: &str,
    force: bool,
    rollout: Option<&RolloutArgs>,
    report: &mut MoveReport,
) -> Result<()> {
    report.namespaces = if label.is_empty() {
        migrate::relabel_back(client, names).await?
    } else {
        migrate::relabel(client, names, label, force).await?
    };
    let Some(rollout) = rollout else {
        return Ok(());
    };
    let mut say = |line: String| output::note(&format!("[{}] {line}\n", clock()));
    let pending = std::mem::take(&mut report.restart_pending);
    let result = migrate::roll(
        client,
        &pending,
        revision,
        rollout.batch_size as usize,
        rollout.timeout,
        &mut report.restarted,
        &mut say,
    )
    .await;
    if result.is_err() {
        report.restart_pending = pending
            .into_iter()
            .filter(|w| !report.restarted.contains(&w.id()))
            .collect();
    }
    result
}

/// Points revision tag `tag` at `revision` with istioctl, showing its progress.
pub(super) async fn tag_to(
    istioctl: &IstioctlArgs,
    timeout: std::time::Duration,
    settings: &Settings,
    target: &Target,
    tag: &str,
    revision: &str,
) -> Result<()> {
    let istioctl = crate::facts::istioctl::discover(istioctl.path.as_deref())?;
    let kubeconfig = target.kubeconfig_for_istioctl()?;
    let ctl = migrate::Istioctl {
        path: &istioctl.path,
        kube_args: kubeconfig.args(),
        timeout,
    };
    let mut display = Display::new(&[], settings.verbose > 0);
    let result = migrate::move_tag(&ctl, tag, revision, &mut display).await;
    display.finish();
    result
}
