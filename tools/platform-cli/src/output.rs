//! One output format for every command: each record a JSON object on a
//! line of its own on stdout (JSON lines, for `jq` and scripts), or with
//! `--table` the same records as aligned columns for people. Notes meant
//! for people (a secret shown once, what a command did not do) go to
//! stderr. A reader that goes away (`platform user list | head -1`) ends
//! the output quietly: a broken pipe is not an error.

use serde_json::Value;
use std::io::{self, Write};

/// What a command prints: one JSON object per record.
pub type Records = Vec<Value>;

/// A command's result: its records, or what went wrong (for stderr).
pub type Outcome = Result<Records, String>;

/// One record as a command's whole output.
pub fn one(record: Value) -> Outcome {
    Ok(vec![record])
}

/// Writes the records as JSON lines (or a table) to `out`. A closed pipe
/// stops the writing and counts as done.
pub fn write(out: &mut impl Write, records: &[Value], table: bool) -> io::Result<()> {
    let result = if table {
        write_table(out, records)
    } else {
        records
            .iter()
            .try_for_each(|r| writeln!(out, "{r}"))
            .and_then(|()| out.flush())
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A cell: strings as they are, `null` empty, anything else as JSON.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => other.to_string(),
    }
}

/// Columns in the order their keys first appear, padded to the widest cell.
fn write_table(out: &mut impl Write, records: &[Value]) -> io::Result<()> {
    let mut columns: Vec<&str> = Vec::new();
    for record in records {
        for key in record.as_object().into_iter().flat_map(|o| o.keys()) {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| columns.iter().map(|c| cell(r.get(*c))).collect())
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([c.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    if !columns.is_empty() {
        let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
        writeln!(out, "{}", line(&header))?;
    }
    for row in &rows {
        writeln!(out, "{}", line(row))?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A writer whose reader has gone.
    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn json_lines_by_default_one_record_a_line() {
        let mut out = Vec::new();
        let records = [json!({"id": 1, "name": "a"}), json!({"id": 2, "name": "b"})];
        write(&mut out, &records, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines, records);
    }

    #[test]
    fn a_table_for_people() {
        let mut out = Vec::new();
        let records = [
            json!({"id": "k1", "permissions": ["read", "write"], "revoked_at": null}),
            json!({"id": "key-two", "permissions": ["read"], "extra": 3}),
        ];
        write(&mut out, &records, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ID       PERMISSIONS  REVOKED_AT  EXTRA\n\
             k1       read,write\n\
             key-two  read                     3\n"
        );
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        let records = vec![json!({"id": 1}); 3];
        assert!(write(&mut Closed, &records, false).is_ok());
        assert!(write(&mut Closed, &records, true).is_ok());
    }
}
