//! `page` / `per_page` (defaults 1 and 20) and the positions they cover.

use domain::FieldError;
use serde::Deserialize;

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;
/// Far past any real list; keeps the position arithmetic small.
const MAX_PAGE: i64 = 1_000_000;

#[derive(Deserialize)]
pub struct PageParams {
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u64,
    pub per_page: u64,
}

impl PageParams {
    pub fn parse(self) -> Result<Page, FieldError> {
        let page = self.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(FieldError::new(
                "page",
                format!("must be an integer between 1 and {MAX_PAGE}"),
            ));
        }
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE as i64);
        if !(1..=MAX_PER_PAGE as i64).contains(&per_page) {
            return Err(FieldError::new(
                "per_page",
                format!("must be an integer between 1 and {MAX_PER_PAGE}"),
            ));
        }
        Ok(Page {
            page: page as u64,
            per_page: per_page as u64,
        })
    }
}

impl Page {
    /// 1-based positions `first..=last` of this page.
    pub fn positions(self) -> (u64, u64) {
        let first = (self.page - 1) * self.per_page + 1;
        (first, first + self.per_page - 1)
    }
}
