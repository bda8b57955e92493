//! `/admin/employers`: administrators approve or reject the companies that want to pay.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::accounts::CompanyStatus;
use crate::app::ErrorPage;
use crate::error::AppError;
use crate::ui::{self, ErrorNotice, Loading, use_query_error};

pub const MAX_REASON_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployerApplication {
    pub company_id: i64,
    pub company_name: String,
    pub website: String,
    pub email: String,
    pub status: CompanyStatus,
    pub review_reason: Option<String>,
    pub applied_at: i64,
    pub reviewed_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployerQueue {
    pub pending: Vec<EmployerApplication>,
    /// The most recent decisions, newest first.
    pub reviewed: Vec<EmployerApplication>,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use sqlx::Row;

    use super::{EmployerApplication, EmployerQueue};
    use crate::accounts::CompanyStatus;
    use crate::error::AppError;
    use crate::server::db::{self, Db};

    const RECENT_DECISIONS: i64 = 20;

    fn application(row: &sqlx::any::AnyRow) -> Result<EmployerApplication, AppError> {
        let status: String = row.try_get("status")?;
        Ok(EmployerApplication {
            company_id: row.try_get("id")?,
            company_name: row.try_get("name")?,
            website: row.try_get("website")?,
            email: row.try_get("email")?,
            status: CompanyStatus::parse(&status)
                .ok_or_else(|| AppError::internal(format!("unknown status {status:?}")))?,
            review_reason: row.try_get("review_reason")?,
            applied_at: row.try_get("created_at")?,
            reviewed_at: row.try_get("reviewed_at")?,
        })
    }

    pub async fn queue(db: &Db) -> Result<EmployerQueue, AppError> {
        let select = "SELECT c.id, c.name, c.website, u.email, c.status, c.review_reason,
                c.created_at, c.reviewed_at
             FROM companies c JOIN users u ON u.id = c.owner_id";
        let pending = sqlx::query(&format!(
            "{select} WHERE c.status = 'pending' ORDER BY c.created_at, c.id"
        ))
        .fetch_all(db.pool())
        .await?;
        let reviewed = sqlx::query(&format!(
            "{select} WHERE c.status <> 'pending' ORDER BY c.reviewed_at DESC, c.id DESC
             LIMIT {RECENT_DECISIONS}"
        ))
        .fetch_all(db.pool())
        .await?;
        Ok(EmployerQueue {
            pending: pending.iter().map(application).collect::<Result<_, _>>()?,
            reviewed: reviewed.iter().map(application).collect::<Result<_, _>>()?,
        })
    }

    /// Records a decision on a pending company; `false` if it was not pending (already
    /// decided, perhaps by another administrator a moment ago).
    pub async fn decide(
        db: &Db,
        company_id: i64,
        admin_id: i64,
        status: CompanyStatus,
        reason: Option<&str>,
    ) -> Result<bool, AppError> {
        let result = sqlx::query(
            "UPDATE companies SET status = $1, review_reason = $2, reviewed_by = $3,
                reviewed_at = $4
             WHERE id = $5 AND status = 'pending'",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(admin_id)
        .bind(db::now())
        .bind(company_id)
        .execute(db.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }
}

#[server(endpoint = "admin_employers")]
pub async fn list_employers() -> Result<EmployerQueue, AppError> {
    use crate::accounts::{Role, ssr::require_role};
    use crate::server::request::{app_state, finish};

    let result = async {
        require_role(Role::Admin).await?;
        ssr::queue(&app_state()?.db).await
    }
    .await;
    finish(result)
}

/// Approves or rejects a company awaiting approval. A rejection needs a reason, which the
/// employer is shown.
#[server(endpoint = "admin_review")]
pub async fn review_employer(
    company_id: i64,
    decision: String,
    #[server(default)] reason: String,
) -> Result<CompanyStatus, AppError> {
    use crate::accounts::{Role, ssr::require_role};
    use crate::error::FieldError;
    use crate::server::request::{app_state, finish, redirect_plain_form};

    let result = async {
        let admin = require_role(Role::Admin).await?;
        let state = app_state()?;
        let reason = reason.trim();
        let status = match decision.as_str() {
            "approve" => CompanyStatus::Approved,
            "reject" => CompanyStatus::Rejected,
            _ => return Err(AppError::bad_request("The decision must be approve or reject.")),
        };
        if status == CompanyStatus::Rejected && reason.is_empty() {
            return Err(AppError::invalid(vec![FieldError::new(
                "reason",
                "Give the employer a reason for the rejection.",
            )]));
        }
        if reason.chars().count() > MAX_REASON_CHARS
            || reason.chars().any(|c| c.is_control() && c != '\n')
        {
            return Err(AppError::invalid(vec![FieldError::new(
                "reason",
                format!("Keep the reason under {MAX_REASON_CHARS} characters of plain text."),
            )]));
        }
        let reason = (!reason.is_empty()).then_some(reason);
        if !ssr::decide(&state.db, company_id, admin.id, status, reason).await? {
            return Err(AppError::conflict(
                "not_pending",
                "This employer has already been reviewed.",
            ));
        }
        tracing::info!(company.id = company_id, decision = status.as_str(), "employer reviewed");
        redirect_plain_form("/admin/employers");
        Ok(status)
    }
    .await;
    finish(result)
}

#[component]
pub fn EmployersPage() -> impl IntoView {
    let review = ServerAction::<ReviewEmployer>::new();
    let queue = Resource::new(move || review.version().get(), |_| list_employers());
    let query_error = use_query_error();
    let error = Signal::derive(move || match review.value().get() {
        Some(Err(err)) => Some(err),
        Some(Ok(_)) => None,
        None => query_error.get(),
    });
    view! {
        <Title text="Employer approvals"/>
        <div class="page-head"><h1>"Employer approvals"</h1></div>
        <ErrorNotice error/>
        <Transition fallback=|| view! { <Loading label="Loading employers…"/> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(queue) => view! { <Queue queue review/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Queue(queue: EmployerQueue, review: ServerAction<ReviewEmployer>) -> impl IntoView {
    let pending = if queue.pending.is_empty() {
        view! {
            <div class="empty-state">
                <h2>"Nobody is waiting"</h2>
                <p>"New employers appear here as soon as they sign up."</p>
            </div>
        }
        .into_any()
    } else {
        queue
            .pending
            .into_iter()
            .map(|app| view! { <PendingEmployer app review/> })
            .collect_view()
            .into_any()
    };
    let reviewed = queue
        .reviewed
        .into_iter()
        .map(|app| {
            let (badge, label) = match app.status {
                CompanyStatus::Approved => ("badge badge-success", "Approved"),
                CompanyStatus::Rejected => ("badge badge-danger", "Rejected"),
                CompanyStatus::Pending => ("badge", "Pending"),
            };
            view! {
                <tr>
                    <td>{app.company_name}</td>
                    <td>{app.email}</td>
                    <td><span class=badge>{label}</span></td>
                    <td>{app.review_reason.unwrap_or_default()}</td>
                    <td>{app.reviewed_at.map(ui::format_date).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="pending-heading">
            <h2 id="pending-heading">"Awaiting approval"</h2>
            <div class="applications">{pending}</div>
        </section>
        <section aria-labelledby="reviewed-heading">
            <h2 id="reviewed-heading">"Recent decisions"</h2>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Company"</th>
                            <th scope="col">"Account"</th>
                            <th scope="col">"Decision"</th>
                            <th scope="col">"Reason"</th>
                            <th scope="col">"Date"</th>
                        </tr>
                    </thead>
                    <tbody>{reviewed}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn PendingEmployer(
    app: EmployerApplication,
    review: ServerAction<ReviewEmployer>,
) -> impl IntoView {
    let id = app.company_id;
    let reason_id = format!("reason-{id}");
    let label = app.company_name.clone();
    let approve = format!("Approve {}", app.company_name);
    view! {
        <article class="application" aria-label=label>
            <header>
                <h3>{app.company_name}</h3>
                <p class="muted">
                    <a href=app.website.clone() rel="noopener noreferrer nofollow" target="_blank">
                        {app.website.clone()}
                    </a>
                    " · "{app.email.clone()}" · applied "{ui::format_date(app.applied_at)}
                </p>
            </header>
            <div class="application-actions">
                <ActionForm action=review>
                    <input type="hidden" name="company_id" value=id/>
                    <input type="hidden" name="decision" value="approve"/>
                    <button type="submit" class="button primary">{approve}</button>
                </ActionForm>
                <ActionForm action=review attr:class="reject-form">
                    <input type="hidden" name="company_id" value=id/>
                    <input type="hidden" name="decision" value="reject"/>
                    <label for=reason_id.clone()>
                        "Reason for rejecting (shown to the employer)"
                    </label>
                    <input id=reason_id type="text" name="reason" maxlength=MAX_REASON_CHARS
                        required/>
                    <button type="submit" class="button danger">"Reject"</button>
                </ActionForm>
            </div>
        </article>
    }
}
