//! Purchase queries and the CSV export.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use sqlx::Row;

use super::{PER_PAGE, Purchase, PurchasePage, PurchaseQuery, PurchaseSort, parse_query};
use crate::accounts::Role;
use crate::accounts::ssr::user_from_headers;
use crate::error::AppError;
use crate::server::db::Db;
use crate::server::state::AppState;

/// Filters and order shared by the page and the export.
fn filters(query: &PurchaseQuery) -> (String, Vec<String>, &'static str) {
    let mut sql = String::from("u.employer_id = $1");
    let mut binds = Vec::new();
    if let Some(q) = &query.q {
        let escaped =
            q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        binds.push(format!("%{escaped}%"));
        let n = binds.len() + 1;
        sql.push_str(&format!(
            " AND (lower(p.headline) LIKE ${n} ESCAPE '\\' \
             OR lower(c.full_name) LIKE ${n} ESCAPE '\\')"
        ));
    }
    if let Some(slug) = &query.specialization {
        binds.push(slug.clone());
        let n = binds.len() + 1;
        sql.push_str(&format!(
            " AND u.profile_id IN (SELECT ps.profile_id FROM profile_specializations ps \
             JOIN specializations s ON s.id = ps.specialization_id WHERE s.slug = ${n})"
        ));
    }
    let order = match query.sort {
        PurchaseSort::Newest => "u.unlocked_at DESC, u.profile_id DESC",
        PurchaseSort::Oldest => "u.unlocked_at ASC, u.profile_id ASC",
        PurchaseSort::Name => "c.full_name ASC, u.profile_id ASC",
        PurchaseSort::Amount => "u.amount DESC, u.unlocked_at DESC",
    };
    (sql, binds, order)
}

/// The same order over the page's own columns.
fn outer_order(order: &str) -> String {
    order.replace("u.", "matching.").replace("c.", "matching.")
}

/// One page of purchases with the totals over all matching ones, in one query.
pub async fn page(
    db: &Db,
    employer_id: i64,
    query: &PurchaseQuery,
) -> Result<PurchasePage, AppError> {
    let (where_sql, binds, order) = filters(query);
    let offset = (query.page - 1) * PER_PAGE;
    let specs = db.json_agg("s.name", "s.name");
    let sql = format!(
        "WITH matching AS (
            SELECT u.profile_id, u.unlocked_at, u.amount, u.currency, u.revoked_reason,
                p.headline, c.full_name,
                COUNT(*) OVER () AS total_count,
                CAST(SUM(CASE WHEN u.revoked_at IS NULL THEN u.amount ELSE 0 END) OVER ()
                    AS BIGINT) AS total_amount,
                MIN(u.currency) OVER () AS min_currency,
                MAX(u.currency) OVER () AS max_currency
            FROM profile_unlocks u
            JOIN profiles p ON p.id = u.profile_id
            JOIN profile_contacts c ON c.profile_id = u.profile_id
            WHERE {where_sql}
            ORDER BY {order} LIMIT {PER_PAGE} OFFSET {offset}
        )
        SELECT matching.*,
            (SELECT {specs} FROM profile_specializations ps
             JOIN specializations s ON s.id = ps.specialization_id
             WHERE ps.profile_id = matching.profile_id) AS specs
        FROM matching ORDER BY {outer}",
        outer = outer_order(order),
    );
    let mut statement = sqlx::query(&sql).bind(employer_id);
    for bind in &binds {
        statement = statement.bind(bind);
    }
    let rows = statement.fetch_all(db.pool()).await?;
    let (count, total) = match rows.first() {
        Some(row) => {
            let min: String = row.try_get("min_currency")?;
            let max: String = row.try_get("max_currency")?;
            let amount: i64 = row.try_get("total_amount")?;
            (row.try_get("total_count")?, (min == max).then_some((amount, min)))
        }
        None => (0, None),
    };
    let items = rows
        .iter()
        .map(|row| {
            let specs: Option<String> = row.try_get("specs")?;
            Ok(Purchase {
                profile_id: row.try_get("profile_id")?,
                full_name: row.try_get("full_name")?,
                headline: row.try_get("headline")?,
                specializations: match specs {
                    Some(text) => serde_json::from_str(&text).map_err(AppError::internal)?,
                    None => Vec::new(),
                },
                unlocked_at: row.try_get("unlocked_at")?,
                amount: row.try_get("amount")?,
                currency: row.try_get("currency")?,
                revoked_reason: row.try_get("revoked_reason")?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // Past the last page there are no rows to carry the count; page 1 then tells.
    let count = if items.is_empty() && query.page > 1 {
        let first = PurchaseQuery { page: 1, ..query.clone() };
        Box::pin(page(db, employer_id, &first)).await?.count
    } else {
        count
    };
    Ok(PurchasePage {
        items,
        count,
        total,
        page: query.page,
        per_page: PER_PAGE,
        specializations: Vec::new(),
    })
}

#[derive(serde::Deserialize)]
pub struct ExportParams {
    q: Option<String>,
    specialization: Option<String>,
    sort: Option<String>,
}

/// `GET /dashboard/purchases.csv`: the same list as the dashboard, with contact details.
pub async fn export_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Response {
    match export(&state, &headers, params).await {
        Ok(csv) => (
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8"),
                (CONTENT_DISPOSITION, "attachment; filename=\"talentboard-purchases.csv\""),
                (CACHE_CONTROL, "no-store"),
            ],
            csv,
        )
            .into_response(),
        Err(err) => (err.status(), err.to_string()).into_response(),
    }
}

async fn export(
    state: &AppState,
    headers: &HeaderMap,
    params: ExportParams,
) -> Result<String, AppError> {
    let user = user_from_headers(&state.db, headers).await?.ok_or(AppError::Unauthenticated)?;
    if user.role != Role::Employer {
        return Err(AppError::forbidden("wrong_role", "Only employer accounts have purchases."));
    }
    let query = parse_query(params.q, params.specialization, params.sort, None)
        .map_err(AppError::invalid)?;
    let (where_sql, binds, order) = filters(&query);
    let specs = state.db.json_agg("s.name", "s.name");
    let sql = format!(
        "SELECT u.profile_id, u.unlocked_at, u.amount, u.currency, u.revoked_reason,
            p.headline, p.country, c.full_name, c.email, c.phone,
            (SELECT {specs} FROM profile_specializations ps
             JOIN specializations s ON s.id = ps.specialization_id
             WHERE ps.profile_id = u.profile_id) AS specs
         FROM profile_unlocks u
         JOIN profiles p ON p.id = u.profile_id
         JOIN profile_contacts c ON c.profile_id = u.profile_id
         WHERE {where_sql} ORDER BY {order}"
    );
    let mut statement = sqlx::query(&sql).bind(user.id);
    for bind in &binds {
        statement = statement.bind(bind);
    }
    let rows = statement.fetch_all(state.db.pool()).await?;
    let mut out = String::from(
        "profile_id,full_name,email,phone,headline,country,specializations,unlocked_on,amount,\
         currency,status\r\n",
    );
    for row in &rows {
        let specs: Option<String> = row.try_get("specs")?;
        let specs: Vec<String> = match specs {
            Some(text) => serde_json::from_str(&text).map_err(AppError::internal)?,
            None => Vec::new(),
        };
        let amount: i64 = row.try_get("amount")?;
        let currency: String = row.try_get("currency")?;
        let revoked: Option<String> = row.try_get("revoked_reason")?;
        let fields = [
            row.try_get::<i64, _>("profile_id")?.to_string(),
            row.try_get("full_name")?,
            row.try_get("email")?,
            row.try_get("phone")?,
            row.try_get("headline")?,
            row.try_get("country")?,
            specs.join("; "),
            crate::ui::iso_date(row.try_get("unlocked_at")?),
            crate::ui::decimal_amount(amount, &currency),
            currency.to_uppercase(),
            revoked.map_or("active".to_owned(), |r| format!("revoked: {r}")),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// Quotes a CSV field, and defuses text a spreadsheet would run as a formula.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) || value.starts_with('\'') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_when_they_need_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1 555-0100"), "\"'+1 555-0100\"");
    }
}
