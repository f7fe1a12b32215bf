//! The review queue in words: how the matching breaches split by clock, priority, status and
//! kind (the board's counts line and the line above `review list`).

use crate::domain::policy::Policy;
use crate::domain::review::QueueCounts;
use crate::t;

/// "First response 12", "urgent 3", "open 4", "delivery 2": one item per value that has
/// breaches, clocks first, then priority, status and kind.
pub fn queue_split(policy: &Policy, c: &QueueCounts, lang: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(
        c.by_metric
            .iter()
            .map(|(m, n)| format!("{} {n}", super::metric(policy, m, lang))),
    );
    parts.extend(
        c.by_priority
            .iter()
            .map(|(p, n)| format!("{} {n}", super::word("priority", p.slug(), lang))),
    );
    parts.extend(
        c.by_status
            .iter()
            .map(|(s, n)| format!("{} {n}", t!(format!("tui.review_{}", s.slug()), locale = lang))),
    );
    parts.extend(
        c.by_kind
            .iter()
            .map(|(k, n)| format!("{} {n}", super::word("kind", k.slug(), lang))),
    );
    parts
}

/// The line above `review list`'s rows: "23 awaiting judgement: First response 12 · ...",
/// or "10000+ awaiting judgement (the first 10000 split): ..." past the count's cap.
pub fn queue_counts(policy: &Policy, c: &QueueCounts, lang: &str) -> String {
    let split = queue_split(policy, c, lang).join(" · ");
    let key = if c.capped {
        "review.counts_capped"
    } else {
        "review.counts"
    };
    t!(key, locale = lang, n = c.total, split = split).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::Openness;
    use crate::domain::ticket::{Kind, Priority};

    #[test]
    fn the_counts_line_names_every_value_in_both_languages() {
        let policy = Policy::builtin();
        let mut c = QueueCounts {
            total: 5,
            capped: false,
            by_metric: vec![("first-response".into(), 3), ("resolution".into(), 2)],
            by_priority: vec![(Priority::Urgent, 5)],
            by_kind: vec![(Kind::Delivery, 5)],
            by_status: vec![(Openness::Open, 1), (Openness::Closed, 4)],
        };
        let en = queue_counts(&policy, &c, "en");
        assert!(
            en.starts_with("5 awaiting judgement: First response 3 · Resolution 2 · urgent 5 · open 1 · closed 4"),
            "{en}"
        );
        let zh = queue_counts(&policy, &c, "zh-CN");
        assert!(zh.starts_with("待认定 5 条：首次响应 3 · "), "{zh}");
        assert!(zh.contains("紧急 5"), "{zh}");
        c.capped = true;
        c.total = 10_000;
        let capped = queue_counts(&policy, &c, "en");
        assert!(
            capped.starts_with("10000+ awaiting judgement (the first 10000 split): "),
            "{capped}"
        );
    }
}
