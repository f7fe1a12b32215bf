//! The command line in the reader's language. `args.rs` declares the commands and flags; their
//! about and help texts come from the catalogues (`assets/locales/help/*.toml`) at run time,
//! and in Chinese clap's own words (headings, `[default: ...]`, usage errors) are Chinese too.
//! The language is chosen before parsing (`app::config::language_before_parsing`).

use crate::cli::args::Cli;
use crate::t;
use crate::words::catalogue::has;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};
use std::ffi::OsString;

/// Parses the command line, with `--help` and usage errors in `lang`.
pub fn parse(args: Vec<OsString>, lang: &str) -> Result<Cli, clap::Error> {
    // A good command line needs no texts, only help, the version and errors show them: the
    // tree is localized only then (localizing every command was most of a short command's start).
    if let Ok(cli) = Cli::command()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        return Ok(cli);
    }
    let mut command = command(lang);
    let matches = match command.try_get_matches_from_mut(&args) {
        // `help list --help` asks for the help `help list` prints: clap read the flag as a
        // command's name. The flag is dropped (after `help` nothing else is read).
        Err(e) if asked_help_of_help(&e) => {
            let flag = |a: &OsString| a == "--help" || a == "-h";
            let at = args.iter().position(|a| a == "help").unwrap_or(0);
            let args: Vec<&OsString> = (args.iter().enumerate())
                .filter(|(i, a)| *i <= at || !flag(a))
                .map(|(_, a)| a)
                .collect();
            command.try_get_matches_from_mut(args)?
        }
        parsed => parsed?,
    };
    Cli::from_arg_matches(&matches).map_err(|e| e.with_cmd(&command))
}

/// Whether clap refused `--help` or `-h` as the name of a command `help` should explain.
fn asked_help_of_help(e: &clap::Error) -> bool {
    e.kind() == ErrorKind::InvalidSubcommand
        && matches!(e.get(ContextKind::InvalidSubcommand), Some(ContextValue::String(s)) if s == "--help" || s == "-h")
}

/// The whole command line with its texts in `lang` (also for completions and the man page).
pub fn command(lang: &str) -> Command {
    localize(Cli::command(), "help", lang, true)
}

/// `key` in `lang`, or `None` when no catalogue has it.
fn text(key: &str, lang: &str) -> Option<String> {
    has("en", key).then(|| t!(key, locale = lang))
}

fn localize(mut cmd: Command, key: &str, lang: &str, root: bool) -> Command {
    let zh = lang == "zh-CN";
    if zh {
        // clap wraps only at ASCII spaces, which Chinese text lacks: `render` wraps instead.
        cmd = cmd.term_width(0);
    }
    if let Some(about) = text(&format!("{key}.about"), lang) {
        cmd = cmd.about(about).long_about(None);
    }
    if let Some(after) = text(&format!("{key}.after"), lang) {
        cmd = cmd.after_help(after).after_long_help(None);
    }
    // clap's own -h/-V say "Print help" whatever the language: ours say it in the reader's.
    cmd = cmd.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(t!("help.arg-help", locale = lang)),
    );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(t!("help.arg-version", locale = lang)),
        );
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| id != "help" && id != "version")
        .collect();
    for id in ids {
        let help = text(&format!("{key}.arg-{id}"), lang);
        cmd = cmd.mut_arg(&id, |arg| {
            let arg = match &help {
                Some(help) => arg.help(help.clone()),
                None => arg,
            };
            if zh { in_chinese(arg) } else { arg }
        });
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let sub_key = format!("{key}.{name}");
        cmd = cmd.mut_subcommand(&name, |sub| localize(sub, &sub_key, lang, false));
    }
    cmd
}

/// An argument's placeholders and clap's bracketed notes (`[default: x]`, `[possible values:
/// ...]`, `[env: X=]`) in Chinese: clap writes the notes in English, so they are hidden and
/// written here.
fn in_chinese(arg: Arg) -> Arg {
    let lang = "zh-CN";
    let names: Vec<String> = arg
        .get_value_names()
        .map(|names| {
            names
                .iter()
                .map(|n| text(&format!("help.value.{}", n.to_lowercase()), lang).unwrap_or_else(|| n.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let takes_value = arg.get_action().takes_values();
    let mut notes = Vec::new();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if takes_value && !defaults.is_empty() && !arg.is_hide_default_value_set() {
        notes.push(format!(
            "{}：{}",
            t!("help.clap.default", locale = lang),
            defaults.join("、")
        ));
    }
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|p| !p.is_hide_set())
        .map(|p| p.get_name().to_string())
        .collect();
    if takes_value && !choices.is_empty() && !arg.is_hide_possible_values_set() {
        notes.push(format!(
            "{}：{}",
            t!("help.clap.possible", locale = lang),
            choices.join("、")
        ));
    }
    if let Some(env) = arg.get_env() {
        notes.push(format!(
            "{}：{}",
            t!("help.clap.env", locale = lang),
            env.to_string_lossy()
        ));
    }
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let help = notes.iter().fold(help, |help, note| format!("{help}［{note}］"));
    let mut arg = arg.help(help).hide_env(true);
    if takes_value {
        arg = arg.hide_default_value(true).hide_possible_values(true);
    }
    if !names.is_empty() {
        arg = arg.value_names(names);
    }
    arg
}

/// What clap printed or would print for `e` (help, version or a usage error), in `lang`.
pub fn render(e: &clap::Error, lang: &str) -> String {
    let text = e.render().to_string();
    if lang != "zh-CN" {
        return text;
    }
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            wrap_help(&clap_words(&text), help_width())
        }
        ErrorKind::DisplayVersion => text,
        _ => error(e),
    }
}

/// Columns for help, as clap picks them: the terminal's, else `COLUMNS`, else 100.
fn help_width() -> usize {
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(100)
        .max(40)
}

/// A help page with every line at most `width` display columns (CJK counted as two): a long
/// line breaks between words or ideographs and goes on under its own text column (the help
/// beside an option, or the line's indentation).
pub fn wrap_help(help: &str, width: usize) -> String {
    use crate::domain::text::width_of;
    let mut out = Vec::new();
    for line in help.split('\n') {
        if width_of(line) <= width {
            out.push(line.to_string());
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        // The text column: after the gap of two or more spaces that ends an option or command.
        let column = line[lead..]
            .find("  ")
            .map(|gap| {
                let after = &line[lead + gap..];
                lead + gap + after.len() - after.trim_start().len()
            })
            .filter(|c| width_of(&line[..*c]) * 5 <= width * 2)
            .unwrap_or(lead);
        let indent = " ".repeat(width_of(&line[..column]));
        for (i, part) in fill(&line[column..], width.saturating_sub(indent.len()).max(20))
            .into_iter()
            .enumerate()
        {
            let head = if i == 0 { &line[..column] } else { indent.as_str() };
            out.push(format!("{head}{part}"));
        }
    }
    out.join("\n")
}

/// `text` in lines of at most `width` columns, broken at spaces or between ideographs, never
/// inside a word ("wrong-item") nor before closing or after opening punctuation (no line starts
/// with "）" or "，").
fn fill(text: &str, width: usize) -> Vec<String> {
    use crate::domain::text::width_of;
    const CLOSING: &str = "，。、；：）］」”’！？）,.;:)]";
    const OPENING: &str = "（［「“‘([";
    // Unbreakable pieces, each with whether a space comes before it.
    let mut pieces: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    let mut glue = false;
    for c in text.chars() {
        if c == ' ' {
            space = true;
            glue = false;
            continue;
        }
        let joins = match pieces.last() {
            Some((_, last)) => {
                !space && (glue || CLOSING.contains(c) || (!is_cjk(c) && !last.chars().last().is_some_and(is_cjk)))
            }
            None => false,
        };
        match pieces.last_mut() {
            Some((_, last)) if joins => last.push(c),
            _ => pieces.push((space, c.to_string())),
        }
        glue = OPENING.contains(c);
        space = false;
    }
    let mut lines = vec![String::new()];
    for (spaced, piece) in pieces {
        let Some(line) = lines.last_mut() else { break };
        let gap = usize::from(spaced && !line.is_empty());
        if !line.is_empty() && width_of(line) + gap + width_of(&piece) > width {
            lines.push(piece);
        } else {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(&piece);
        }
    }
    lines
}

/// The man page in `lang`. clap_mangen writes its section headings in English and has no way
/// to name them, so in Chinese the rendered headings are swapped for the catalogue's.
pub fn man(lang: &str) -> std::io::Result<String> {
    let mut cmd = command(lang);
    let zh = lang == "zh-CN";
    if zh {
        let commands = t!("help.value.command", locale = lang);
        cmd = cmd
            .subcommand_help_heading(commands.clone())
            .subcommand_value_name(commands);
        // clap adds `help` when it builds the command; its about is clap's English.
        cmd.build();
        cmd = cmd.mut_subcommand("help", |sub| sub.about(t!("help.help.about", locale = lang)));
    }
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    let page = String::from_utf8_lossy(&out).into_owned();
    if !zh {
        return Ok(page);
    }
    let headings = [
        "name",
        "synopsis",
        "description",
        "options",
        "extra",
        "version",
        "authors",
    ];
    let lines = page.lines().map(|line| {
        let heading = line.strip_prefix(".SH ").and_then(|h| {
            headings
                .iter()
                .find(|k| k.eq_ignore_ascii_case(h))
                .map(|k| format!(".SH {}", t!(format!("help.manpage.{k}"), locale = lang)))
        });
        heading.unwrap_or_else(|| line.to_string())
    });
    Ok(lines.collect::<Vec<_>>().join("\n") + "\n")
}

/// clap's fixed words in a help page it rendered, in Chinese.
fn clap_words(help: &str) -> String {
    let lang = "zh-CN";
    let heading = |name: &str| format!("\n{}", t!(format!("help.clap.{name}"), locale = lang));
    help.lines()
        .map(|line| {
            let swaps = [
                ("Usage:", t!("help.clap.usage", locale = lang)),
                ("Options:", heading("options")[1..].to_string()),
                ("Global options:", heading("global")[1..].to_string()),
                ("Arguments:", heading("arguments")[1..].to_string()),
                ("Commands:", heading("commands")[1..].to_string()),
            ];
            for (english, chinese) in swaps {
                if let Some(rest) = line.strip_prefix(english) {
                    return format!("{chinese}{}", usage_words(rest.strip_prefix(' ').unwrap_or(rest)));
                }
            }
            usage_words(line)
                .replace(
                    "Print this message or the help of the given subcommand(s)",
                    &t!("help.help.about", locale = lang),
                )
                .replace(
                    "Print help for the subcommand(s)",
                    &t!("help.help.about", locale = lang),
                )
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if help.ends_with('\n') { "\n" } else { "" }
}

/// clap's placeholders in a usage line (`[OPTIONS]`, `<COMMAND>`) in Chinese.
fn usage_words(line: &str) -> String {
    let lang = "zh-CN";
    let options = t!("help.clap.usage_options", locale = lang);
    let command = t!("help.value.command", locale = lang);
    line.replace("[OPTIONS]", &format!("[{options}]"))
        .replace("[COMMAND]", &format!("[{command}]"))
        .replace("<COMMAND>", &format!("<{command}>"))
}

/// A context value as text (lists joined the Chinese way).
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A usage error in Chinese, laid out as clap lays it out: the error, a tip, the usage, where
/// to read more.
fn error(e: &clap::Error) -> String {
    let lang = "zh-CN";
    let get = |kind| context(e, kind).unwrap_or_default();
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::UnknownArgument => t!("help.clap.unexpected_argument", locale = lang, arg = arg),
        ErrorKind::InvalidSubcommand => t!(
            "help.clap.unrecognized_subcommand",
            locale = lang,
            sub = get(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue => match context(e, ContextKind::ValidValue) {
            Some(choices) => t!(
                "help.clap.invalid_value_choices",
                locale = lang,
                arg = arg,
                value = value,
                choices = choices
            ),
            None => t!("help.clap.no_value", locale = lang, arg = arg),
        },
        ErrorKind::ValueValidation => {
            let head = t!("help.clap.invalid_value", locale = lang, arg = arg, value = value);
            match std::error::Error::source(e).map(|s| source(s, &value)) {
                Some(why) if !why.is_empty() => format!("{head}：{why}"),
                _ => head,
            }
        }
        ErrorKind::MissingRequiredArgument => t!("help.clap.missing_required", locale = lang, args = arg),
        ErrorKind::ArgumentConflict => match context(e, ContextKind::PriorArg) {
            Some(other) if other != arg => t!("help.clap.conflict", locale = lang, arg = arg, other = other),
            _ => t!("help.clap.conflict_self", locale = lang, arg = arg),
        },
        ErrorKind::NoEquals => t!("help.clap.no_equals", locale = lang, arg = arg),
        ErrorKind::TooManyValues => t!("help.clap.too_many", locale = lang, arg = arg, value = value),
        ErrorKind::WrongNumberOfValues => t!("help.clap.wrong_number", locale = lang, arg = arg),
        ErrorKind::InvalidUtf8 => t!("help.clap.utf8", locale = lang),
        ErrorKind::MissingSubcommand => t!(
            "help.clap.missing_subcommand",
            locale = lang,
            name = get(ContextKind::InvalidSubcommand)
        ),
        _ => t!("help.clap.other", locale = lang),
    };
    let mut out = format!("{}{message}\n", t!("help.clap.error", locale = lang));
    let tips: Vec<String> = [
        context(e, ContextKind::SuggestedArg).map(|a| t!("help.clap.similar_arg", locale = lang, arg = a)),
        context(e, ContextKind::SuggestedSubcommand).map(|s| t!("help.clap.similar_sub", locale = lang, sub = s)),
    ]
    .into_iter()
    .flatten()
    .collect();
    for tip in tips {
        out += &format!("\n  {}：{tip}\n", t!("help.clap.tip", locale = lang));
    }
    if let Some(usage) = context(e, ContextKind::Usage) {
        let usage = usage.trim_end();
        let usage = usage.strip_prefix("Usage:").map_or_else(
            || usage.to_string(),
            |rest| format!("{}{}", t!("help.clap.usage", locale = lang), rest.trim_start()),
        );
        let usage = usage_words(&usage);
        out += &format!("\n{usage}\n");
    }
    out += &format!("\n{}\n", t!("help.clap.more", locale = lang, help = "--help"));
    out
}

/// Why a value parser refused a value: the domain's refusal in Chinese, a range as clap's
/// integer parsers word it, or nothing when only English is at hand.
fn source(e: &(dyn std::error::Error + 'static), value: &str) -> String {
    let lang = "zh-CN";
    if let Some(unknown) = e.downcast_ref::<crate::domain::ticket::UnknownValue>() {
        return crate::words::errors::unknown_value(unknown, lang);
    }
    if e.downcast_ref::<std::num::ParseIntError>().is_some() {
        return t!("help.clap.not_a_number", locale = lang);
    }
    let text = e.to_string();
    // clap's ranged integers: "0 is not in 1..=10000000".
    if let Some((low, high)) = text
        .strip_prefix(&format!("{value} is not in "))
        .and_then(|range| range.split_once("..="))
    {
        return t!("help.clap.range", locale = lang, low = low, high = high);
    }
    // Promptly's own parsers answer in the process language; anything else is clap's English.
    if text.chars().any(is_cjk) { text } else { String::new() }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}
