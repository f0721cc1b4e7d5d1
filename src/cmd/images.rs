//! `istioup images`: every image an install and its addons pull, and with `--registry` where
//! each is pulled from once mirrored, so an admin can copy them into an air-gapped registry.
use serde::Serialize;
use serde_json::Value;

use crate::cli::{ImagesArgs, OutputFormat, Settings};
use crate::error::Result;
use crate::facts::manifest;
use crate::spec::{addons, registry};
use crate::ui::output;

#[derive(Debug, Serialize)]
struct Report {
    istio_version: String,
    registry: Option<String>,
    addons: Vec<addons::Addon>,
    images: Vec<Entry>,
    notes: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Entry {
    /// Where the image comes from today.
    image: String,
    /// Where it is pulled from with `--registry` (absent without).
    #[serde(skip_serializing_if = "Option::is_none")]
    mirror: Option<String>,
    /// `istio`, or the addon.
    from: &'static str,
    used_by: Vec<String>,
}

pub fn run(args: &ImagesArgs, settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let mirrored = crate::spec::desired(&args.spec, &mut std::io::stdin())?;
    let selection = addons::parse(&args.addons)?;
    let istioctl = crate::facts::istioctl::discover(args.istioctl.path.as_deref())?;
    let dir = match selection.addons.is_empty() {
        true => None,
        false => Some(addons::dir(args.addons_dir.as_deref(), Some(&istioctl.path))?),
    };
    let registry = args.spec.registry.as_deref().map(registry::parse).transpose()?;
    // The images as released (to copy from) and, with a registry, as the install will pull them.
    let source_spec = match &registry {
        Some(_) => {
            let plain = crate::cli::SpecArgs {
                registry: None,
                ..args.spec.clone()
            };
            crate::spec::desired(&plain, &mut std::io::empty())?
        }
        None => mirrored.clone(),
    };
    let (source, target) = super::block_on(async {
        let source = manifest::generate(&istioctl.path, &source_spec).await?;
        let target = match &registry {
            Some(_) => Some(manifest::generate(&istioctl.path, &mirrored).await?),
            None => None,
        };
        Ok((source, target))
    })?;
    let target = target.map(|t| manifest::images(&t));
    let mut images: Vec<Entry> = manifest::images(&source)
        .into_iter()
        .map(|i| Entry {
            mirror: target.as_ref().and_then(|t| {
                t.iter()
                    .find(|m| m.used_by.iter().any(|u| i.used_by.contains(u)))
                    .map(|m| m.image.clone())
            }),
            image: i.image,
            from: "istio",
            used_by: i.used_by,
        })
        .collect();
    if let Some(dir) = &dir {
        for addon in &selection.addons {
            for object in addons::objects(dir, *addon)? {
                add_addon_images(&mut images, &object, addon.name(), registry.as_deref());
            }
        }
    }
    let report = Report {
        istio_version: istioctl.version.to_string(),
        registry,
        addons: selection.addons,
        images,
        notes: selection.added,
    };
    output::emit(format, &report, || table(&report))
}

fn add_addon_images(images: &mut Vec<Entry>, object: &Value, from: &'static str, registry: Option<&str>) {
    let user = format!(
        "{}/{}/{}",
        object["metadata"]["namespace"].as_str().unwrap_or(""),
        object["kind"].as_str().unwrap_or(""),
        object["metadata"]["name"].as_str().unwrap_or("")
    );
    for image in addons::pod_images(object) {
        match images.iter_mut().find(|e| e.image == image) {
            Some(found) => found.used_by.push(user.clone()),
            None => images.push(Entry {
                mirror: registry.map(|r| registry::mirror(&image, r)),
                image,
                from,
                used_by: vec![user.clone()],
            }),
        }
    }
}

fn table(report: &Report) -> String {
    let mut rows = vec![vec![
        "IMAGE".to_string(),
        if report.registry.is_some() { "MIRROR" } else { "" }.to_string(),
        "FROM".to_string(),
        "USED BY".to_string(),
    ]];
    for e in &report.images {
        rows.push(vec![
            e.image.clone(),
            e.mirror.clone().unwrap_or_default(),
            e.from.to_string(),
            e.used_by.join(", "),
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if widths[c] == 0 {
                continue;
            }
            line.push_str(&format!("{cell:<width$}   ", width = widths[c]));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for note in &report.notes {
        out.push_str(&format!("note: added {note}\n"));
    }
    out
}
