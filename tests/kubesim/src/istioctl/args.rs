//! A small hand-written command line parser that mirrors cobra/pflag's rules closely enough
//! for istioup's purposes: `--flag=value`, `--flag value`, `-f value`, `-fvalue`, `-f=value`,
//! grouped boolean shorthands (`-yd`), `--` ending flag parsing, string slices split on commas
//! and string arrays that are not.
use std::collections::HashMap;
use std::time::Duration;

use super::duration;

/// Exit code cobra-based istioctl uses for flag parse errors and unknown commands.
pub const USAGE_EXIT: u8 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Str,
    /// `StringSlice`: repeatable and comma-split.
    Slice,
    /// `StringArray`: repeatable, never split.
    Array,
    Duration,
    Int,
}

#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: Kind,
}

const fn f(long: &'static str, short: Option<char>, kind: Kind) -> Flag {
    Flag { long, short, kind }
}

/// Persistent flags of the root command, valid everywhere.
const GLOBAL: &[Flag] = &[
    f("kubeconfig", Some('c'), Kind::Str),
    f("context", None, Kind::Str),
    f("as", None, Kind::Str),
    f("as-group", None, Kind::Array),
    f("as-uid", None, Kind::Str),
    f("istioNamespace", Some('i'), Kind::Str),
    f("namespace", Some('n'), Kind::Str),
    f("vklog", None, Kind::Int),
    f("log_output_level", None, Kind::Str),
    f("help", Some('h'), Kind::Bool),
];

const INSTALL: &[Flag] = &[
    f("filename", Some('f'), Kind::Slice),
    f("set", Some('s'), Kind::Array),
    f("skip-confirmation", Some('y'), Kind::Bool),
    f("revision", Some('r'), Kind::Str),
    f("readiness-timeout", None, Kind::Duration),
    f("dry-run", None, Kind::Bool),
    f("force", None, Kind::Bool),
    f("manifests", Some('d'), Kind::Str),
    f("verify", None, Kind::Bool),
];

const GENERATE: &[Flag] = &[
    f("filename", Some('f'), Kind::Slice),
    f("set", Some('s'), Kind::Array),
    f("revision", Some('r'), Kind::Str),
    f("manifests", Some('d'), Kind::Str),
    f("force", None, Kind::Bool),
    f("cluster-specific", None, Kind::Bool),
    f("dry-run", None, Kind::Bool),
];

const UNINSTALL: &[Flag] = &[
    f("purge", None, Kind::Bool),
    f("revision", Some('r'), Kind::Str),
    f("filename", Some('f'), Kind::Str),
    f("skip-confirmation", Some('y'), Kind::Bool),
    f("dry-run", None, Kind::Bool),
    f("verbose", Some('v'), Kind::Bool),
    f("set", Some('s'), Kind::Array),
    f("manifests", Some('d'), Kind::Str),
    f("force", None, Kind::Bool),
];

const VERSION: &[Flag] = &[
    f("remote", None, Kind::Bool),
    f("output", Some('o'), Kind::Str),
    f("short", Some('s'), Kind::Bool),
    f("revision", Some('r'), Kind::Str),
];

const PRECHECK: &[Flag] = &[
    f("output", Some('o'), Kind::Str),
    f("revision", Some('r'), Kind::Str),
    f("skip-controlplane", None, Kind::Bool),
    f("filename", Some('f'), Kind::Slice),
];

/// `tag set` / `tag generate` (istioctl/pkg/tag/tag.go: tagSetCommand, tagGenerateCommand).
const TAG_SET: &[Flag] = &[
    f("overwrite", None, Kind::Bool),
    f("manifests", Some('d'), Kind::Str),
    f("skip-confirmation", Some('y'), Kind::Bool),
    f("revision", Some('r'), Kind::Str),
    f("webhook-name", None, Kind::Str),
    f("auto-inject-namespaces", None, Kind::Bool),
];

/// `tag list` (tagListCommand).
const TAG_LIST: &[Flag] = &[f("output", Some('o'), Kind::Str)];

/// `tag remove` (tagRemoveCommand).
const TAG_REMOVE: &[Flag] = &[f("skip-confirmation", Some('y'), Kind::Bool)];

/// Commands the real istioctl has that the stand-in does not implement.
const NOT_IMPLEMENTED: &[&str] = &[
    "admin",
    "analyze",
    "bug-report",
    "completion",
    "create-remote-secret",
    "dashboard",
    "kube-inject",
    "proxy-config",
    "proxy-status",
    "remote-clusters",
    "validate",
    "waypoint",
    "ztunnel-config",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Global {
    pub kubeconfig: Option<String>,
    pub context: Option<String>,
    pub istio_namespace: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstallOpts {
    pub files: Vec<String>,
    pub sets: Vec<String>,
    pub skip_confirmation: bool,
    pub revision: Option<String>,
    pub readiness_timeout: Duration,
    pub dry_run: bool,
    pub force: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOpts {
    pub files: Vec<String>,
    pub sets: Vec<String>,
    pub revision: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UninstallOpts {
    pub purge: bool,
    pub revision: Option<String>,
    pub file: Option<String>,
    /// `-s/--set`: merged with the file like install's (operator/cmd/mesh/uninstall.go calls
    /// render.MergeInputs(filenames, setFlags)), so `--set values.global.istioNamespace=NS`
    /// selects the control plane of that namespace.
    pub sets: Vec<String>,
    pub skip_confirmation: bool,
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VersionOpts {
    pub remote: bool,
    pub output: String,
    pub short: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrecheckOpts {
    pub output: String,
    pub revision: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagAction {
    Set,
    Generate,
    List,
    Remove,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TagOpts {
    pub action: TagAction,
    /// The tag (empty for `list`).
    pub tag: String,
    pub revision: String,
    pub overwrite: bool,
    pub skip_confirmation: bool,
    pub webhook_name: Option<String>,
    pub auto_inject_namespaces: bool,
    pub output: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help(String),
    Version(VersionOpts),
    Install(InstallOpts),
    Generate(GenerateOpts),
    Uninstall(UninstallOpts),
    Precheck(PrecheckOpts),
    Tag(TagOpts),
    /// A real istioctl command that the stand-in does not implement.
    NotImplemented(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub global: Global,
    pub command: Command,
}

/// A parse failure: the message (printed after `Error: `) and the exit code.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgError {
    pub message: String,
    pub code: u8,
}

fn usage_err(message: impl Into<String>) -> ArgError {
    ArgError {
        message: message.into(),
        code: USAGE_EXIT,
    }
}

/// Every long flag that takes a value, in any command; used to find the command path before
/// the command's own flag set is known (like cobra's `stripFlags`).
fn takes_value_anywhere(token: &str) -> bool {
    let all = [
        GLOBAL, INSTALL, GENERATE, UNINSTALL, VERSION, PRECHECK, TAG_SET, TAG_LIST, TAG_REMOVE,
    ];
    if let Some(long) = token.strip_prefix("--") {
        if long.contains('=') {
            return false;
        }
        return all
            .iter()
            .flat_map(|s| s.iter())
            .any(|fl| fl.long == long && fl.kind != Kind::Bool);
    }
    if let Some(short) = token.strip_prefix('-') {
        let mut chars = short.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return all
                .iter()
                .flat_map(|s| s.iter())
                .any(|fl| fl.short == Some(c) && fl.kind != Kind::Bool);
        }
    }
    false
}

/// Positional words before `--`, skipping flags and their values.
fn command_words(args: &[String]) -> Vec<(usize, String)> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            if takes_value_anywhere(a) {
                i += 1;
            }
        } else {
            words.push((i, a.clone()));
        }
        i += 1;
    }
    words
}

type Values = HashMap<&'static str, Vec<String>>;

/// Parses `args` (the command words removed) against `flags` + the global flags.
fn parse_flags(args: &[String], flags: &[Flag]) -> Result<(Values, Vec<String>), ArgError> {
    let lookup_long = |name: &str| {
        flags
            .iter()
            .chain(GLOBAL.iter())
            .find(|fl| fl.long == name)
            .copied()
    };
    let lookup_short = |c: char| {
        flags
            .iter()
            .chain(GLOBAL.iter())
            .find(|fl| fl.short == Some(c))
            .copied()
    };
    let mut values: Values = HashMap::new();
    let mut positionals = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            positionals.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(rest) = a.strip_prefix("--") {
            let (name, inline) = match rest.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (rest, None),
            };
            let Some(fl) = lookup_long(name) else {
                return Err(usage_err(format!("unknown flag: --{name}")));
            };
            let value = match (fl.kind, inline) {
                (_, Some(v)) => v,
                (Kind::Bool, None) => "true".to_string(),
                (_, None) => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => return Err(usage_err(format!("flag needs an argument: --{name}"))),
                },
            };
            store(&mut values, fl, value)?;
            continue;
        }
        if let Some(shorts) = a.strip_prefix('-')
            && !shorts.is_empty()
        {
            let chars: Vec<char> = shorts.chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(fl) = lookup_short(c) else {
                    return Err(usage_err(format!("unknown shorthand flag: '{c}' in -{shorts}")));
                };
                let rest: String = chars[j + 1..].iter().collect();
                if fl.kind == Kind::Bool {
                    if let Some(v) = rest.strip_prefix('=') {
                        store(&mut values, fl, v.to_string())?;
                        break;
                    }
                    store(&mut values, fl, "true".to_string())?;
                    j += 1;
                    continue;
                }
                let value = if !rest.is_empty() {
                    rest.strip_prefix('=').unwrap_or(&rest).to_string()
                } else {
                    match args.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => {
                            return Err(usage_err(format!("flag needs an argument: '{c}' in -{c}")));
                        }
                    }
                };
                store(&mut values, fl, value)?;
                break;
            }
            continue;
        }
        positionals.push(a.clone());
    }
    Ok((values, positionals))
}

fn flag_display(fl: Flag) -> String {
    match fl.short {
        Some(c) => format!("-{c}, --{}", fl.long),
        None => format!("--{}", fl.long),
    }
}

fn invalid(fl: Flag, value: &str, why: String) -> ArgError {
    usage_err(format!(
        "invalid argument {value:?} for {:?} flag: {why}",
        flag_display(fl)
    ))
}

pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn store(values: &mut Values, fl: Flag, value: String) -> Result<(), ArgError> {
    let entry = values.entry(fl.long).or_default();
    match fl.kind {
        Kind::Bool => {
            if parse_bool(&value).is_none() {
                return Err(invalid(
                    fl,
                    &value,
                    format!("strconv.ParseBool: parsing {value:?}: invalid syntax"),
                ));
            }
            entry.push(value);
        }
        Kind::Duration => {
            if let Err(e) = duration::parse(&value) {
                return Err(invalid(fl, &value, e));
            }
            entry.push(value);
        }
        Kind::Int => {
            if value.parse::<i64>().is_err() {
                return Err(invalid(
                    fl,
                    &value,
                    format!("strconv.ParseInt: parsing {value:?}: invalid syntax"),
                ));
            }
            entry.push(value);
        }
        Kind::Slice => {
            if !value.is_empty() {
                entry.extend(value.split(',').map(str::to_string));
            }
        }
        Kind::Str | Kind::Array => entry.push(value),
    }
    Ok(())
}

struct Got {
    values: Values,
}

impl Got {
    fn last(&self, name: &str) -> Option<String> {
        self.values.get(name).and_then(|v| v.last().cloned())
    }
    fn all(&self, name: &str) -> Vec<String> {
        self.values.get(name).cloned().unwrap_or_default()
    }
    fn bool(&self, name: &str, default: bool) -> bool {
        self.last(name).and_then(|v| parse_bool(&v)).unwrap_or(default)
    }
    fn nonempty(&self, name: &str) -> Option<String> {
        self.last(name).filter(|s| !s.is_empty())
    }
}

fn unknown_command(word: &str, parent: &str) -> ArgError {
    usage_err(format!(
        "unknown command {word:?} for {parent:?}\nRun '{parent} --help' for usage."
    ))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Parsed, ArgError> {
    let words = command_words(args);
    let mut remove = Vec::new();
    let mut path: Vec<&str> = Vec::new();
    let mut it = words.iter();
    let spec: Option<&[Flag]>;
    let first = it.next();
    match first {
        None => spec = None,
        Some((idx, w)) => {
            remove.push(*idx);
            match w.as_str() {
                "install" | "apply" | "upgrade" => {
                    path.push("install");
                    spec = Some(INSTALL);
                }
                "uninstall" => {
                    path.push("uninstall");
                    spec = Some(UNINSTALL);
                }
                "version" => {
                    path.push("version");
                    spec = Some(VERSION);
                }
                "tag" => return parse_tag(args, *idx, it.next()),
                "help" => {
                    path.push("help");
                    spec = Some(&[]);
                }
                "manifest" => {
                    let Some((idx2, w2)) = it.next() else {
                        return Ok(help_only(args, "manifest"));
                    };
                    remove.push(*idx2);
                    match w2.as_str() {
                        "install" | "apply" => {
                            path.push("install");
                            spec = Some(INSTALL);
                        }
                        "generate" => {
                            path.push("generate");
                            spec = Some(GENERATE);
                        }
                        other => return Err(unknown_command(other, "istioctl manifest")),
                    }
                }
                "x" | "experimental" => {
                    let Some((idx2, w2)) = it.next() else {
                        return Ok(help_only(args, "experimental"));
                    };
                    remove.push(*idx2);
                    match w2.as_str() {
                        "precheck" => {
                            path.push("precheck");
                            spec = Some(PRECHECK);
                        }
                        other => return Err(unknown_command(other, "istioctl experimental")),
                    }
                }
                other if NOT_IMPLEMENTED.contains(&other) => {
                    return Ok(Parsed {
                        global: Global {
                            kubeconfig: None,
                            context: None,
                            istio_namespace: None,
                        },
                        command: Command::NotImplemented(other.to_string()),
                    });
                }
                other => return Err(unknown_command(other, "istioctl")),
            }
        }
    }
    let rest: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| !remove.contains(i))
        .map(|(_, a)| a.clone())
        .collect();
    let (values, positionals) = parse_flags(&rest, spec.unwrap_or(&[]))?;
    let got = Got { values };
    let global = Global {
        kubeconfig: got.nonempty("kubeconfig"),
        context: got.nonempty("context"),
        istio_namespace: got.nonempty("istioNamespace"),
    };
    let name = path.first().copied().unwrap_or("");
    if got.bool("help", false) || name.is_empty() || name == "help" {
        return Ok(Parsed {
            global,
            command: Command::Help(name.to_string()),
        });
    }
    if let Some(extra) = positionals.first() {
        let parent = match name {
            "generate" => "istioctl manifest generate".to_string(),
            "precheck" => "istioctl experimental precheck".to_string(),
            n => format!("istioctl {n}"),
        };
        return Err(unknown_command(extra, &parent));
    }
    let command = match name {
        "install" => Command::Install(InstallOpts {
            files: got.all("filename"),
            sets: got.all("set"),
            skip_confirmation: got.bool("skip-confirmation", false),
            revision: got.nonempty("revision"),
            readiness_timeout: got
                .last("readiness-timeout")
                .and_then(|d| duration::parse(&d).ok())
                .unwrap_or(Duration::from_secs(300)),
            dry_run: got.bool("dry-run", false),
            force: got.bool("force", false),
        }),
        "generate" => Command::Generate(GenerateOpts {
            files: got.all("filename"),
            sets: got.all("set"),
            revision: got.nonempty("revision"),
        }),
        "uninstall" => Command::Uninstall(UninstallOpts {
            purge: got.bool("purge", false),
            revision: got.nonempty("revision"),
            file: got.nonempty("filename"),
            sets: got.all("set"),
            skip_confirmation: got.bool("skip-confirmation", false),
            dry_run: got.bool("dry-run", false),
        }),
        "version" => Command::Version(VersionOpts {
            remote: got.bool("remote", true),
            output: got.last("output").unwrap_or_default(),
            short: got.bool("short", false),
        }),
        "precheck" => Command::Precheck(PrecheckOpts {
            output: got.last("output").unwrap_or_else(|| "log".to_string()),
            revision: got.nonempty("revision"),
        }),
        _ => Command::Help(String::new()),
    };
    Ok(Parsed { global, command })
}

fn plain_err(message: impl Into<String>) -> ArgError {
    ArgError {
        message: message.into(),
        code: 1,
    }
}

/// `istioctl tag ...` (istioctl/pkg/tag/tag.go): the subcommand (with its aliases `show` and
/// `delete`), then the Args validators' errors (exit 1: istioctl/cmd/sysexits.go maps only
/// flag errors and "unknown command" to 64) and cobra's required `--revision`, checked after
/// them.
fn parse_tag(args: &[String], idx: usize, sub: Option<&(usize, String)>) -> Result<Parsed, ArgError> {
    let Some((idx2, word)) = sub else {
        return Ok(help_only(args, "tag"));
    };
    let (action, spec) = match word.as_str() {
        "set" => (TagAction::Set, TAG_SET),
        "generate" => (TagAction::Generate, TAG_SET),
        "list" | "show" => (TagAction::List, TAG_LIST),
        "remove" | "delete" => (TagAction::Remove, TAG_REMOVE),
        other => return Err(plain_err(format!("unknown subcommand {other:?}"))),
    };
    let rest: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != idx && i != idx2)
        .map(|(_, a)| a.clone())
        .collect();
    let (values, positionals) = parse_flags(&rest, spec)?;
    let got = Got { values };
    let global = Global {
        kubeconfig: got.nonempty("kubeconfig"),
        context: got.nonempty("context"),
        istio_namespace: got.nonempty("istioNamespace"),
    };
    if got.bool("help", false) {
        return Ok(Parsed {
            global,
            command: Command::Help("tag".to_string()),
        });
    }
    let what = if action == TagAction::Remove {
        "removal"
    } else {
        "creation"
    };
    match (action, positionals.len()) {
        (TagAction::List, 0) => {}
        (TagAction::List, _) => return Err(plain_err("tag list command does not accept arguments")),
        (TagAction::Remove, 0) => return Err(plain_err("must provide a tag for removal")),
        (_, 0) => return Err(plain_err("must provide a tag for modification")),
        (_, 1) => {}
        (_, _) => return Err(plain_err(format!("must provide a single tag for {what}"))),
    }
    let revision = got.last("revision");
    if matches!(action, TagAction::Set | TagAction::Generate) && revision.is_none() {
        return Err(plain_err("required flag(s) \"revision\" not set"));
    }
    let command = Command::Tag(TagOpts {
        action,
        tag: positionals.first().cloned().unwrap_or_default(),
        revision: revision.unwrap_or_default(),
        overwrite: got.bool("overwrite", false),
        skip_confirmation: got.bool("skip-confirmation", false),
        webhook_name: got.nonempty("webhook-name"),
        auto_inject_namespaces: got.bool("auto-inject-namespaces", false),
        output: got.last("output").unwrap_or_else(|| "table".to_string()),
    });
    Ok(Parsed { global, command })
}

fn help_only(_args: &[String], name: &str) -> Parsed {
    Parsed {
        global: Global {
            kubeconfig: None,
            context: None,
            istio_namespace: None,
        },
        command: Command::Help(name.to_string()),
    }
}

/// Files named by `-f`/`--filename` anywhere in `args`, found without a full parse (used by
/// the invocation log, which is written before anything else happens).
pub fn scan_filenames(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            break;
        }
        let value = if a == "-f" || a == "--filename" {
            let v = args.get(i).cloned();
            i += 1;
            v
        } else if let Some(v) = a.strip_prefix("--filename=") {
            Some(v.to_string())
        } else if let Some(v) = a.strip_prefix("-f") {
            // `-fFILE` / `-f=FILE`, but not other long flags starting with `-f`.
            (!a.starts_with("--")).then(|| v.strip_prefix('=').unwrap_or(v).to_string())
        } else {
            if takes_value_anywhere(a) {
                i += 1;
            }
            None
        };
        if let Some(v) = value {
            out.extend(v.split(',').filter(|s| !s.is_empty()).map(str::to_string));
        }
    }
    out
}

pub const HELP: &str = "Istio configuration command line utility (kubesim stand-in).

Usage:
  istioctl [command]

Available Commands:
  install     Applies an Istio manifest, installing or reconfiguring Istio on a cluster
  manifest    Commands related to Istio manifests (generate, install)
  tag         Command group used to interact with revision tags (set, generate, list, remove)
  uninstall   Uninstall Istio from a cluster
  upgrade     Upgrade Istio control plane in-place
  version     Prints out build version information
  x           Experimental commands (precheck)

Flags:
      --context string          Kubernetes configuration context
  -h, --help                    help for istioctl
  -i, --istioNamespace string   Istio system namespace (default \"istio-system\")
  -c, --kubeconfig string       Kubernetes configuration file

Use \"istioctl [command] --help\" for more information about a command.
";
