//! `/dashboard/purchases`: every profile an employer unlocked, with totals and a CSV export.

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::app::ErrorPage;
use crate::error::{AppError, FieldError};
use crate::profiles::Specialization;
use crate::ui::{self, ErrorNotice, Loading};

pub const PER_PAGE: i64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PurchaseSort {
    #[default]
    Newest,
    Oldest,
    Name,
    Amount,
}

impl PurchaseSort {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "" | "newest" => Some(Self::Newest),
            "oldest" => Some(Self::Oldest),
            "name" => Some(Self::Name),
            "amount" => Some(Self::Amount),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseQuery {
    pub q: Option<String>,
    pub specialization: Option<String>,
    pub sort: PurchaseSort,
    pub page: i64,
}

pub fn parse_query(
    q: Option<String>,
    specialization: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<PurchaseQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let q = clean(q);
    if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        errors.push(FieldError::new("q", "Search text can be at most 100 characters."));
    }
    let specialization = clean(specialization);
    if specialization.as_ref().is_some_and(|s| s.len() > 40) {
        errors.push(FieldError::new("specialization", "Choose a specialization from the list."));
    }
    let sort =
        PurchaseSort::parse(clean(sort).as_deref().unwrap_or_default()).unwrap_or_else(|| {
            errors.push(FieldError::new("sort", "Choose a sort order from the list."));
            PurchaseSort::Newest
        });
    let page = match clean(page).map(|p| p.parse::<i64>()) {
        None => 1,
        Some(Ok(page)) if (1..=100_000).contains(&page) => page,
        Some(_) => {
            errors.push(FieldError::new("page", "That page number does not exist."));
            1
        }
    };
    if errors.is_empty() {
        Ok(PurchaseQuery { q, specialization, sort, page })
    } else {
        Err(errors)
    }
}

/// One unlocked profile. The employer paid for it, so the candidate's name is included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    pub profile_id: i64,
    pub full_name: String,
    pub headline: String,
    pub specializations: Vec<String>,
    pub unlocked_at: i64,
    pub amount: i64,
    pub currency: String,
    /// Why the unlock was taken back (refund, dispute), if it was.
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchasePage {
    pub items: Vec<Purchase>,
    /// Purchases matching the filters, on all pages.
    pub count: i64,
    /// Paid for the matching purchases still in force; `None` if they span currencies.
    pub total: Option<(i64, String)>,
    pub page: i64,
    pub per_page: i64,
    pub specializations: Vec<Specialization>,
}

#[server(endpoint = "purchases")]
pub async fn list_purchases(
    #[server(default)] q: Option<String>,
    #[server(default)] specialization: Option<String>,
    #[server(default)] sort: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<PurchasePage, AppError> {
    use crate::accounts::{Role, ssr::require_role};
    use crate::server::request::{app_state, finish};

    let result = async {
        let user = require_role(Role::Employer).await?;
        let state = app_state()?;
        let query = parse_query(q, specialization, sort, page).map_err(AppError::invalid)?;
        let mut page = ssr::page(&state.db, user.id, &query).await?;
        page.specializations = crate::profiles::ssr::catalog(&state.db).await?;
        Ok(page)
    }
    .await;
    finish(result)
}

#[component]
pub fn PurchasesPage() -> impl IntoView {
    let query = use_query_map();
    let purchases = Resource::new(
        move || {
            let q = query.get();
            (q.get("q"), q.get("specialization"), q.get("sort"), q.get("page"))
        },
        |(q, specialization, sort, page)| list_purchases(q, specialization, sort, page),
    );
    view! {
        <Title text="Purchases"/>
        <Transition fallback=|| view! { <Loading label="Loading your purchases…"/> }>
            {move || Suspend::new(async move {
                match purchases.await {
                    Ok(page) => view! { <Dashboard page/> }.into_any(),
                    Err(error @ AppError::Invalid { .. }) => view! {
                        <div class="page-head"><h1>"Purchases"</h1></div>
                        <ErrorNotice error=Signal::stored(Some(error))/>
                        <A href="/dashboard/purchases" attr:class="button">"Clear filters"</A>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Dashboard(page: PurchasePage) -> impl IntoView {
    let query = use_query_map();
    let current = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let filtered = !current("q").is_empty() || !current("specialization").is_empty();
    if page.count == 0 && !filtered {
        return view! {
            <div class="page-head"><h1>"Purchases"</h1></div>
            <div class="empty-state">
                <h2>"No purchases yet"</h2>
                <p>"Profiles you unlock appear here, with the candidate's contact details one "
                   "click away."</p>
                <A href="/profiles" attr:class="button primary">"Browse profiles"</A>
            </div>
        }
        .into_any();
    }
    let last_page = ((page.count + page.per_page - 1) / page.per_page).max(1);
    let export = {
        let mut params = query.get_untracked();
        params.remove("page");
        format!("/dashboard/purchases.csv{}", params.to_query_string())
    };
    let page_link = move |target: i64| {
        let mut params = query.get_untracked();
        params.replace("page", target.to_string());
        format!("/dashboard/purchases{}", params.to_query_string())
    };
    let selected_spec = current("specialization");
    let sort = current("sort");
    let spec_options = page
        .specializations
        .iter()
        .map(|s| {
            view! {
                <option value=s.slug.clone() selected=s.slug == selected_spec>
                    {s.name.clone()}
                </option>
            }
        })
        .collect_view();
    let total = match &page.total {
        Some((amount, currency)) => ui::format_money(*amount, currency),
        None => "several currencies (see the CSV)".to_owned(),
    };
    let rows = page
        .items
        .into_iter()
        .map(|item| {
            let href = format!("/profiles/{}", item.profile_id);
            let specs = item.specializations.join(", ");
            let status = match &item.revoked_reason {
                None => view! { <span class="badge badge-success">"Active"</span> }.into_any(),
                Some(reason) => view! {
                    <span class="badge badge-danger" title=reason.clone()>"Revoked"</span>
                }
                .into_any(),
            };
            view! {
                <tr>
                    <td>
                        <a href=href>{item.full_name}</a>
                        <br/>
                        <span class="muted">{item.headline}</span>
                    </td>
                    <td>{specs}</td>
                    <td>{ui::format_date(item.unlocked_at)}</td>
                    <td class="num">{ui::format_money(item.amount, &item.currency)}</td>
                    <td>{status}</td>
                </tr>
            }
        })
        .collect_view();
    let p = page.page;
    view! {
        <div class="page-head">
            <h1>"Purchases"</h1>
            <a class="button small" href=export download="talentboard-purchases.csv">
                "Export CSV"
            </a>
        </div>
        <div class="stats">
            <div class="stat">
                <p class="stat-value">{ui::group_thousands(page.count)}</p>
                <p class="stat-label">
                    {if filtered { "Matching profiles" } else { "Profiles unlocked" }}
                </p>
            </div>
            <div class="stat">
                <p class="stat-value">{total}</p>
                <p class="stat-label">"Paid in total"</p>
            </div>
        </div>
        <form class="filters" method="get" action="/dashboard/purchases" role="search">
            <div class="field">
                <label for="q">"Name or headline"</label>
                <input id="q" type="search" name="q" value=current("q") maxlength="100"/>
            </div>
            <div class="field">
                <label for="specialization">"Specialization"</label>
                <select id="specialization" name="specialization">
                    <option value="">"Any"</option>
                    {spec_options}
                </select>
            </div>
            <div class="field">
                <label for="sort">"Sort by"</label>
                <select id="sort" name="sort">
                    <option value="newest" selected=sort.is_empty() || sort == "newest">
                        "Newest first"
                    </option>
                    <option value="oldest" selected=sort == "oldest">"Oldest first"</option>
                    <option value="name" selected=sort == "name">"Name"</option>
                    <option value="amount" selected=sort == "amount">"Amount"</option>
                </select>
            </div>
            <button type="submit" class="button primary">"Apply"</button>
        </form>
        {(page.count == 0).then(|| view! {
            <div class="empty-state">
                <h2>"No purchases match"</h2>
                <A href="/dashboard/purchases" attr:class="button">"Clear filters"</A>
            </div>
        })}
        {(page.count > 0).then(|| view! {
            <div class="table-wrap">
                <table class="purchases">
                    <caption class="visually-hidden">"Unlocked profiles"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Candidate"</th>
                            <th scope="col">"Specializations"</th>
                            <th scope="col">"Unlocked"</th>
                            <th scope="col" class="num">"Paid"</th>
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })}
        {(last_page > 1).then(|| view! {
            <nav class="pager" aria-label="Pages">
                {(p > 1).then(|| view! { <a href=page_link(p - 1) rel="prev">"← Previous"</a> })}
                <span aria-current="page">{format!("Page {p} of {last_page}")}</span>
                {(p < last_page).then(|| view! {
                    <a href=page_link(p + 1) rel="next">"Next →"</a>
                })}
            </nav>
        })}
    }
    .into_any()
}
