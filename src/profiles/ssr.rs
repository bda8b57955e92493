//! Profile storage. Public and private columns are read by different functions into
//! different types; nothing that reads the public tables can return a private value.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::browse::{PER_PAGE, SearchQuery, SearchResults, Sort, TOTAL_CAP};
use super::editor::{ProfileDraft, ValidProfile};
use super::insights::{DayViews, Insights};
use super::{Contact, FullJob, ProfileCard, PublicJob, PublicProfile, Specialization};
use crate::error::AppError;
use crate::server::db::{self, Db};

#[derive(serde::Deserialize)]
struct JobJson {
    title: String,
    start: i64,
    end: Option<i64>,
}

#[derive(serde::Deserialize)]
struct FullJobJson {
    title: String,
    employer: String,
    description: String,
    start: i64,
    end: Option<i64>,
}

fn parse_json<T: serde::de::DeserializeOwned>(text: Option<String>) -> Result<Vec<T>, AppError> {
    match text {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(&text).map_err(AppError::internal),
    }
}

fn jobs_from_json(text: Option<String>) -> Result<Vec<PublicJob>, AppError> {
    Ok(parse_json::<JobJson>(text)?
        .into_iter()
        .map(|j| PublicJob { title: j.title, start_month: j.start, end_month: j.end })
        .collect())
}

/// The SQL that aggregates a profile's public jobs, for the profile aliased `alias`.
fn public_jobs_sql(db: &Db, alias: &str) -> String {
    let object =
        db.json_object(&[("title", "w.title"), ("start", "w.start_month"), ("end", "w.end_month")]);
    format!(
        "(SELECT {} FROM work_entries w WHERE w.profile_id = {alias}.id)",
        db.json_agg(&object, "w.position")
    )
}

pub async fn catalog(db: &Db) -> Result<Vec<Specialization>, AppError> {
    let rows = sqlx::query("SELECT slug, name FROM specializations ORDER BY name")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| Ok(Specialization { slug: row.try_get("slug")?, name: row.try_get("name")? }))
        .collect()
}

/// One page of published profiles, in one query: the page, its specializations and jobs,
/// and a count of matches capped at [`TOTAL_CAP`] so that counting stays cheap.
pub async fn search(db: &Db, query: &SearchQuery) -> Result<SearchResults, AppError> {
    let mut filters = vec!["p.published = 1".to_owned()];
    let mut text_binds: Vec<String> = Vec::new();
    let mut int_binds: Vec<i64> = Vec::new();
    // Text parameters come first ($1…), then integers; each is referenced by number so
    // the count subquery can reuse them.
    if let Some(slug) = &query.specialization {
        text_binds.push(slug.clone());
        filters.push(format!(
            "p.id IN (SELECT ps.profile_id FROM profile_specializations ps \
             JOIN specializations s ON s.id = ps.specialization_id WHERE s.slug = ${})",
            text_binds.len()
        ));
    }
    if let Some(text) = &query.q {
        text_binds.push(format!("%{}%", escape_like(&text.to_lowercase())));
        filters.push(format!("lower(p.headline) LIKE ${} ESCAPE '\\'", text_binds.len()));
    }
    let text_count = text_binds.len();
    if let Some(min_years) = query.min_years {
        int_binds.push(min_years);
        filters.push(format!("p.years_experience >= ${}", text_count + int_binds.len()));
    }
    let where_sql = filters.join(" AND ");
    let (order_inner, order_outer) = match query.sort {
        Sort::Newest => ("p.published_at DESC, p.id DESC", "page.published_at DESC, page.id DESC"),
        Sort::MostExperienced => {
            ("p.years_experience DESC, p.id DESC", "page.years_experience DESC, page.id DESC")
        }
        Sort::LeastExperienced => {
            ("p.years_experience ASC, p.id ASC", "page.years_experience ASC, page.id ASC")
        }
    };
    let offset = (query.page - 1) * PER_PAGE;
    let specs = format!(
        "(SELECT {} FROM profile_specializations ps JOIN specializations s \
         ON s.id = ps.specialization_id WHERE ps.profile_id = page.id)",
        db.json_agg("s.name", "s.name")
    );
    let sql = format!(
        "WITH page AS (
            SELECT p.id, p.headline, p.years_experience, p.country, p.published_at
            FROM profiles p WHERE {where_sql}
            ORDER BY {order_inner} LIMIT {PER_PAGE} OFFSET {offset}
        )
        SELECT page.id, page.headline, page.years_experience, page.country,
            {specs} AS specs, {jobs} AS jobs,
            (SELECT COUNT(*) FROM (SELECT 1 FROM profiles p WHERE {where_sql} LIMIT {cap}) c)
                AS total
        FROM page ORDER BY {order_outer}",
        jobs = public_jobs_sql(db, "page"),
        cap = TOTAL_CAP + 1,
    );
    let mut statement = sqlx::query(&sql);
    for text in &text_binds {
        statement = statement.bind(text);
    }
    for number in &int_binds {
        statement = statement.bind(*number);
    }
    let rows = statement.fetch_all(db.pool()).await?;

    let total = match rows.first() {
        Some(row) => row.try_get::<i64, _>("total")?,
        // An empty page may still be past the end of a non-empty result.
        None if query.page > 1 => count(db, &where_sql, &text_binds, &int_binds).await?,
        None => 0,
    };
    let cards = rows.iter().map(card).collect::<Result<Vec<_>, _>>()?;
    Ok(SearchResults {
        cards,
        total: total.min(TOTAL_CAP),
        total_capped: total > TOTAL_CAP,
        page: query.page,
        per_page: PER_PAGE,
        specializations: Vec::new(),
    })
}

async fn count(db: &Db, where_sql: &str, texts: &[String], ints: &[i64]) -> Result<i64, AppError> {
    let sql = format!(
        "SELECT COUNT(*) AS total FROM (SELECT 1 FROM profiles p WHERE {where_sql} LIMIT {}) c",
        TOTAL_CAP + 1
    );
    let mut statement = sqlx::query(&sql);
    for text in texts {
        statement = statement.bind(text);
    }
    for number in ints {
        statement = statement.bind(*number);
    }
    Ok(statement.fetch_one(db.pool()).await?.try_get("total")?)
}

fn card(row: &AnyRow) -> Result<ProfileCard, AppError> {
    Ok(ProfileCard {
        id: row.try_get("id")?,
        headline: row.try_get("headline")?,
        years_experience: row.try_get("years_experience")?,
        country: row.try_get("country")?,
        specializations: parse_json(row.try_get("specs")?)?,
        jobs: jobs_from_json(row.try_get("jobs")?)?,
    })
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A profile's public part and the user who owns it.
pub async fn public_profile(db: &Db, id: i64) -> Result<Option<(i64, PublicProfile)>, AppError> {
    let specs = format!(
        "(SELECT {} FROM profile_specializations ps JOIN specializations s \
         ON s.id = ps.specialization_id WHERE ps.profile_id = p.id)",
        db.json_agg(&db.json_object(&[("slug", "s.slug"), ("name", "s.name")]), "s.name")
    );
    let sql = format!(
        "SELECT p.id, p.user_id, p.headline, p.summary, p.country, p.years_experience,
            p.published, p.published_at, {specs} AS specs, {jobs} AS jobs
         FROM profiles p WHERE p.id = $1",
        jobs = public_jobs_sql(db, "p"),
    );
    let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(db.pool()).await? else {
        return Ok(None);
    };
    let profile = PublicProfile {
        id: row.try_get("id")?,
        headline: row.try_get("headline")?,
        summary: row.try_get("summary")?,
        country: row.try_get("country")?,
        years_experience: row.try_get("years_experience")?,
        specializations: parse_json(row.try_get("specs")?)?,
        jobs: jobs_from_json(row.try_get("jobs")?)?,
        published: row.try_get::<i64, _>("published")? == 1,
        published_at: row.try_get("published_at")?,
    };
    Ok(Some((row.try_get("user_id")?, profile)))
}

/// The private part of a profile. Callers must have checked that the caller may see it.
pub async fn private_details(
    db: &Db,
    profile_id: i64,
) -> Result<Option<(Contact, Vec<FullJob>)>, AppError> {
    let object = db.json_object(&[
        ("title", "w.title"),
        ("employer", "d.employer"),
        ("description", "d.description"),
        ("start", "w.start_month"),
        ("end", "w.end_month"),
    ]);
    let sql = format!(
        "SELECT p.city, c.full_name, c.email, c.phone,
            (SELECT {} FROM work_entries w JOIN work_entry_details d ON d.work_entry_id = w.id
             WHERE w.profile_id = p.id) AS jobs
         FROM profiles p JOIN profile_contacts c ON c.profile_id = p.id WHERE p.id = $1",
        db.json_agg(&object, "w.position")
    );
    let Some(row) = sqlx::query(&sql).bind(profile_id).fetch_optional(db.pool()).await? else {
        return Ok(None);
    };
    let contact = Contact {
        full_name: row.try_get("full_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        city: row.try_get("city")?,
    };
    let jobs = parse_json::<FullJobJson>(row.try_get("jobs")?)?
        .into_iter()
        .map(|j| FullJob {
            title: j.title,
            employer: j.employer,
            description: j.description,
            start_month: j.start,
            end_month: j.end,
        })
        .collect();
    Ok(Some((contact, jobs)))
}

pub async fn record_view(db: &Db, profile_id: i64, employer_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO profile_views (profile_id, employer_id, viewed_at) VALUES ($1, $2, $3)",
    )
    .bind(profile_id)
    .bind(employer_id)
    .bind(db::now())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// When `employer_id` unlocked `profile_id`, if they did and it was not revoked.
pub async fn active_unlock(
    db: &Db,
    employer_id: i64,
    profile_id: i64,
) -> Result<Option<i64>, AppError> {
    let row = sqlx::query(
        "SELECT unlocked_at FROM profile_unlocks
         WHERE employer_id = $1 AND profile_id = $2 AND revoked_at IS NULL",
    )
    .bind(employer_id)
    .bind(profile_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(row) => Some(row.try_get("unlocked_at")?),
        None => None,
    })
}

pub async fn profile_id_of(db: &Db, user_id: i64) -> Result<Option<i64>, AppError> {
    let row = sqlx::query("SELECT id FROM profiles WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get("id")?),
        None => None,
    })
}

/// The candidate's own profile as the editor shows it.
pub async fn load_draft(db: &Db, user_id: i64) -> Result<Option<ProfileDraft>, AppError> {
    let Some(profile_id) = profile_id_of(db, user_id).await? else { return Ok(None) };
    let Some((_, public)) = public_profile(db, profile_id).await? else { return Ok(None) };
    let Some((contact, jobs)) = private_details(db, profile_id).await? else { return Ok(None) };
    Ok(Some(ProfileDraft::from_parts(public, contact, jobs)))
}

/// Writes the whole profile in one transaction: a half-saved profile is never visible.
pub async fn save(db: &Db, user_id: i64, profile: &ValidProfile) -> Result<i64, AppError> {
    let now = db::now();
    let mut tx = db.begin().await?;
    let existing = sqlx::query("SELECT id FROM profiles WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    let profile_id: i64 = match existing {
        Some(row) => {
            let id: i64 = row.try_get("id")?;
            sqlx::query(
                "UPDATE profiles SET headline = $1, summary = $2, city = $3, country = $4,
                    years_experience = $5, updated_at = $6 WHERE id = $7",
            )
            .bind(&profile.headline)
            .bind(&profile.summary)
            .bind(&profile.city)
            .bind(&profile.country)
            .bind(profile.years_experience)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE profile_contacts SET full_name = $1, email = $2, phone = $3
                 WHERE profile_id = $4",
            )
            .bind(&profile.full_name)
            .bind(&profile.email)
            .bind(&profile.phone)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let row = sqlx::query(
                "INSERT INTO profiles (user_id, headline, summary, city, country,
                    years_experience, published, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7) RETURNING id",
            )
            .bind(user_id)
            .bind(&profile.headline)
            .bind(&profile.summary)
            .bind(&profile.city)
            .bind(&profile.country)
            .bind(profile.years_experience)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let id: i64 = row.try_get("id")?;
            sqlx::query(
                "INSERT INTO profile_contacts (profile_id, full_name, email, phone)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(&profile.full_name)
            .bind(&profile.email)
            .bind(&profile.phone)
            .execute(&mut *tx)
            .await?;
            id
        }
    };

    sqlx::query("DELETE FROM profile_specializations WHERE profile_id = $1")
        .bind(profile_id)
        .execute(&mut *tx)
        .await?;
    for slug in &profile.specializations {
        sqlx::query(
            "INSERT INTO profile_specializations (profile_id, specialization_id)
             SELECT $1, id FROM specializations WHERE slug = $2",
        )
        .bind(profile_id)
        .bind(slug)
        .execute(&mut *tx)
        .await?;
    }
    // Details cascade with their entries.
    sqlx::query("DELETE FROM work_entries WHERE profile_id = $1")
        .bind(profile_id)
        .execute(&mut *tx)
        .await?;
    for (position, job) in profile.jobs.iter().enumerate() {
        let row = sqlx::query(
            "INSERT INTO work_entries (profile_id, position, title, start_month, end_month)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(profile_id)
        .bind(position as i64)
        .bind(&job.title)
        .bind(job.start_month)
        .bind(job.end_month)
        .fetch_one(&mut *tx)
        .await?;
        let entry_id: i64 = row.try_get("id")?;
        sqlx::query(
            "INSERT INTO work_entry_details (work_entry_id, employer, description)
             VALUES ($1, $2, $3)",
        )
        .bind(entry_id)
        .bind(&job.employer)
        .bind(&job.description)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(profile_id)
}

/// Publishes or unpublishes; `false` when the user has no profile yet.
pub async fn set_published(db: &Db, user_id: i64, published: bool) -> Result<bool, AppError> {
    let now = db::now();
    let result = if published {
        // The first publication date is kept, so re-publishing does not jump the queue.
        sqlx::query(
            "UPDATE profiles SET published = 1, published_at = COALESCE(published_at, $1),
                updated_at = $1 WHERE user_id = $2",
        )
        .bind(now)
        .bind(user_id)
        .execute(db.pool())
        .await?
    } else {
        sqlx::query("UPDATE profiles SET published = 0, updated_at = $1 WHERE user_id = $2")
            .bind(now)
            .bind(user_id)
            .execute(db.pool())
            .await?
    };
    Ok(result.rows_affected() == 1)
}

pub const INSIGHT_DAYS: i64 = 30;

/// Views per day over the last [`INSIGHT_DAYS`] days (UTC), totals and unlocks.
pub async fn insights(db: &Db, profile_id: i64, now: i64) -> Result<Insights, AppError> {
    let today = now.div_euclid(86_400);
    let first_day = today - INSIGHT_DAYS + 1;
    let rows = sqlx::query(
        "SELECT viewed_at / 86400 AS day, COUNT(*) AS views FROM profile_views
         WHERE profile_id = $1 AND viewed_at >= $2 GROUP BY viewed_at / 86400",
    )
    .bind(profile_id)
    .bind(first_day * 86_400)
    .fetch_all(db.pool())
    .await?;
    let mut days: Vec<DayViews> =
        (first_day..=today).map(|day| DayViews { day_start: day * 86_400, views: 0 }).collect();
    for row in &rows {
        let day: i64 = row.try_get("day")?;
        let views: i64 = row.try_get("views")?;
        if let Some(slot) = days.get_mut((day - first_day) as usize) {
            slot.views = views;
        }
    }
    let totals = sqlx::query(
        "SELECT
            (SELECT COUNT(*) FROM profile_views WHERE profile_id = $1) AS total_views,
            (SELECT COUNT(DISTINCT employer_id) FROM profile_views
                WHERE profile_id = $1 AND viewed_at >= $2) AS employers_30d,
            (SELECT COUNT(*) FROM profile_unlocks
                WHERE profile_id = $1 AND revoked_at IS NULL) AS unlocks",
    )
    .bind(profile_id)
    .bind(first_day * 86_400)
    .fetch_one(db.pool())
    .await?;
    Ok(Insights {
        views_30d: days.iter().map(|d| d.views).sum(),
        days,
        total_views: totals.try_get("total_views")?,
        employers_30d: totals.try_get("employers_30d")?,
        unlocks: totals.try_get("unlocks")?,
        published: false,
    })
}
