//! The application shell: document, header, routes, and the pages that belong to no feature.

use leptos::prelude::*;
use leptos_meta::{Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::accounts::{self, CompanyStatus, Role, Session, SessionUser, SignOut, current_session};
use crate::admin::EmployersPage;
use crate::error::AppError;
use crate::profiles::{BrowsePage, EditProfilePage, InsightsPage, ProfilePage};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="stylesheet" href=stylesheet/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let session = Resource::new(|| (), |_| current_session());
    provide_context(Session(session));
    // Marks the page as interactive once the WebAssembly has taken over (tests wait for it).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });

    // Every route renders completely on the server before it is sent: the pages then work
    // without JavaScript, and a page can answer 404 or 401 when its data says so.
    view! {
        <Title formatter=|text: String| {
            if text.is_empty() {
                "Talentboard".to_owned()
            } else {
                format!("{text} · Talentboard")
            }
        }/>
        <Meta name="description" content="Talentboard: find candidates, pay once per profile."/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("") view=Landing ssr=SsrMode::Async/>
                    <Route path=path!("/signin") view=accounts::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view=accounts::SignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/profiles") view=BrowsePage ssr=SsrMode::Async/>
                    <Route path=path!("/profiles/:id") view=ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/me/profile") view=EditProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/me/insights") view=InsightsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/employers") view=EmployersPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/checkout/success")
                        view=crate::payments::CheckoutSuccessPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/dashboard/purchases")
                        view=crate::purchases::PurchasesPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"Talentboard — candidates publish, employers pay once per profile."</p>
            </footer>
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let Session(session) = accounts::use_session();
    view! {
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    "Talentboard"
                </A>
                <Suspense fallback=|| view! { <span class="nav-links"></span> }>
                    {move || Suspend::new(async move {
                        let user = session.await.ok().flatten();
                        // When a client leaves mid-render, the page is dropped while this may
                        // still run, cut off from its ancestors' context (the router's, that
                        // the links look up and panic without). Nobody will see it.
                        if use_context::<Session>().is_none() {
                            return ().into_any();
                        }
                        view! { <NavLinks user/> }.into_any()
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

#[component]
fn NavLinks(user: Option<SessionUser>) -> impl IntoView {
    let Some(user) = user else {
        return view! {
            <ul class="nav-links">
                <li><A href="/profiles">"Browse profiles"</A></li>
                <li><A href="/signin">"Sign in"</A></li>
                <li><A href="/signup" attr:class="button small primary">"Sign up"</A></li>
            </ul>
        }
        .into_any();
    };
    let links = match user.role {
        Role::Candidate => view! {
            <li><A href="/me/profile">"My profile"</A></li>
            <li><A href="/me/insights">"Insights"</A></li>
        }
        .into_any(),
        Role::Employer => view! {
            <li><A href="/profiles">"Browse profiles"</A></li>
            <li><A href="/dashboard/purchases">"Purchases"</A></li>
        }
        .into_any(),
        Role::Admin => view! {
            <li><A href="/profiles">"Browse profiles"</A></li>
            <li><A href="/admin/employers">"Employer approvals"</A></li>
        }
        .into_any(),
    };
    let pending = match user.company.as_ref().map(|c| c.status) {
        Some(CompanyStatus::Pending) => {
            Some(view! { <span class="badge badge-warning">"Approval pending"</span> }.into_any())
        }
        Some(CompanyStatus::Rejected) => {
            Some(view! { <span class="badge badge-danger">"Not approved"</span> }.into_any())
        }
        _ => None,
    };
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/");
        }
    });
    view! {
        <ul class="nav-links">
            {links}
            <li class="nav-user">
                <span class="user-email" title="Signed in">{user.email.clone()}</span>
                {pending}
            </li>
            <li>
                <ActionForm action=sign_out>
                    <button type="submit" class="link-button">"Sign out"</button>
                </ActionForm>
            </li>
        </ul>
    }
    .into_any()
}

#[component]
fn Landing() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Hire from profiles you can trust. Pay only for the ones you want."</h1>
            <p class="lead">
                "Talentboard lists candidates' experience, skills and work history openly, "
                "without names. When a profile fits, unlock it once to see who they are and "
                "how to reach them."
            </p>
            <div class="hero-actions">
                <A href="/profiles" attr:class="button primary">"Browse profiles"</A>
                <A href="/signup?role=candidate" attr:class="button">"Publish your profile"</A>
            </div>
        </section>
        <section class="steps" aria-label="How it works">
            <article>
                <h2>"1. Browse anonymized profiles"</h2>
                <p>
                    "Filter by specialization and experience. Names, contacts and past employers "
                    "stay hidden."
                </p>
            </article>
            <article>
                <h2>"2. Unlock the one you want"</h2>
                <p>
                    "Approved employers pay a one-time fee through Stripe Checkout — no "
                    "subscription."
                </p>
            </article>
            <article>
                <h2>"3. Get in touch"</h2>
                <p>
                    "See the candidate's name, email, phone and full work history, kept in your "
                    "dashboard."
                </p>
            </article>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Page not found"/>
        <section class="panel center">
            <h1>"Page not found"</h1>
            <p>
                "There is nothing at this address. It may have moved, or the link may be "
                "mistyped."
            </p>
            <A href="/" attr:class="button">"Go to the home page"</A>
        </section>
    }
}

/// Sets the HTTP status of the page being rendered on the server; does nothing in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), axum::http::StatusCode::from_u16(code))
    {
        options.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// What a page shows when its data could not be loaded: what happened, and what to do next.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_status(error.status().as_u16());
    let (title, action) = match &error {
        AppError::Unauthenticated => (
            "Please sign in",
            view! { <a class="button primary" href="/signin">"Sign in"</a> }.into_any(),
        ),
        AppError::NotFound { .. } => (
            "Not found",
            view! { <A href="/profiles" attr:class="button">"Browse profiles"</A> }.into_any(),
        ),
        AppError::Forbidden { .. } => (
            "Not available to your account",
            view! { <A href="/" attr:class="button">"Go to the home page"</A> }.into_any(),
        ),
        _ => {
            ("Something went wrong", view! { <a class="button" href="">"Try again"</a> }.into_any())
        }
    };
    view! {
        <Title text=title/>
        <section class="panel center" role="alert">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            {action}
        </section>
    }
}
