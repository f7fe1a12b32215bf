//! The service report's defects of issue 13, each asserted on the rendered output: the judged
//! list's last column is the reason; the text format never cuts the judgement; "awaiting
//! judgement" is the period's own breaches, newest first, with the all-time backlog as a count;
//! the trend says met of due per day, marks days with nothing due and names the months; the
//! HTML prints on A4 with a running header (shop, report, period) and names a CJK font stack;
//! compliance levels and breach classes are different words in Chinese.

pub mod common;

use serde_json::Value;
use std::path::PathBuf;

const SHOP: &str = "Harbour Road Store";
const READ_AT: &str = "2026-11-26 08:00";

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
    policy: PathBuf,
}

impl Env {
    fn run(&self, lang: &str, now: &str, args: &[&str]) -> String {
        let out = common::promptly(&self.db, lang)
            .arg("--policy")
            .arg(&self.policy)
            .args(["--now", now])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, now: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.run("en", now, args)).unwrap()
    }

    fn open(&self, at: &str, title: &str) -> String {
        let t = self.json(at, &["new", "--title", title, "--opened-at", at, "--json"]);
        t["id"].as_i64().unwrap().to_string()
    }

    fn report(&self, lang: &str, format: &str) -> String {
        self.run(
            lang,
            READ_AT,
            &["report", "weekly", "--date", "2026-11-24", "--format", format],
        )
    }
}

/// Nobody answers: each ticket's first response (30 business minutes) breaches. `old` is from
/// an earlier month (the backlog); X (Mon 23rd) is judged major with compensation; Y (Tue) and
/// Z (Wed morning) wait for judgement.
fn env() -> (Env, String, [String; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let policy = dir.path().join("policy.toml");
    std::fs::write(dir.path().join("config.toml"), "author = \"supervisor\"\n").unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/policy.toml")).unwrap();
    let text = text.replace("# shop = \"Example Store\"", &format!("shop = \"{SHOP}\""));
    assert!(text.contains(SHOP));
    std::fs::write(&policy, text).unwrap();
    let env = Env { dir, db, policy };
    let old = env.open("2026-11-02 10:00", "Old unanswered enquiry");
    let x = env.open("2026-11-23 10:00", "X no answer");
    env.run(
        "en",
        "2026-11-23 15:00",
        &[
            "review",
            "judge",
            &x,
            "first-response",
            "--class",
            "major",
            "--reason",
            "no answer all morning",
            "--remedy",
            "compensation",
            "--amount",
            "120",
        ],
    );
    let y = env.open("2026-11-24 10:00", "Y no answer");
    let z = env.open("2026-11-25 09:00", "Z no answer");
    (env, old, [x, y, z])
}

#[test]
fn every_report_defect_of_issue_13_is_fixed_in_the_rendered_formats() {
    let (env, old, [x, y, z]) = env();
    let _ = &env.dir;

    // Awaiting judgement: only this week's unjudged breaches, newest deadline first; the
    // backlog (the old ticket's breaches too) is a count apart.
    let json = env.json(
        READ_AT,
        &["report", "weekly", "--date", "2026-11-24", "--format", "json"],
    );
    let awaiting = &json["awaiting_review"];
    let items = awaiting["items"].as_array().unwrap();
    let tickets: Vec<String> = items.iter().map(|b| b["ticket"].to_string()).collect();
    assert!(
        !tickets.contains(&old),
        "an earlier month's breach is not this week's: {tickets:?}"
    );
    assert!(tickets.contains(&y) && tickets.contains(&z), "{tickets:?}");
    let due: Vec<&str> = items.iter().map(|b| b["due_at"].as_str().unwrap()).collect();
    let mut newest_first = due.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(due, newest_first, "newest first");
    assert!(due.iter().all(|d| *d >= "2026-11-22T16:00:00Z"), "{due:?}");
    assert_eq!(awaiting["total"].as_u64().unwrap() as usize, items.len());
    let backlog = env.json(READ_AT, &["review", "list", "--json"])["breaches"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(awaiting["backlog"].as_u64().unwrap() as usize, backlog);
    assert!(
        backlog > items.len(),
        "the old ticket's breaches are in the backlog only"
    );

    // Text: the judgement is whole, and the backlog line follows the period's list.
    let text = env.report("en", "text");
    let judged = text[text.find("Judged in the period").unwrap()..]
        .lines()
        .find(|l| l.contains(&format!("#{x}")) && l.contains("major breach"))
        .unwrap();
    assert!(
        judged.contains("major breach, compensation 120.00") && !judged.contains('…'),
        "{judged}"
    );
    assert!(judged.ends_with("no answer all morning"), "the reason last: {judged}");
    assert!(
        text.contains("Awaiting judgement, this period (newest first)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Awaiting judgement in all periods: {backlog}")),
        "{text}"
    );

    // Markdown and HTML: the judged list's last column is headed Reason, not Title.
    let md = env.report("en", "md");
    let judged_md = &md[md.find("## Judged in the period").unwrap()..];
    assert!(judged_md.contains("| Judgement | Reason |"), "{judged_md}");
    let html = env.report("en", "html");
    let judged_html = &html[html.find("Judged in the period").unwrap()..];
    assert!(
        judged_html.contains("<th>Judgement</th><th>Reason</th>"),
        "{judged_html}"
    );
    assert!(html[..html.find("Judged in the period").unwrap()].contains("<th>Title</th>"));

    // Trend: met of due under each bar, an empty box where nothing was due, the months named.
    let trend = &html[html.find(r#"class="chart trend""#).unwrap()..];
    let trend = &trend[..trend.find("</svg>").unwrap()];
    assert!(trend.contains(r#"class="day none""#), "days with nothing due");
    assert!(trend.contains(">0/1</text>"), "the old ticket's day: 0 of 1");
    assert!(trend.contains(">—</text>"), "nothing due says so");
    assert!(
        trend.contains(">2026-10</text>") && trend.contains(">2026-11</text>"),
        "months on the axis"
    );

    // Print: A4, a running header with shop, report and period, repeated as the page table's head.
    assert!(html.contains("@page { size: A4"), "A4");
    assert!(
        html.contains("counter(page)"),
        "page numbers where the browser supports them"
    );
    assert!(html.contains("table.page > thead { display: table-header-group; }"));
    assert!(
        html.contains(&format!(
            "<table class=\"page\"><thead><tr><td><div class=\"running\">{SHOP} · Weekly service report 2026-11-23 – 2026-11-29 (Asia/Shanghai)</div>"
        )),
        "{html}"
    );
    // Fonts: a CJK stack for every common platform.
    for font in [
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "PingFang SC",
        "Microsoft YaHei",
        "WenQuanYi Micro Hei",
    ] {
        assert!(html.contains(&format!("'{font}'")), "{font}");
    }

    // Chinese: the compliance level (0 of 3 first responses: major failure) and the breach
    // class (major) are different words.
    let zh = env.report("zh-CN", "text");
    let level = zh
        .lines()
        .find(|l| l.contains("首次响应") && l.contains("0.0%"))
        .unwrap();
    assert!(level.contains("严重不达标（< 50%）"), "{level}");
    assert!(
        !zh.contains("重大违约（< 50%）") && !zh.contains("轻微违约（50-80%）"),
        "{zh}"
    );
    assert!(zh.contains("重大违约，赔偿 120.00"), "the class stays 重大违约: {zh}");
    assert!(
        zh.contains("本期待认定（最新在前）") && zh.contains(&format!("全部待认定：{backlog} 条")),
        "{zh}"
    );
    let zh_md = env.report("zh-CN", "md");
    assert!(zh_md.contains("| 认定 | 理由 |"), "{zh_md}");
    let zh_html = env.report("zh-CN", "html");
    assert!(
        zh_html.contains(&format!("{SHOP} · 服务周报 2026-11-23 – 2026-11-29")),
        "running header in zh"
    );
}
