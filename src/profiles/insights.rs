//! `/me/insights`: how often a candidate's profile is viewed and unlocked.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::app::ErrorPage;
use crate::error::AppError;
use crate::ui::{self, Loading, Notice};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayViews {
    /// Unix seconds at the start of the day (UTC).
    pub day_start: i64,
    pub views: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insights {
    pub days: Vec<DayViews>,
    pub views_30d: i64,
    pub total_views: i64,
    pub employers_30d: i64,
    pub unlocks: i64,
    pub published: bool,
}

/// `None` while the candidate has no profile yet.
#[server(endpoint = "my_insights")]
pub async fn get_my_insights() -> Result<Option<Insights>, AppError> {
    use crate::accounts::{Role, ssr::require_role};
    use crate::server::request::{app_state, finish};

    let result = async {
        let user = require_role(Role::Candidate).await?;
        let state = app_state()?;
        let Some(profile_id) = super::ssr::profile_id_of(&state.db, user.id).await? else {
            return Ok(None);
        };
        let mut insights =
            super::ssr::insights(&state.db, profile_id, crate::server::db::now()).await?;
        insights.published = super::ssr::public_profile(&state.db, profile_id)
            .await?
            .is_some_and(|(_, p)| p.published);
        Ok(Some(insights))
    }
    .await;
    finish(result)
}

#[component]
pub fn InsightsPage() -> impl IntoView {
    let insights = Resource::new(|| (), |_| get_my_insights());
    view! {
        <Title text="Insights"/>
        <div class="page-head"><h1>"Insights"</h1></div>
        <Suspense fallback=|| view! { <Loading label="Loading your insights…"/> }>
            {move || Suspend::new(async move {
                match insights.await {
                    Ok(Some(insights)) => view! { <InsightsView insights/> }.into_any(),
                    Ok(None) => view! {
                        <div class="empty-state">
                            <h2>"No profile yet"</h2>
                            <p>"Create and publish your profile to see how employers find it."</p>
                            <a class="button primary" href="/me/profile">"Create your profile"</a>
                        </div>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn InsightsView(insights: Insights) -> impl IntoView {
    let unpublished = (!insights.published).then(|| {
        view! {
            <Notice tone="warning">
                "Your profile is not published, so employers cannot find it. "
                <a href="/me/profile">"Publish it"</a>
            </Notice>
        }
    });
    view! {
        {unpublished}
        <div class="stats">
            <div class="stat">
                <p class="stat-value">{ui::group_thousands(insights.views_30d)}</p>
                <p class="stat-label">"Views in the last 30 days"</p>
            </div>
            <div class="stat">
                <p class="stat-value">{ui::group_thousands(insights.total_views)}</p>
                <p class="stat-label">"Views in total"</p>
            </div>
            <div class="stat">
                <p class="stat-value">{ui::group_thousands(insights.employers_30d)}</p>
                <p class="stat-label">"Employers who looked (30 days)"</p>
            </div>
            <div class="stat">
                <p class="stat-value">{ui::group_thousands(insights.unlocks)}</p>
                <p class="stat-label">"Employers who unlocked your profile"</p>
            </div>
        </div>
        <section class="panel">
            <h2>"Views per day"</h2>
            <ViewsChart days=insights.days/>
        </section>
    }
}

const CHART_WIDTH: i64 = 720;
const CHART_HEIGHT: i64 = 200;
const AXIS: i64 = 24;

/// A bar chart drawn on the server as SVG: it needs no script and prints as it looks.
#[component]
fn ViewsChart(days: Vec<DayViews>) -> impl IntoView {
    let max = days.iter().map(|d| d.views).max().unwrap_or(0).max(1);
    let slot = CHART_WIDTH / days.len().max(1) as i64;
    let plot = CHART_HEIGHT - AXIS;
    let description = format!(
        "Bar chart of daily views from {} to {}; the busiest day had {}.",
        days.first().map(|d| ui::format_date(d.day_start)).unwrap_or_default(),
        days.last().map(|d| ui::format_date(d.day_start)).unwrap_or_default(),
        ui::plural(max, "view", "views"),
    );
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let height = if day.views == 0 { 1 } else { (day.views * plot / max).max(3) };
            let x = i as i64 * slot + 2;
            let label = format!(
                "{}: {}",
                ui::short_date(day.day_start),
                ui::plural(day.views, "view", "views")
            );
            view! {
                <rect class="bar" x=x y=plot - height width=(slot - 4).max(2) height=height>
                    <title>{label}</title>
                </rect>
            }
        })
        .collect_view();
    let labels = days
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 7 == 0 || *i == days.len() - 1)
        .map(|(i, day)| {
            let x = i as i64 * slot + slot / 2;
            view! {
                <text class="axis-label" x=x y=CHART_HEIGHT - 6 text-anchor="middle">
                    {ui::short_date(day.day_start)}
                </text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}") role="img"
                aria-label=description.clone() preserveAspectRatio="none">
                <line class="axis" x1="0" y1=plot x2=CHART_WIDTH y2=plot/>
                {bars}
                {labels}
            </svg>
            <figcaption class="muted">
                {format!("Most in one day: {}. Days are in UTC.", ui::plural(max, "view", "views"))}
            </figcaption>
        </figure>
    }
}
