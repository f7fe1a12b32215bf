//! Where things live, and the user's config file. Read by the front ends at start-up.

use crate::domain::compose::{Mailbox, split_command, usable_domain};
use crate::store::{Sharing, group_id};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The user's settings (`config.toml` in the platform config dir, or `--config`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Name recorded as the author of log entries (default: the OS user name).
    pub author: Option<String>,
    /// `en` or `zh-CN` (default: from LC_ALL / LANG).
    pub lang: Option<String>,
    /// A policy file replacing the built-in one.
    pub policy: Option<PathBuf>,
    /// Ring the terminal bell when a clock enters warning or breaches (default true).
    pub bell: Option<bool>,
    /// Mouse support on the board (default false).
    pub mouse: Option<bool>,
    /// Key overrides for the board: action name -> key ("new" = "a", "quit" = "ctrl-q").
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    /// Colour overrides for the board: role -> colour ("warning" = "yellow", "breached" = "#ff0000").
    #[serde(default)]
    pub theme: BTreeMap<String, String>,
    /// Sending replies by email (`promptly reply`, `r` on the board).
    #[serde(default)]
    pub mail: MailConfig,
    /// `promptly intake`: how mail becomes tickets (issue 15).
    #[serde(default)]
    pub intake: IntakeConfig,
    /// The database when neither `--db` nor `PROMPTLY_DB` names one: a file, or a
    /// PostgreSQL server's `postgres://` URL (its password better kept in `~/.pgpass`).
    pub db: Option<PathBuf>,
    /// A Unix group that shares the database: files and folders Promptly creates for it are
    /// made for that group (0660, folders 2770) instead of for their owner only.
    pub group: Option<String>,
    /// `group` as the store takes it, looked up when the file is read.
    #[serde(skip)]
    pub sharing: Sharing,
}

/// `[mail]`: who replies are from and the command that sends them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// `Shop Support <support@shop.example>`.
    pub from: Option<String>,
    /// A sendmail-compatible command line (`msmtp -t`), split as a shell would, run without
    /// one; the message goes to its stdin.
    pub sendmail: Option<String>,
    /// Put under every reply after the `-- ` line.
    #[serde(default)]
    pub signature: String,
    /// The host part of our Message-IDs (default: the From address's domain).
    pub domain: Option<String>,
}

impl MailConfig {
    /// The From mailbox, when configured.
    pub fn from_mailbox(&self) -> Option<Mailbox> {
        self.from.as_deref().and_then(|f| Mailbox::parse(f).ok())
    }

    /// The sending command's words, when configured.
    pub fn command(&self) -> Option<Vec<String>> {
        self.sendmail.as_deref().and_then(split_command)
    }

    /// The domain our Message-IDs end in: `domain`, else the From address's, else the host's.
    pub fn message_domain(&self) -> String {
        self.domain
            .clone()
            .or_else(|| self.from_mailbox().map(|m| m.domain().to_string()))
            .filter(|d| usable_domain(d))
            .or_else(hostname)
            .unwrap_or_else(|| "localhost".to_string())
    }

    /// The first key that cannot be used, with why (checked when the file is read).
    fn problem(&self) -> Option<(&'static str, String)> {
        if let Some(from) = &self.from
            && Mailbox::parse(from).is_err()
        {
            return Some(("from", format!("{from:?} is not an address (\"Name <user@host>\")")));
        }
        if let Some(line) = &self.sendmail
            && split_command(line).is_none()
        {
            return Some((
                "sendmail",
                format!("{line:?} is no command line (empty or an unclosed quote)"),
            ));
        }
        if let Some(domain) = &self.domain
            && !usable_domain(domain)
        {
            return Some(("domain", format!("{domain:?} is not a host name")));
        }
        None
    }
}

/// This machine's name, for Message-IDs when no domain is configured.
fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| usable_domain(h))
}

/// `[intake]`: how `promptly intake` files mail.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeConfig {
    /// Author of the entries intake logs (default "mail").
    pub author: Option<String>,
    /// A reply to a resolved ticket reopens it (default true).
    pub reopen_on_reply: Option<bool>,
    /// Attachments bigger than this are listed, not saved (default "10MB").
    pub max_attachment: Option<String>,
    /// Messages bigger than this are quarantined whole (default "50MB").
    pub max_message: Option<String>,
    /// Keyword rules, the first match wins: `[[intake.rules]] match = "投诉" kind = "complaint"`.
    #[serde(default)]
    pub rules: Vec<IntakeRule>,
}

/// One `[[intake.rules]]` entry, as written (kind and priority in English or Chinese).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeRule {
    #[serde(rename = "match")]
    pub keyword: String,
    pub kind: Option<String>,
    pub priority: Option<String>,
}

/// A config file that cannot be read, with the file and the reason.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `path`; a missing file is an empty config unless the user named it explicitly.
    pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => return Ok(Config::default()),
            Err(e) => return Err(ConfigError(format!("{}: {e}", path.display()))),
        };
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| ConfigError(format!("{}: {}", path.display(), one_line(&e.to_string()))))?;
        if let Some((key, why)) = config.mail.problem() {
            return Err(ConfigError(format!("{}: [mail] {key}: {why}", path.display())));
        }
        if let Some(group) = config.group.as_deref().map(str::trim) {
            if group.is_empty() {
                return Err(ConfigError(format!(
                    "{}: group: empty (name a Unix group, or leave the key out)",
                    path.display()
                )));
            }
            let gid = group_id(group).ok_or_else(|| {
                ConfigError(format!(
                    "{}: group: {group:?} is not a group on this system",
                    path.display()
                ))
            })?;
            config.sharing = Sharing::Group(gid);
        }
        Ok(config)
    }
}

/// toml's messages span several lines with a source excerpt; the first line plus the
/// location is what a person needs.
fn one_line(message: &str) -> String {
    // "TOML parse error at line 1, column 8", the excerpt ("  |", "1 | lang = 5", "  |  ^"),
    // then the reason: the first and the last line.
    let lines: Vec<&str> = message.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match (lines.first(), lines.last()) {
        (Some(first), Some(last)) if lines.len() > 1 => format!("{first}: {last}"),
        (Some(first), _) => (*first).to_string(),
        _ => String::new(),
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "promptly")
}

/// The database used when neither `--db` nor `PROMPTLY_DB` is given.
pub fn default_db_path() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().join("promptly.db"))
        .unwrap_or_else(|| PathBuf::from("promptly.db"))
}

/// The URL a `--db` value names when it is a database server's (`postgres://user:pw@host/db`),
/// its password left out: such a name must never become a folder `postgres:` with a file in it.
pub fn server_url(db: &Path) -> Option<String> {
    crate::store::pg::printable_url(db.to_str()?)
}

/// The config file used when neither `--config` nor `PROMPTLY_CONFIG` is given.
pub fn default_config_path() -> PathBuf {
    project_dirs()
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("promptly.toml"))
}

/// A user policy next to the config replaces the built-in one when present.
pub fn default_policy_path() -> Option<PathBuf> {
    project_dirs()
        .map(|d| d.config_dir().join("policy.toml"))
        .filter(|p| p.exists())
}

/// `en` or `zh-CN` from an explicit choice, else the config, else LC_ALL / LC_MESSAGES / LANG.
/// A chosen language Promptly does not have (`fr`, `zh-TW`) is English (`run` warns); the
/// environment's `zh*` locales read Simplified Chinese as before, any other locale English.
pub fn pick_language(flag: Option<&str>, config: Option<&str>) -> &'static str {
    if let Some(chosen) = flag.or(config) {
        return supported_language(chosen).unwrap_or("en");
    }
    let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if env.to_lowercase().starts_with("zh") {
        "zh-CN"
    } else {
        "en"
    }
}

/// The language a `--lang` or config value names, if Promptly has it: `en` and its regions,
/// `zh`, `zh-CN`, `zh-Hans` and `zh-SG` (Simplified); `None` for `fr`, `zh-TW`, `zh-Hant`.
pub fn supported_language(tag: &str) -> Option<&'static str> {
    // "zh_CN.UTF-8" is a locale name: the part before the dot is the language tag.
    let tag = tag
        .split('.')
        .next()
        .unwrap_or("")
        .trim()
        .replace('_', "-")
        .to_lowercase();
    let mut parts = tag.split('-');
    match (parts.next(), parts.next()) {
        (Some("en"), _) => Some("en"),
        (Some("zh"), None | Some("cn" | "hans" | "sg" | "my")) => Some("zh-CN"),
        _ => None,
    }
}

/// The language for parsing the command line itself (`--help`, usage errors), before clap has
/// read it: `--lang` as typed, else the config's (`--config`, `PROMPTLY_CONFIG` or the default
/// file; one that cannot be read counts as empty here and is reported later), else the locale.
pub fn language_before_parsing(args: &[std::ffi::OsString]) -> &'static str {
    let value = |name: &str| {
        let flag = format!("--{name}");
        let with_equals = format!("--{name}=");
        args.iter()
            .skip(1)
            .zip(args.iter().skip(2).map(Some).chain([None]))
            .find_map(|(arg, next)| {
                let arg = arg.to_str()?;
                if arg == flag {
                    next.and_then(|n| n.to_str()).map(str::to_string)
                } else {
                    arg.strip_prefix(&with_equals).map(str::to_string)
                }
            })
    };
    let config_path = value("config")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("PROMPTLY_CONFIG").map(PathBuf::from))
        .unwrap_or_else(default_config_path);
    let config = Config::load(&config_path, false).ok().and_then(|c| c.lang);
    pick_language(value("lang").as_deref(), config.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_config_says_where_and_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let err = |text: &str| {
            std::fs::write(&path, text).unwrap();
            Config::load(&path, true).unwrap_err().to_string()
        };
        let e = err("lang = 5\n");
        assert!(e.contains("line 1") && e.contains("invalid type: integer `5`"), "{e}");
        let e = err("bogus = 1\n");
        assert!(e.contains("unknown field `bogus`"), "{e}");
        let e = err("group = \"\"\n");
        assert!(e.contains("group: empty"), "{e}");
        let e = err("group = \"no-such-group-promptly\"\n");
        assert!(e.contains("is not a group"), "{e}");
    }

    #[test]
    fn a_server_url_is_named_without_its_password() {
        let url = |s: &str| server_url(Path::new(s));
        assert_eq!(
            url("postgres://li:s3cret@db.shop:5432/promptly").as_deref(),
            Some("postgres://li@db.shop:5432/promptly")
        );
        assert_eq!(
            url("postgresql://db.shop/promptly?password=x").as_deref(),
            Some("postgresql://db.shop/promptly")
        );
        assert_eq!(url("POSTGRES://li@h").as_deref(), Some("POSTGRES://li@h/"));
        assert_eq!(url("/srv/promptly/desk.db"), None);
        assert_eq!(url("file:x?mode=memory"), None);
        assert_eq!(url("mysql://h/db"), None);
    }

    #[test]
    fn language_follows_flag_then_config() {
        assert_eq!(pick_language(Some("zh"), Some("en")), "zh-CN");
        assert_eq!(pick_language(Some("en"), Some("zh-CN")), "en");
        assert_eq!(pick_language(None, Some("zh_CN.UTF-8")), "zh-CN");
        // Languages Promptly does not have are English (with a warning from `run`).
        assert_eq!(pick_language(Some("fr"), None), "en");
        assert_eq!(pick_language(Some("zh-TW"), None), "en");
        assert_eq!(pick_language(Some("zh-Hant"), Some("zh-CN")), "en");
        assert_eq!(pick_language(Some("zh-Hans"), None), "zh-CN");
        assert_eq!(supported_language("en-GB"), Some("en"));
    }

    #[test]
    fn the_flag_is_read_before_parsing() {
        let args = |list: &[&str]| list.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            language_before_parsing(&args(&["promptly", "list", "--lang", "zh-CN"])),
            "zh-CN"
        );
        assert_eq!(language_before_parsing(&args(&["promptly", "--lang=zh", "x"])), "zh-CN");
        assert_eq!(
            language_before_parsing(&args(&["promptly", "--lang=en", "--help"])),
            "en"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "lang = \"zh-CN\"\n").unwrap();
        let config = path.display().to_string();
        assert_eq!(
            language_before_parsing(&args(&["promptly", "--config", &config, "--bad"])),
            "zh-CN"
        );
    }

    #[test]
    fn bad_config_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "bell = \"loud\"\n").unwrap();
        let err = Config::load(&path, true).unwrap_err().to_string();
        assert!(err.starts_with(&path.display().to_string()), "{err}");
        assert!(err.contains("line 1"), "{err}");
        assert!(Config::load(&dir.path().join("missing.toml"), false).is_ok());
        assert!(Config::load(&dir.path().join("missing.toml"), true).is_err());
    }

    #[test]
    fn a_bad_from_is_refused_with_the_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[mail]\nfrom = \"Support support.example\"\n").unwrap();
        let err = Config::load(&path, true).unwrap_err().to_string();
        assert!(err.starts_with(&path.display().to_string()), "{err}");
        assert!(err.contains("[mail] from"), "{err}");
        std::fs::write(&path, "[mail]\nsendmail = \"msmtp 'x\"\n").unwrap();
        assert!(
            Config::load(&path, true)
                .unwrap_err()
                .to_string()
                .contains("[mail] sendmail")
        );
        let good =
            "[mail]\nfrom = \"Shop <s@shop.example>\"\nsendmail = \"msmtp -t\"\nsignature = \"\"\"\nShop\n\"\"\"\n";
        std::fs::write(&path, good).unwrap();
        let mail = Config::load(&path, true).unwrap().mail;
        assert_eq!(mail.command().unwrap(), ["msmtp", "-t"]);
        assert_eq!(mail.message_domain(), "shop.example");
    }
}
