//! The sign-in and sign-up pages. Both are plain forms that post to their server function,
//! so they work before (or without) the WebAssembly; once hydrated they submit in place.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{MIN_PASSWORD_CHARS, SignIn, SignUp};
use crate::ui::{ErrorNotice, FieldError, use_query_error};

/// After signing in or up the whole page reloads, so every part of it sees the new session.
fn reload_to(path: &str) {
    let _ = window().location().set_href(path);
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let query_error = use_query_error();
    let error = Signal::derive(move || match action.value().get() {
        Some(Err(err)) => Some(err),
        Some(Ok(_)) => None,
        None => query_error.get(),
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = action.value().get() {
            reload_to(&done.redirect_to);
        }
    });
    let pending = action.pending();

    view! {
        <Title text="Sign in"/>
        <section class="auth-card">
            <h1>"Sign in"</h1>
            <ErrorNotice error/>
            <ActionForm action>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" type="email" name="email" autocomplete="username"
                        required maxlength="254"/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" type="password" name="password"
                        autocomplete="current-password" required maxlength="128"/>
                </div>
                <input type="hidden" name="next" value=next/>
                <button type="submit" class="button primary wide" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="muted">"New to Talentboard? " <A href="/signup">"Create an account"</A></p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let query = use_query_map();
    let query_error = use_query_error();
    let error = Signal::derive(move || match action.value().get() {
        Some(Err(err)) => Some(err),
        Some(Ok(_)) => None,
        None => query_error.get(),
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = action.value().get() {
            reload_to(&done.redirect_to);
        }
    });
    let initial_role = query.read_untracked().get("role").unwrap_or_else(|| "employer".into());
    let role = RwSignal::new(initial_role);
    let pending = action.pending();
    view! {
        <Title text="Create an account"/>
        <section class="auth-card">
            <h1>"Create an account"</h1>
            <ErrorNotice error/>
            <ActionForm action>
                <fieldset class="role-choice">
                    <legend>"I am…"</legend>
                    <label class="choice">
                        <input type="radio" name="role" value="employer"
                            checked=move || role.get() == "employer"
                            on:change=move |_| role.set("employer".into())/>
                        <span>
                            <strong>"Hiring"</strong>
                            " — browse candidates and unlock profiles"
                        </span>
                    </label>
                    <label class="choice">
                        <input type="radio" name="role" value="candidate"
                            checked=move || role.get() == "candidate"
                            on:change=move |_| role.set("candidate".into())/>
                        <span>
                            <strong>"Looking"</strong>
                            " — publish a profile employers can find"
                        </span>
                    </label>
                    <FieldError error name="role"/>
                </fieldset>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" type="email" name="email" autocomplete="email" required
                        maxlength="254" aria-describedby="email-error"/>
                    <FieldError error name="email"/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" type="password" name="password" autocomplete="new-password"
                        required minlength=MIN_PASSWORD_CHARS maxlength="128"
                        aria-describedby="password-hint password-error"/>
                    <p class="hint" id="password-hint">
                        {format!("At least {MIN_PASSWORD_CHARS} characters.")}
                    </p>
                    <FieldError error name="password"/>
                </div>
                // Without JavaScript both groups show; the server ignores company fields
                // for candidates.
                <div class="company-fields" class:hidden=move || role.get() == "candidate">
                    <div class="field">
                        <label for="company_name">"Company name"</label>
                        <input id="company_name" type="text" name="company_name" maxlength="100"
                            autocomplete="organization" aria-describedby="company_name-error"/>
                        <FieldError error name="company_name"/>
                    </div>
                    <div class="field">
                        <label for="company_website">"Company website"</label>
                        <input id="company_website" type="text" name="company_website"
                            maxlength="200" placeholder="https://example.com" inputmode="url"
                            aria-describedby="company_website-error"/>
                        <FieldError error name="company_website"/>
                    </div>
                    <p class="hint">
                        "An administrator reviews every new company before it can unlock profiles."
                    </p>
                </div>
                <button type="submit" class="button primary wide" disabled=pending>
                    {move || {
                        if pending.get() { "Creating your account…" } else { "Create account" }
                    }}
                </button>
            </ActionForm>
            <p class="muted">"Already have an account? " <A href="/signin">"Sign in"</A></p>
        </section>
    }
}
