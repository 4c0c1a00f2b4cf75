//! What an API key may do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    Read,
    Write,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Write => "write",
        }
    }

    /// What a request needs: `read` for GET and HEAD, `write` for the rest.
    /// `write` does not imply `read`: a key holds exactly what it was given.
    pub fn for_method(method: &str) -> Self {
        if method == "GET" || method == "HEAD" {
            Permission::Read
        } else {
            Permission::Write
        }
    }

    /// `read,write` (any order, no duplicates needed) into a sorted set.
    pub fn parse_list(raw: &str) -> Result<Vec<Permission>, String> {
        let mut out = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let p = match part {
                "read" => Permission::Read,
                "write" => Permission::Write,
                other => return Err(format!("unknown permission {other:?} (read, write)")),
            };
            if !out.contains(&p) {
                out.push(p);
            }
        }
        if out.is_empty() {
            return Err("give at least one permission (read, write)".into());
        }
        out.sort_by_key(|p| p.as_str());
        Ok(out)
    }
}
