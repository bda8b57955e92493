//! `/profiles/:id`: the anonymized profile with its unlock panel, or, for the candidate and
//! for employers who unlocked it, the full profile.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::{FullProfile, PublicJob, PublicProfile};
use crate::app::ErrorPage;
use crate::error::AppError;
use crate::payments::{UnlockPanel, UnlockStatus, get_unlock_status};
use crate::ui::{self, Loading, Notice};

/// The anonymized profile. Published profiles are open to everyone; an unpublished one only
/// to its candidate and to employers who unlocked it. An employer's look is recorded.
#[server(endpoint = "profile_public")]
pub async fn get_public_profile(id: i64) -> Result<PublicProfile, AppError> {
    use crate::accounts::{Role, ssr::current_user};
    use crate::server::request::{app_state, finish};

    let result = async {
        let state = app_state()?;
        let user = current_user().await?;
        let missing = || AppError::not_found("This profile does not exist or is not published.");
        let (owner_id, profile) =
            super::ssr::public_profile(&state.db, id).await?.ok_or_else(missing)?;
        let visible = profile.published
            || user.as_ref().is_some_and(|u| u.id == owner_id)
            || match &user {
                Some(u) if u.role == Role::Employer => {
                    super::ssr::active_unlock(&state.db, u.id, id).await?.is_some()
                }
                _ => false,
            };
        if !visible {
            return Err(missing());
        }
        if let Some(employer) = user.filter(|u| u.role == Role::Employer) {
            super::ssr::record_view(&state.db, id, employer.id).await?;
        }
        Ok(profile)
    }
    .await;
    finish(result)
}

/// The full profile: only for its candidate and for employers with an unlock that stands.
#[server(endpoint = "profile_full")]
pub async fn get_full_profile(id: i64) -> Result<FullProfile, AppError> {
    use crate::accounts::{Role, ssr::require_user};
    use crate::server::request::{app_state, finish};

    let result = async {
        let state = app_state()?;
        let user = require_user().await?;
        let locked =
            || AppError::forbidden("locked", "Unlock this profile to see the candidate's details.");
        let (owner_id, profile) = super::ssr::public_profile(&state.db, id)
            .await?
            .ok_or_else(|| AppError::not_found("This profile does not exist."))?;
        let unlocked_at = if user.id == owner_id {
            None
        } else if user.role == Role::Employer {
            Some(super::ssr::active_unlock(&state.db, user.id, id).await?.ok_or_else(locked)?)
        } else {
            return Err(locked());
        };
        let (contact, jobs) = super::ssr::private_details(&state.db, id)
            .await?
            .ok_or_else(|| AppError::internal(format!("profile {id} has no contact row")))?;
        Ok(FullProfile { profile, contact, jobs, unlocked_at })
    }
    .await;
    finish(result)
}

/// Everything the profile page shows, loaded by one resource: a resource created while a
/// `<Suspense>` renders its children would be created again on every pass the server makes
/// over them.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum ProfilePageData {
    Locked { profile: PublicProfile, status: Result<UnlockStatus, AppError> },
    Open(FullProfile),
}

async fn load_profile_page(id: Option<i64>) -> Result<ProfilePageData, AppError> {
    let id = id.ok_or_else(|| AppError::not_found("This profile does not exist."))?;
    let profile = get_public_profile(id).await?;
    let status = get_unlock_status(id).await;
    if matches!(status, Ok(UnlockStatus::Unlocked { .. } | UnlockStatus::OwnProfile)) {
        return get_full_profile(id).await.map(ProfilePageData::Open);
    }
    Ok(ProfilePageData::Locked { profile, status })
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|raw| raw.parse::<i64>().ok());
    let page = Resource::new(id, load_profile_page);
    let cancelled = move || query.read().get("checkout").as_deref() == Some("cancelled");
    // A payment that clears while the page is open shows the full profile in place; the
    // Transition keeps the waiting panel up until it has loaded.
    let on_unlocked = Callback::new(move |()| page.refetch());

    view! {
        <Transition fallback=|| view! { <Loading label="Loading profile…"/> }>
            {move || Suspend::new(async move {
                let (profile, status) = match page.await {
                    Ok(ProfilePageData::Locked { profile, status }) => (profile, status),
                    Ok(ProfilePageData::Open(full)) => {
                        return view! {
                            <Title text=full.contact.full_name.clone()/>
                            <FullProfileView full/>
                        }
                        .into_any();
                    }
                    Err(error) => return view! { <ErrorPage error/> }.into_any(),
                };
                let notice = cancelled().then(|| view! {
                    <Notice tone="warning">
                        "Checkout was not completed, so you have not been charged and the "
                        "profile is still locked. If your card was declined, you can try again "
                        "with another card."
                    </Notice>
                });
                view! {
                    <Title text=profile.headline.clone()/>
                    {notice}
                    <div class="profile-layout">
                        <PublicProfileView profile=profile.clone()/>
                        <aside class="profile-aside" aria-label="Unlock">
                            <UnlockPanel profile_id=profile.id status on_unlocked/>
                        </aside>
                    </div>
                }
                .into_any()
            })}
        </Transition>
    }
}

fn specialization_tags(profile: &PublicProfile) -> impl IntoView + use<> {
    profile
        .specializations
        .iter()
        .map(|s| view! { <li class="tag">{s.name.clone()}</li> })
        .collect_view()
}

fn public_job(job: PublicJob) -> impl IntoView {
    let span = job.end_month.map_or("present".to_owned(), ui::format_month);
    let length = match job.end_month {
        Some(end) => ui::month_span(job.start_month, end),
        None => "ongoing".to_owned(),
    };
    view! {
        <li class="timeline-item">
            <h3>{job.title}</h3>
            <p class="muted">
                {ui::format_month(job.start_month)}" – "{span}" · "{length}
            </p>
            <p class="redacted">"Employer and description hidden until unlocked"</p>
        </li>
    }
}

/// The part both views of a profile share; only the jobs differ in what they show.
fn summary_and_history(summary: String, jobs: impl IntoView + 'static) -> impl IntoView {
    view! {
        <section>
            <h2>"Summary"</h2>
            <p class="summary">{summary}</p>
        </section>
        <section>
            <h2>"Work history"</h2>
            <ol class="timeline">{jobs}</ol>
        </section>
    }
}

#[component]
pub fn PublicProfileView(profile: PublicProfile) -> impl IntoView {
    let tags = specialization_tags(&profile);
    let jobs = profile.jobs.into_iter().map(public_job).collect_view();
    view! {
        <article class="profile">
            <p class="eyebrow">"Anonymized profile"</p>
            <h1>{profile.headline}</h1>
            <p class="profile-meta">
                {ui::plural(profile.years_experience, "year", "years")}" of experience · "
                {profile.country}
            </p>
            <ul class="tags" aria-label="Specializations">{tags}</ul>
            {summary_and_history(profile.summary, jobs)}
        </article>
    }
}

#[component]
pub fn FullProfileView(full: FullProfile) -> impl IntoView {
    let tags = specialization_tags(&full.profile);
    let profile = full.profile;
    let contact = full.contact;
    let mailto = format!("mailto:{}", contact.email);
    let tel = format!("tel:{}", contact.phone.replace([' ', '(', ')'], ""));
    let unlocked = full.unlocked_at.map(|at| {
        view! { <p class="badge badge-success">"Unlocked on "{ui::format_date(at)}</p> }
    });
    let own = full.unlocked_at.is_none().then(|| {
        view! {
            <Notice tone="info">
                "This is how employers see your profile after unlocking it. "
                <a href="/me/profile">"Edit your profile"</a>
            </Notice>
        }
    });
    let jobs = full
        .jobs
        .into_iter()
        .map(|job| {
            let end = job.end_month.map_or("present".to_owned(), ui::format_month);
            view! {
                <li class="timeline-item">
                    <h3>{job.title}" at "{job.employer}</h3>
                    <p class="muted">{ui::format_month(job.start_month)}" – "{end}</p>
                    <p class="description">{job.description}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        {own}
        <article class="profile profile-full">
            <p class="eyebrow">"Full profile"</p>
            <h1>{contact.full_name}</h1>
            <p class="lead">{profile.headline}</p>
            {unlocked}
            <dl class="contact">
                <div><dt>"Email"</dt><dd><a href=mailto>{contact.email}</a></dd></div>
                <div><dt>"Phone"</dt><dd><a href=tel>{contact.phone}</a></dd></div>
                <div>
                    <dt>"Location"</dt>
                    <dd>{contact.city}", "{profile.country}</dd>
                </div>
                <div>
                    <dt>"Experience"</dt>
                    <dd>{ui::plural(profile.years_experience, "year", "years")}</dd>
                </div>
            </dl>
            <ul class="tags" aria-label="Specializations">{tags}</ul>
            {summary_and_history(profile.summary, jobs)}
        </article>
    }
}
