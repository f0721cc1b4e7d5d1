//! Which Kubernetes versions each Istio release supports (ISTIO-FACTS.md, "Supported Kubernetes
//! versions"), and how a server version compares with them.
use std::fmt;

/// A `major.minor.patch` version, parsed leniently from `v1.33.2`, `1.28.0`, `v1.30.4+k3s1`,
/// `1.29.0-gke.100`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim().trim_start_matches('v');
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        // Some distributions report only major.minor; a missing patch is 0.
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        Some(Version { major, minor, patch })
    }

    pub fn minor_version(self) -> (u32, u32) {
        (self.major, self.minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Kubernetes support of one Istio minor release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// Oldest and newest Kubernetes minor the release is tested on.
    pub tested: ((u32, u32), (u32, u32)),
    /// Below this istioctl warns "you might experience problems" and installs anyway
    /// (istioctl/pkg/install/k8sversion/version.go: `MinK8SVersion`).
    pub minimum: (u32, u32),
}

/// Every Istio release istioup knows, oldest first. `minimum` is `MinK8SVersion` of
/// istioctl/pkg/install/k8sversion/version.go at each tag (patch releases that raised it are
/// handled in `support`); `tested` is istio.io's support table
/// (istio.io data/compatibility/supportStatus.yml, "k8sVersions").
const TABLE: &[((u32, u32), Support)] = &[
    (
        (1, 22),
        Support {
            tested: ((1, 27), (1, 30)),
            minimum: (1, 26),
        },
    ),
    (
        (1, 23),
        Support {
            tested: ((1, 27), (1, 30)),
            minimum: (1, 26),
        },
    ),
    (
        (1, 24),
        Support {
            tested: ((1, 28), (1, 31)),
            minimum: (1, 28),
        },
    ),
    (
        (1, 25),
        Support {
            tested: ((1, 29), (1, 32)),
            minimum: (1, 28),
        },
    ),
    (
        (1, 26),
        Support {
            tested: ((1, 29), (1, 33)),
            minimum: (1, 29),
        },
    ),
    (
        (1, 27),
        Support {
            tested: ((1, 29), (1, 33)),
            minimum: (1, 29),
        },
    ),
    (
        (1, 28),
        Support {
            tested: ((1, 30), (1, 34)),
            minimum: (1, 29),
        },
    ),
    (
        (1, 29),
        Support {
            tested: ((1, 31), (1, 35)),
            minimum: (1, 30),
        },
    ),
    (
        (1, 30),
        Support {
            tested: ((1, 32), (1, 36)),
            minimum: (1, 32),
        },
    ),
];

/// Whether `istio` is newer than every release of the table: it is judged by the newest row.
pub fn beyond_table(istio: Version) -> bool {
    TABLE
        .last()
        .is_some_and(|(newest, _)| istio.minor_version() > *newest)
}

/// What `istio` supports: its row, the newest row for a release newer than the table, `None`
/// for one older than it.
pub fn support(istio: Version) -> Option<Support> {
    let (_, mut support) = match TABLE.iter().find(|(minor, _)| *minor == istio.minor_version()) {
        Some(row) => *row,
        None if beyond_table(istio) => *TABLE.last()?,
        None => return None,
    };
    // 1.25.1 raised the minimum to 1.29, 1.28.2 to 1.30.
    if istio.minor_version() == (1, 25) && istio.patch >= 1 {
        support.minimum = (1, 29);
    }
    if istio.minor_version() == (1, 28) && istio.patch >= 2 {
        support.minimum = (1, 30);
    }
    Some(support)
}

/// Where a Kubernetes version stands for an Istio release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Supported,
    /// istioctl installs, but Istio was not tested on this Kubernetes.
    Untested,
    /// Below istioctl's minimum: it warns and installs, and Istio may misbehave.
    TooOld,
    /// The Istio release is not in the table.
    Unknown,
}

pub fn judge(istio: Version, kubernetes: Version) -> Verdict {
    let Some(support) = support(istio) else {
        return Verdict::Unknown;
    };
    let k = kubernetes.minor_version();
    if k < support.minimum {
        Verdict::TooOld
    } else if k < support.tested.0 || k > support.tested.1 {
        Verdict::Untested
    } else {
        Verdict::Supported
    }
}

pub fn minor(v: (u32, u32)) -> String {
    format!("{}.{}", v.0, v.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn parses_what_servers_report() {
        assert_eq!(
            v("v1.33.2"),
            Version {
                major: 1,
                minor: 33,
                patch: 2
            }
        );
        assert_eq!(
            v("v1.30.4+k3s1"),
            Version {
                major: 1,
                minor: 30,
                patch: 4
            }
        );
        assert_eq!(
            v("1.29.0-gke.100"),
            Version {
                major: 1,
                minor: 29,
                patch: 0
            }
        );
        assert_eq!(
            v("1.28"),
            Version {
                major: 1,
                minor: 28,
                patch: 0
            }
        );
        assert_eq!(Version::parse("latest"), None);
        assert_eq!(Version::parse(""), None);
    }

    #[test]
    fn pins_the_support_table() {
        assert_eq!(judge(v("1.28.0"), v("v1.30.0")), Verdict::Supported);
        assert_eq!(judge(v("1.28.0"), v("v1.34.1")), Verdict::Supported);
        assert_eq!(judge(v("1.28.0"), v("v1.35.0")), Verdict::Untested);
        assert_eq!(judge(v("1.28.0"), v("v1.29.9")), Verdict::Untested);
        assert_eq!(judge(v("1.28.0"), v("v1.28.9")), Verdict::TooOld);
        assert_eq!(judge(v("1.28.2"), v("v1.29.9")), Verdict::TooOld);
        assert_eq!(judge(v("1.25.0"), v("v1.28.3")), Verdict::Untested);
        assert_eq!(judge(v("1.25.1"), v("v1.28.3")), Verdict::TooOld);
        assert_eq!(judge(v("1.24.3"), v("v1.27.0")), Verdict::TooOld);
        assert_eq!(judge(v("1.22.0"), v("v1.26.0")), Verdict::Untested);
        assert_eq!(judge(v("1.26.1"), v("v1.33.0")), Verdict::Supported);
        assert_eq!(judge(v("1.27.2"), v("v1.34.0")), Verdict::Untested);
        assert_eq!(judge(v("1.29.3"), v("v1.29.9")), Verdict::TooOld);
        assert_eq!(judge(v("1.29.3"), v("v1.30.0")), Verdict::Untested);
        assert_eq!(judge(v("1.30.0"), v("v1.31.5")), Verdict::TooOld);
        assert_eq!(judge(v("1.30.3"), v("v1.36.0")), Verdict::Supported);
        // Newer than the table: the newest row, said so by the check.
        assert!(beyond_table(v("1.31.0")));
        assert_eq!(judge(v("1.31.0"), v("v1.31.0")), Verdict::TooOld);
        assert_eq!(judge(v("1.21.0"), v("v1.26.0")), Verdict::Unknown);
    }
}
