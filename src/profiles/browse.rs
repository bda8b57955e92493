//! `/profiles`: published profiles as anonymized cards, filtered, sorted and paged.
//!
//! The filters are a plain GET form, so every state of the page has its own URL and works
//! without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{ProfileCard, Specialization};
use crate::error::{AppError, FieldError};
use crate::ui::{self, ErrorNotice, Loading};

pub const PER_PAGE: i64 = 20;
/// Matches are counted, and listed, up to this many; past it the page says "1,000+". A
/// count has to read every match it counts, so the cap bounds what a loose filter costs
/// (a tenth of the time of a 10,000 cap at 100,000 profiles: see BENCHMARKS.md).
pub const TOTAL_CAP: i64 = 1_000;
pub const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Sort {
    #[default]
    Newest,
    MostExperienced,
    LeastExperienced,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::MostExperienced => "experience",
            Self::LeastExperienced => "experience_asc",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "" | "newest" => Some(Self::Newest),
            "experience" => Some(Self::MostExperienced),
            "experience_asc" => Some(Self::LeastExperienced),
            _ => None,
        }
    }
}

/// A validated search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub specialization: Option<String>,
    pub min_years: Option<i64>,
    pub q: Option<String>,
    pub sort: Sort,
    pub page: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub cards: Vec<ProfileCard>,
    pub total: i64,
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
    /// The catalogue, for the filter form.
    pub specializations: Vec<Specialization>,
}

impl SearchResults {
    pub fn last_page(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Turns the raw filter values (as a URL carries them) into a search, or field errors.
pub fn parse_search(
    specialization: Option<String>,
    min_years: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<SearchQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let specialization = nonempty(specialization);
    if specialization.as_ref().is_some_and(|s| s.len() > 40) {
        errors.push(FieldError::new("specialization", "Choose a specialization from the list."));
    }
    let min_years = match nonempty(min_years) {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(years) if (0..=60).contains(&years) => Some(years),
            _ => {
                errors.push(FieldError::new("min_years", "Minimum years must be 0 to 60."));
                None
            }
        },
    };
    let q = nonempty(q);
    if q.as_ref().is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS) {
        errors.push(FieldError::new(
            "q",
            format!("Search text can be at most {MAX_QUERY_CHARS} characters."),
        ));
    }
    let sort = Sort::parse(nonempty(sort).as_deref().unwrap_or_default()).unwrap_or_else(|| {
        errors.push(FieldError::new("sort", "Choose a sort order from the list."));
        Sort::Newest
    });
    let page = match nonempty(page) {
        None => 1,
        Some(raw) => match raw.parse::<i64>() {
            Ok(page) if (1..=TOTAL_CAP / PER_PAGE).contains(&page) => page,
            _ => {
                errors.push(FieldError::new("page", "That page number does not exist."));
                1
            }
        },
    };
    if errors.is_empty() {
        Ok(SearchQuery { specialization, min_years, q, sort, page })
    } else {
        Err(errors)
    }
}

#[server(endpoint = "profiles_search")]
pub async fn search_profiles(
    #[server(default)] specialization: Option<String>,
    #[server(default)] min_years: Option<String>,
    #[server(default)] q: Option<String>,
    #[server(default)] sort: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<SearchResults, AppError> {
    use crate::server::request::{app_state, finish};

    let result = async {
        let state = app_state()?;
        // Anyone may browse: the cards carry nothing private.
        let query =
            parse_search(specialization, min_years, q, sort, page).map_err(AppError::invalid)?;
        let mut results = super::ssr::search(&state.db, &query).await?;
        results.specializations = super::ssr::catalog(&state.db).await?;
        Ok(results)
    }
    .await;
    finish(result)
}

#[component]
pub fn BrowsePage() -> impl IntoView {
    let query = use_query_map();
    let results = Resource::new(
        move || {
            let q = query.get();
            (q.get("specialization"), q.get("min_years"), q.get("q"), q.get("sort"), q.get("page"))
        },
        |(specialization, min_years, q, sort, page)| {
            search_profiles(specialization, min_years, q, sort, page)
        },
    );

    view! {
        <Title text="Browse profiles"/>
        <div class="page-head">
            <h1>"Browse profiles"</h1>
            <p class="muted">
                "Names, contact details and past employers stay hidden until you unlock a profile."
            </p>
        </div>
        <Transition fallback=|| view! { <Loading label="Loading profiles…"/> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(results) => view! { <Results results/> }.into_any(),
                    Err(error) => {
                        crate::app::set_status(error_status(&error));
                        view! {
                            <Filters specializations=Vec::new()/>
                            <ErrorNotice error=Signal::stored(Some(error))/>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

fn error_status(error: &AppError) -> u16 {
    match error {
        AppError::Invalid { .. } => 400,
        _ => 500,
    }
}

#[component]
fn Filters(specializations: Vec<Specialization>) -> impl IntoView {
    let query = use_query_map();
    let current = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let selected_spec = current("specialization");
    let sort = current("sort");
    let options = specializations
        .into_iter()
        .map(|s| {
            let selected = s.slug == selected_spec;
            view! { <option value=s.slug selected=selected>{s.name}</option> }
        })
        .collect_view();
    view! {
        <form class="filters" method="get" action="/profiles" role="search">
            <div class="field">
                <label for="q">"Headline contains"</label>
                <input id="q" type="search" name="q" value=current("q")
                    maxlength=MAX_QUERY_CHARS placeholder="e.g. platform engineer"/>
            </div>
            <div class="field">
                <label for="specialization">"Specialization"</label>
                <select id="specialization" name="specialization">
                    <option value="">"Any"</option>
                    {options}
                </select>
            </div>
            <div class="field narrow">
                <label for="min_years">"Min. years"</label>
                <input id="min_years" type="number" name="min_years" min="0" max="60"
                    inputmode="numeric" value=current("min_years")/>
            </div>
            <div class="field">
                <label for="sort">"Sort by"</label>
                <select id="sort" name="sort">
                    <option value="newest" selected=sort.is_empty() || sort == "newest">
                        "Newest"
                    </option>
                    <option value="experience" selected=sort == "experience">
                        "Most experienced"
                    </option>
                    <option value="experience_asc" selected=sort == "experience_asc">
                        "Least experienced"
                    </option>
                </select>
            </div>
            <button type="submit" class="button primary">"Search"</button>
        </form>
    }
}

#[component]
fn Results(results: SearchResults) -> impl IntoView {
    let query = use_query_map();
    let last_page = results.last_page();
    let page = results.page;
    let count_text = if results.total_capped {
        let shown = ui::group_thousands(results.total);
        format!("{shown}+ profiles. The first {shown} are listed; filters narrow them down.")
    } else {
        ui::plural(results.total, "profile", "profiles")
    };
    let page_link = move |target: i64| {
        let mut params = query.get_untracked();
        params.replace("page", target.to_string());
        format!("/profiles{}", params.to_query_string())
    };
    let cards = if results.cards.is_empty() {
        view! {
            <div class="empty-state">
                <h2>"No profiles match"</h2>
                <p>"Try fewer filters, a lower minimum experience, or a shorter search."</p>
                <A href="/profiles" attr:class="button">"Clear filters"</A>
            </div>
        }
        .into_any()
    } else {
        let items =
            results.cards.into_iter().map(|card| view! { <li><Card card/></li> }).collect_view();
        view! { <ul class="cards">{items}</ul> }.into_any()
    };
    let pager = (last_page > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {(page > 1).then(|| view! {
                    <a href=page_link(page - 1) rel="prev">"← Previous"</a>
                })}
                <span aria-current="page">{format!("Page {page} of {last_page}")}</span>
                {(page < last_page).then(|| view! {
                    <a href=page_link(page + 1) rel="next">"Next →"</a>
                })}
            </nav>
        }
    });
    view! {
        <Filters specializations=results.specializations/>
        <p class="result-count" role="status">{count_text}</p>
        {cards}
        {pager}
    }
}

#[component]
fn Card(card: ProfileCard) -> impl IntoView {
    let href = format!("/profiles/{}", card.id);
    let specs =
        card.specializations.into_iter().map(|s| view! { <li class="tag">{s}</li> }).collect_view();
    let jobs = card
        .jobs
        .into_iter()
        .take(3)
        .map(|job| {
            let end = job.end_month;
            let span = match end {
                Some(end) => ui::month_span(job.start_month, end),
                None => "current".to_owned(),
            };
            view! { <li>{job.title}<span class="muted">" · "{span}</span></li> }
        })
        .collect_view();
    view! {
        <article class="card">
            <h2 class="card-title"><a href=href>{card.headline}</a></h2>
            <p class="card-meta">
                {ui::plural(card.years_experience, "year", "years")}" experience · "{card.country}
            </p>
            <ul class="tags" aria-label="Specializations">{specs}</ul>
            <ul class="jobs" aria-label="Recent roles">{jobs}</ul>
        </article>
    }
}
