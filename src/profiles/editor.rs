//! `/me/profile`: a candidate writes, publishes and unpublishes their profile.

// The save function takes one argument per form field, so that the plain HTML form (no
// JavaScript) posts to it directly.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::limits;
use super::{Contact, FullJob, PublicProfile, Specialization};
use crate::app::ErrorPage;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::FieldError;
use crate::ui::{self, ErrorNotice, FieldError, Loading, Notice, use_query_error};

/// A job as the form carries it: dates as `YYYY-MM`, an empty end for a current job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkDraft {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
}

impl WorkDraft {
    #[cfg(feature = "ssr")]
    fn is_blank(&self) -> bool {
        [&self.title, &self.employer, &self.description, &self.start, &self.end]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// The candidate's own profile, as the editor fills its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDraft {
    pub profile_id: Option<i64>,
    pub published: bool,
    pub headline: String,
    pub summary: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub city: String,
    pub country: String,
    pub years_experience: String,
    pub specializations: Vec<String>,
    pub work: Vec<WorkDraft>,
}

impl ProfileDraft {
    pub fn from_parts(public: PublicProfile, contact: Contact, jobs: Vec<FullJob>) -> Self {
        Self {
            profile_id: Some(public.id),
            published: public.published,
            headline: public.headline,
            summary: public.summary,
            full_name: contact.full_name,
            email: contact.email,
            phone: contact.phone,
            city: contact.city,
            country: public.country,
            years_experience: public.years_experience.to_string(),
            specializations: public.specializations.into_iter().map(|s| s.slug).collect(),
            work: jobs
                .into_iter()
                .map(|j| WorkDraft {
                    title: j.title,
                    employer: j.employer,
                    description: j.description,
                    start: ui::month_input_value(j.start_month),
                    end: j.end_month.map(ui::month_input_value).unwrap_or_default(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyProfile {
    pub draft: Option<ProfileDraft>,
    pub catalog: Vec<Specialization>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSaved {
    pub profile_id: i64,
}

/// A job that passed validation.
#[cfg(feature = "ssr")]
pub struct ValidJob {
    pub title: String,
    pub employer: String,
    pub description: String,
    pub start_month: i64,
    pub end_month: Option<i64>,
}

/// A profile that passed validation, ready to store.
#[cfg(feature = "ssr")]
pub struct ValidProfile {
    pub headline: String,
    pub summary: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub city: String,
    pub country: String,
    pub years_experience: i64,
    pub specializations: Vec<String>,
    pub jobs: Vec<ValidJob>,
}

/// Checks a trimmed text's length in characters; control characters are never accepted
/// (except newlines where `multiline`).
#[cfg(feature = "ssr")]
fn text(
    errors: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    raw: &str,
    (min, max): (usize, usize),
    multiline: bool,
) -> String {
    let value = raw.trim().replace("\r\n", "\n");
    let chars = value.chars().count();
    let bad_char = value.chars().any(|c| c.is_control() && !(multiline && c == '\n'));
    if chars < min {
        let message = if chars == 0 && min > 0 {
            format!("{label} is required.")
        } else {
            format!("{label} needs at least {min} characters.")
        };
        errors.push(FieldError::new(field, message));
    } else if chars > max {
        errors.push(FieldError::new(field, format!("{label} can be at most {max} characters.")));
    } else if bad_char {
        errors
            .push(FieldError::new(field, format!("{label} contains characters we cannot store.")));
    }
    value
}

#[cfg(feature = "ssr")]
pub fn validate_profile(
    draft: ProfileDraft,
    catalog: &[Specialization],
    now_month: i64,
) -> Result<ValidProfile, Vec<FieldError>> {
    let mut errors = Vec::new();
    let e = &mut errors;
    let headline = text(e, "headline", "Headline", &draft.headline, limits::HEADLINE, false);
    let summary = text(e, "summary", "Summary", &draft.summary, limits::SUMMARY, true);
    let full_name = text(e, "full_name", "Full name", &draft.full_name, limits::FULL_NAME, false);
    let email = crate::accounts::normalize_email(&draft.email, "email")
        .map_err(|err| errors.push(err))
        .unwrap_or_default();
    let e = &mut errors;
    let phone = text(e, "phone", "Phone", &draft.phone, limits::PHONE, false);
    if !phone.is_empty()
        && !phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
    {
        e.push(FieldError::new("phone", "Use digits, spaces and + - ( ) only."));
    } else if !phone.is_empty() && phone.chars().filter(char::is_ascii_digit).count() < 7 {
        e.push(FieldError::new("phone", "Enter a full phone number."));
    }
    let city = text(e, "city", "City", &draft.city, limits::CITY, false);
    let country = text(e, "country", "Country", &draft.country, limits::COUNTRY, false);
    let years_experience = match draft.years_experience.trim().parse::<i64>() {
        Ok(years) if (limits::YEARS.0..=limits::YEARS.1).contains(&years) => years,
        _ => {
            e.push(FieldError::new(
                "years_experience",
                format!("Years of experience must be {} to {}.", limits::YEARS.0, limits::YEARS.1),
            ));
            0
        }
    };

    let mut specializations: Vec<String> = Vec::new();
    for slug in draft.specializations {
        if !catalog.iter().any(|s| s.slug == slug) {
            e.push(FieldError::new("specializations", "Choose specializations from the list."));
            break;
        }
        if !specializations.contains(&slug) {
            specializations.push(slug);
        }
    }
    let (min, max) = limits::SPECIALIZATIONS;
    if !(min..=max).contains(&specializations.len()) {
        e.push(FieldError::new(
            "specializations",
            format!("Choose between {min} and {max} specializations."),
        ));
    }

    // Field names carry the row's position in the form, blank rows included, so the form
    // can put each message beside its row.
    let filled = draft.work.iter().filter(|w| !w.is_blank()).count();
    if filled > limits::JOBS {
        e.push(FieldError::new("work", format!("List at most {} jobs.", limits::JOBS)));
    }
    let mut jobs = Vec::new();
    for (i, job) in draft.work.iter().enumerate().filter(|(_, w)| !w.is_blank()) {
        let n = i + 1;
        let field = |name: &str| format!("work.{i}.{name}");
        let title = text(
            e,
            &field("title"),
            &format!("Job {n} title"),
            &job.title,
            limits::JOB_TITLE,
            false,
        );
        let employer = text(
            e,
            &field("employer"),
            &format!("Job {n} employer"),
            &job.employer,
            limits::EMPLOYER,
            false,
        );
        let description = text(
            e,
            &field("description"),
            &format!("Job {n} description"),
            &job.description,
            (0, limits::DESCRIPTION),
            true,
        );
        let start = ui::parse_month_input(&job.start);
        let end = if job.end.trim().is_empty() {
            Ok(None)
        } else {
            ui::parse_month_input(&job.end).map(Some).ok_or(())
        };
        match (start, end) {
            (None, _) => e.push(FieldError::new(
                field("start"),
                format!("Job {n}: enter the month you started."),
            )),
            (_, Err(())) => e.push(FieldError::new(
                field("end"),
                format!("Job {n}: the end month is not a month."),
            )),
            (Some(start), _) if start > now_month => e.push(FieldError::new(
                field("start"),
                format!("Job {n}: the start cannot be in the future."),
            )),
            (Some(start), Ok(Some(end))) if end < start => e.push(FieldError::new(
                field("end"),
                format!("Job {n}: the end comes before the start."),
            )),
            (Some(_), Ok(Some(end))) if end > now_month => e.push(FieldError::new(
                field("end"),
                format!("Job {n}: leave the end empty for a current job."),
            )),
            (Some(start_month), Ok(end_month)) => {
                jobs.push(ValidJob { title, employer, description, start_month, end_month })
            }
        }
    }

    if errors.is_empty() {
        Ok(ValidProfile {
            headline,
            summary,
            full_name,
            email,
            phone,
            city,
            country,
            years_experience,
            specializations,
            jobs,
        })
    } else {
        Err(errors)
    }
}

/// The catalogue of specializations candidates choose from.
#[server(endpoint = "specializations")]
pub async fn list_specializations() -> Result<Vec<Specialization>, AppError> {
    use crate::server::request::{app_state, finish};

    let result = async { super::ssr::catalog(&app_state()?.db).await }.await;
    finish(result)
}

#[server(endpoint = "my_profile")]
pub async fn get_my_profile() -> Result<MyProfile, AppError> {
    use crate::accounts::{Role, ssr::require_role};
    use crate::server::request::{app_state, finish};

    let result = async {
        let user = require_role(Role::Candidate).await?;
        let state = app_state()?;
        Ok(MyProfile {
            draft: super::ssr::load_draft(&state.db, user.id).await?,
            catalog: super::ssr::catalog(&state.db).await?,
        })
    }
    .await;
    finish(result)
}

#[server(endpoint = "my_profile_save")]
pub async fn save_my_profile(
    #[server(default)] headline: String,
    #[server(default)] summary: String,
    #[server(default)] full_name: String,
    #[server(default)] email: String,
    #[server(default)] phone: String,
    #[server(default)] city: String,
    #[server(default)] country: String,
    #[server(default)] years_experience: String,
    #[server(default)] specializations: Vec<String>,
    #[server(default)] work: Vec<WorkDraft>,
) -> Result<ProfileSaved, AppError> {
    use crate::accounts::{Role, ssr::require_role};
    use crate::server::request::{app_state, finish, redirect_plain_form};

    let result = async {
        let user = require_role(Role::Candidate).await?;
        let state = app_state()?;
        let catalog = super::ssr::catalog(&state.db).await?;
        let draft = ProfileDraft {
            profile_id: None,
            published: false,
            headline,
            summary,
            full_name,
            email,
            phone,
            city,
            country,
            years_experience,
            specializations,
            work,
        };
        let now_month = {
            let today = crate::server::db::now().div_euclid(86_400);
            let date = ui::iso_date(today * 86_400);
            ui::parse_month_input(&date[..7]).unwrap_or(i64::MAX)
        };
        let valid = validate_profile(draft, &catalog, now_month).map_err(AppError::invalid)?;
        let profile_id = super::ssr::save(&state.db, user.id, &valid).await?;
        tracing::info!(profile.id = profile_id, "profile saved");
        redirect_plain_form("/me/profile?saved=1");
        Ok(ProfileSaved { profile_id })
    }
    .await;
    finish(result)
}

#[server(endpoint = "my_profile_publish")]
pub async fn set_profile_published(publish: bool) -> Result<bool, AppError> {
    use crate::accounts::{Role, ssr::require_role};
    use crate::server::request::{app_state, finish, redirect_plain_form};

    let result = async {
        let user = require_role(Role::Candidate).await?;
        let state = app_state()?;
        if !super::ssr::set_published(&state.db, user.id, publish).await? {
            return Err(AppError::conflict(
                "no_profile",
                "Save your profile before publishing it.",
            ));
        }
        tracing::info!(user.id = user.id, published = publish, "profile visibility changed");
        redirect_plain_form("/me/profile");
        Ok(publish)
    }
    .await;
    finish(result)
}

#[component]
pub fn EditProfilePage() -> impl IntoView {
    let save = ServerAction::<SaveMyProfile>::new();
    let publish = ServerAction::<SetProfilePublished>::new();
    let mine = Resource::new(
        move || (save.version().get(), publish.version().get()),
        |_| get_my_profile(),
    );
    view! {
        <Title text="My profile"/>
        <Transition fallback=|| view! { <Loading label="Loading your profile…"/> }>
            {move || Suspend::new(async move {
                match mine.await {
                    Ok(mine) => view! { <Editor mine save publish/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Editor(
    mine: MyProfile,
    save: ServerAction<SaveMyProfile>,
    publish: ServerAction<SetProfilePublished>,
) -> impl IntoView {
    let query = use_query_map();
    let query_error = use_query_error();
    let error = Signal::derive(move || match save.value().get() {
        Some(Err(err)) => Some(err),
        Some(Ok(_)) => None,
        None => query_error.get(),
    });
    let publish_error = Signal::derive(move || publish.value().get().and_then(Result::err));
    let saved = move || {
        matches!(save.value().get(), Some(Ok(_)))
            || (save.value().get().is_none() && query.read().get("saved").is_some())
    };
    let has_profile = mine.draft.is_some();
    let draft = mine.draft.unwrap_or_default();
    let published = draft.published;
    let preview = draft.profile_id.map(|id| format!("/profiles/{id}"));
    let chosen = draft.specializations.clone();
    let catalog = mine
        .catalog
        .into_iter()
        .map(|s| {
            let checked = chosen.contains(&s.slug);
            let id = format!("spec-{}", s.slug);
            let label_for = id.clone();
            view! {
                <label class="check" for=label_for>
                    <input type="checkbox" id=id name="specializations[]" value=s.slug
                        checked=checked/>
                    {s.name}
                </label>
            }
        })
        .collect_view();

    // Each row keeps a stable key, so adding or removing one keeps what was typed in others.
    let mut initial: Vec<(usize, WorkDraft)> = draft.work.clone().into_iter().enumerate().collect();
    initial.push((initial.len(), WorkDraft::default()));
    let next_key = StoredValue::new(initial.len());
    let rows = RwSignal::new(initial);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let add_row = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|rows| rows.push((key, WorkDraft::default())));
    };

    let status = if !has_profile {
        view! {
            <Notice tone="info">
                "Fill in your profile and save it; then publish it to be found."
            </Notice>
        }
        .into_any()
    } else if published {
        view! {
            <div class="status-bar status-live">
                <p><strong>"Published."</strong>" Employers can find your anonymized profile."</p>
                <ActionForm action=publish>
                    <input type="hidden" name="publish" value="false"/>
                    <button type="submit" class="button">"Unpublish"</button>
                </ActionForm>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="status-bar status-draft">
                <p><strong>"Not published."</strong>" Only you can see this profile."</p>
                <ActionForm action=publish>
                    <input type="hidden" name="publish" value="true"/>
                    <button type="submit" class="button primary">"Publish"</button>
                </ActionForm>
            </div>
        }
        .into_any()
    };
    let preview_link = preview.map(|href| {
        view! { <a href=href class="button small">"See it as employers do"</a> }
    });

    view! {
        <div class="page-head">
            <h1>"My profile"</h1>
            {preview_link}
        </div>
        {status}
        <ErrorNotice error=publish_error/>
        {move || {
            saved().then(|| view! { <Notice tone="success">"Your profile was saved."</Notice> })
        }}
        <ErrorNotice error/>
        <ActionForm action=save attr:class="editor">
            <fieldset>
                <legend>"Shown to everyone"</legend>
                <TextField name="headline" label="Headline" value=draft.headline.clone()
                    limits=limits::HEADLINE error
                    hint="Your role and focus, e.g. “Senior backend engineer, payments”."/>
                <div class="field">
                    <label for="summary">"Summary"</label>
                    <textarea id="summary" name="summary" rows="6"
                        maxlength=limits::SUMMARY.1 aria-describedby="summary-error">
                        {draft.summary.clone()}
                    </textarea>
                    <p class="hint">
                        {format!("{} to {} characters. Leave out your name and contacts.",
                            limits::SUMMARY.0, limits::SUMMARY.1)}
                    </p>
                    <FieldError error name="summary"/>
                </div>
                <div class="field-row">
                    <TextField name="country" label="Country" value=draft.country.clone()
                        limits=limits::COUNTRY error/>
                    <div class="field narrow">
                        <label for="years_experience">"Years of experience"</label>
                        <input id="years_experience" name="years_experience" type="number"
                            min=limits::YEARS.0 max=limits::YEARS.1 inputmode="numeric"
                            value=draft.years_experience.clone() required
                            aria-describedby="years_experience-error"/>
                        <FieldError error name="years_experience"/>
                    </div>
                </div>
                <fieldset class="checks">
                    <legend>
                        {format!("Specializations (choose {} to {})",
                            limits::SPECIALIZATIONS.0, limits::SPECIALIZATIONS.1)}
                    </legend>
                    {catalog}
                    <FieldError error name="specializations"/>
                </fieldset>
            </fieldset>
            <fieldset>
                <legend>"Shown only to employers who unlock your profile"</legend>
                <div class="field-row">
                    <TextField name="full_name" label="Full name" value=draft.full_name.clone()
                        limits=limits::FULL_NAME error autocomplete="name"/>
                    <TextField name="city" label="City" value=draft.city.clone()
                        limits=limits::CITY error autocomplete="address-level2"/>
                </div>
                <div class="field-row">
                    <TextField name="email" label="Contact email" value=draft.email.clone()
                        limits=(3, 254) error input_type="email" autocomplete="email"/>
                    <TextField name="phone" label="Phone" value=draft.phone.clone()
                        limits=limits::PHONE error input_type="tel" autocomplete="tel"/>
                </div>
            </fieldset>
            <fieldset>
                <legend>"Work history"</legend>
                <p class="hint">
                    "Titles and dates are shown to everyone; employers and descriptions only "
                    "after unlocking. Leave a row empty to skip it."
                </p>
                <FieldError error name="work"/>
                <For each=move || rows.get() key=|(key, _)| *key let:row>
                    <WorkRow key=row.0 job=row.1 error rows hydrated/>
                </For>
                <Show when=move || hydrated.get()>
                    <button type="button" class="button small" on:click=add_row>"Add a job"</button>
                </Show>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=save.pending()>
                    {move || if save.pending().get() { "Saving…" } else { "Save profile" }}
                </button>
            </div>
        </ActionForm>
    }
}

#[component]
fn TextField(
    name: &'static str,
    label: &'static str,
    value: String,
    limits: (usize, usize),
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    let described = format!("{name}-error");
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <input id=name name=name type=input_type.unwrap_or("text") value=value
                maxlength=limits.1 required={limits.0 > 0} autocomplete=autocomplete
                aria-describedby=described/>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <FieldError error name/>
        </div>
    }
}

#[component]
fn WorkRow(
    key: usize,
    job: WorkDraft,
    error: Signal<Option<AppError>>,
    rows: RwSignal<Vec<(usize, WorkDraft)>>,
    hydrated: RwSignal<bool>,
) -> impl IntoView {
    // Names follow the row's current position, so the form always posts rows 0, 1, 2…
    let position = Memo::new(move |_| rows.read().iter().position(|(k, _)| *k == key).unwrap_or(0));
    let name = move |field: &'static str| move || format!("work[{}][{field}]", position.get());
    let id = move |field: &str| format!("work-{key}-{field}");
    let message = move |field: &'static str| {
        move || {
            let err = error.get()?;
            err.field(&format!("work.{}.{field}", position.get()))
                .map(|m| view! { <p class="field-error">{m}</p> })
        }
    };
    let remove = move |_| rows.update(|rows| rows.retain(|(k, _)| *k != key));
    view! {
        <div class="work-row">
            <div class="field-row">
                <div class="field">
                    <label for=id("title")>"Title"</label>
                    <input id=id("title") name=name("title") value=job.title
                        maxlength=limits::JOB_TITLE.1/>
                    {message("title")}
                </div>
                <div class="field">
                    <label for=id("employer")>"Employer"</label>
                    <input id=id("employer") name=name("employer") value=job.employer
                        maxlength=limits::EMPLOYER.1/>
                    {message("employer")}
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=id("start")>"Started"</label>
                    <input id=id("start") name=name("start") type="month" value=job.start
                        placeholder="YYYY-MM"/>
                    {message("start")}
                </div>
                <div class="field">
                    <label for=id("end")>"Ended (empty if current)"</label>
                    <input id=id("end") name=name("end") type="month" value=job.end
                        placeholder="YYYY-MM"/>
                    {message("end")}
                </div>
            </div>
            <div class="field">
                <label for=id("description")>"What you did"</label>
                <textarea id=id("description") name=name("description") rows="3"
                    maxlength=limits::DESCRIPTION>{job.description}</textarea>
                {message("description")}
            </div>
            <Show when=move || hydrated.get()>
                <button type="button" class="link-button danger" on:click=remove>
                    "Remove this job"
                </button>
            </Show>
        </div>
    }
}
