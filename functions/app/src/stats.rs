//! Statistics from the maintained counters (summed over their shards):
//! integer percentages of the users with the attribute known, summing to
//! 100 by the largest-remainder method (all zero when nobody is counted).
//! Ages are counted by birth year, so a bucket is the age reached this
//! calendar year and stays right as people age without any rewrite.

use crate::rules::{CATEGORIES, NAMED_CATEGORIES, SEXES};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub type Totals = BTreeMap<String, i64>;

/// Counter attribute names.
pub fn sex_counter(sex: &str) -> String {
    format!("sex_{sex}")
}
pub fn birth_counter(year: i32) -> String {
    format!("birth_{year}")
}
pub fn category_counter(category: &str) -> String {
    format!("cat_{category}")
}

/// Largest remainder: floors first, then one point each to the largest
/// remainders (ties to the earlier label) until the sum is 100.
pub fn percentages(counts: &[(String, i64)]) -> Vec<(String, u64)> {
    let total: i64 = counts.iter().map(|(_, c)| (*c).max(0)).sum();
    if total == 0 {
        return counts.iter().map(|(l, _)| (l.clone(), 0)).collect();
    }
    let mut out: Vec<(String, u64, i64)> = counts
        .iter()
        .map(|(l, c)| {
            let scaled = c.max(&0) * 100;
            (l.clone(), (scaled / total) as u64, scaled % total)
        })
        .collect();
    let given: u64 = out.iter().map(|(_, p, _)| p).sum();
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|a, b| out[*b].2.cmp(&out[*a].2).then(a.cmp(b)));
    for i in order.into_iter().take(100 - given as usize) {
        out[i].1 += 1;
    }
    out.into_iter().map(|(l, p, _)| (l, p)).collect()
}

fn object(rows: Vec<(String, u64)>) -> Value {
    Value::Object(
        rows.into_iter()
            .map(|(l, p)| (l, Value::from(p)))
            .collect::<Map<_, _>>(),
    )
}

fn get(totals: &Totals, name: &str) -> i64 {
    totals.get(name).copied().unwrap_or(0)
}

pub fn by_sex(totals: &Totals) -> Value {
    let counts: Vec<(String, i64)> = SEXES
        .iter()
        .map(|s| (s.to_string(), get(totals, &sex_counter(s))))
        .collect();
    object(percentages(&counts))
}

pub const AGE_BUCKETS: [(&str, i32, i32); 4] = [
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45+", 45, i32::MAX),
];

/// Users under 18 this year are in no bucket and not counted.
pub fn by_age(totals: &Totals, this_year: i32) -> Value {
    let mut counts: Vec<(String, i64)> = AGE_BUCKETS
        .iter()
        .map(|(l, _, _)| (l.to_string(), 0))
        .collect();
    for (name, count) in totals {
        let Some(year) = name
            .strip_prefix("birth_")
            .and_then(|y| y.parse::<i32>().ok())
        else {
            continue;
        };
        let age = this_year - year;
        if let Some(i) = AGE_BUCKETS
            .iter()
            .position(|(_, lo, hi)| (*lo..=*hi).contains(&age))
        {
            counts[i].1 += count;
        }
    }
    object(percentages(&counts))
}

/// Shares of all category choices: the five named categories, the rest
/// in `other`.
pub fn by_preferences(totals: &Totals) -> Value {
    let mut counts: Vec<(String, i64)> = CATEGORIES[..NAMED_CATEGORIES]
        .iter()
        .map(|c| (c.to_string(), get(totals, &category_counter(c))))
        .collect();
    let other = CATEGORIES[NAMED_CATEGORIES..]
        .iter()
        .map(|c| get(totals, &category_counter(c)))
        .sum();
    counts.push(("other".into(), other));
    object(percentages(&counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(counts: &[i64]) -> Vec<u64> {
        let labelled: Vec<(String, i64)> = counts
            .iter()
            .enumerate()
            .map(|(i, c)| (i.to_string(), *c))
            .collect();
        percentages(&labelled).into_iter().map(|(_, p)| p).collect()
    }

    #[test]
    fn largest_remainder_sums_to_100() {
        assert_eq!(rows(&[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(rows(&[3, 2, 0]), vec![60, 40, 0]);
        assert_eq!(rows(&[0, 0]), vec![0, 0]);
        assert_eq!(rows(&[2, 1, 1, 1, 1, 1]), vec![29, 15, 14, 14, 14, 14]);
        for counts in [[7, 13, 29, 1], [1, 1, 1, 97], [5, 5, 5, 6]] {
            assert_eq!(rows(&counts).iter().sum::<u64>(), 100);
        }
    }

    #[test]
    fn ages_by_birth_year() {
        let totals: Totals = [
            ("birth_2008".to_string(), 1),
            ("birth_2002".to_string(), 1),
            ("birth_1990".to_string(), 2),
            ("birth_2015".to_string(), 5),
        ]
        .into();
        let v = by_age(&totals, 2026);
        assert_eq!(v["18-24"], 50);
        assert_eq!(v["35-44"], 50);
        assert_eq!(v["45+"], 0);
    }
}
