//! Payments: the unlock button, Stripe Checkout, and the page an employer returns to.

#[cfg(feature = "ssr")]
pub mod ssr;

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::app::ErrorPage;
use crate::error::AppError;
use crate::profiles::{FullProfile, FullProfileView, get_full_profile};
use crate::ui::{self, ErrorNotice, Loading, Notice};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    pub amount: i64,
    pub currency: String,
}

impl Price {
    pub fn display(&self) -> String {
        ui::format_money(self.amount, &self.currency)
    }
}

/// Where the caller stands with one profile, and so what the unlock panel offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnlockStatus {
    SignInRequired {
        price: Price,
    },
    /// Candidates and administrators cannot buy profiles.
    NotAnEmployer,
    OwnProfile,
    ApprovalPending {
        price: Price,
    },
    CompanyRejected {
        reason: Option<String>,
    },
    /// Not published, so not for sale.
    Unavailable,
    /// Paid with a delayed method; unlocks when the money arrives.
    Processing,
    /// `resume`: a checkout is already open and will be reused.
    Available {
        price: Price,
        resume: bool,
    },
    Unlocked {
        unlocked_at: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutStarted {
    pub session_id: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckoutState {
    Unlocked,
    Processing,
    NotPaid,
    Failed,
    Expired,
    /// A second payment for a profile already unlocked, refunded.
    Refunded,
    /// The payment was refunded or disputed after it unlocked the profile.
    Revoked,
    /// The payment did not match the checkout; support has to look.
    Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutOutcome {
    pub profile_id: i64,
    pub state: CheckoutState,
}

#[server(endpoint = "unlock_status")]
pub async fn get_unlock_status(profile_id: i64) -> Result<UnlockStatus, AppError> {
    use crate::accounts::ssr::current_user;
    use crate::server::request::{app_state, finish};

    let result = async {
        let state = app_state()?;
        let user = current_user().await?;
        ssr::checkout::unlock_status(&state, user.as_ref(), profile_id).await
    }
    .await;
    finish(result)
}

/// Starts (or resumes) paying for a profile; the browser is then sent to the session's URL.
#[server(endpoint = "checkout")]
pub async fn start_checkout(profile_id: i64) -> Result<CheckoutStarted, AppError> {
    use crate::accounts::ssr::require_user;
    use crate::server::request::{app_state, finish, redirect_plain_form};

    let result = async {
        let user = require_user().await?;
        let state = app_state()?;
        let started = ssr::checkout::start(&state, &user, profile_id).await?;
        redirect_plain_form(&started.url);
        Ok(started)
    }
    .await;
    finish(result)
}

/// Called by the page Stripe returns the employer to: fulfils at once if the payment is in.
#[server(endpoint = "checkout_confirm")]
pub async fn confirm_checkout(session_id: String) -> Result<CheckoutOutcome, AppError> {
    use crate::accounts::{Role, ssr::require_role};
    use crate::server::request::{app_state, finish};

    let result = async {
        let user = require_role(Role::Employer).await?;
        let state = app_state()?;
        if session_id.is_empty()
            || session_id.len() > 255
            || !session_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(AppError::not_found("We could not find that checkout for your account."));
        }
        ssr::checkout::confirm(&state, &user, &session_id).await
    }
    .await;
    finish(result)
}

/// How often a page waiting for a payment asks again.
const POLL_EVERY: Duration = Duration::from_secs(2);

/// `on_unlocked` runs when a payment that was still clearing has unlocked the profile, so the
/// page can show it without a reload.
#[component]
pub fn UnlockPanel(
    profile_id: i64,
    status: Result<UnlockStatus, AppError>,
    #[prop(into)] on_unlocked: Callback<()>,
) -> impl IntoView {
    let status = match status {
        Ok(status) => status,
        Err(error) => return view! { <ErrorNotice error=Signal::stored(Some(error))/> }.into_any(),
    };
    let sign_in = format!("/signin?next=/profiles/{profile_id}");
    match status {
        UnlockStatus::SignInRequired { price } => view! {
            <div class="unlock-panel">
                <p class="price">{price.display()}</p>
                <p>"Sign in with an employer account to unlock this candidate's name, contact "
                   "details and full work history."</p>
                <a class="button primary wide" href=sign_in>"Sign in to unlock"</a>
                <a class="button wide" href="/signup">"Create an employer account"</a>
            </div>
        }
        .into_any(),
        UnlockStatus::NotAnEmployer => view! {
            <div class="unlock-panel">
                <p>"Only employer accounts can unlock profiles. Sign in with your company's "
                   "account to buy this one."</p>
            </div>
        }
        .into_any(),
        UnlockStatus::OwnProfile | UnlockStatus::Unlocked { .. } => view! {
            <div class="unlock-panel">
                <a class="button wide" href=format!("/profiles/{profile_id}")>
                    "View the full profile"
                </a>
            </div>
        }
        .into_any(),
        UnlockStatus::ApprovalPending { price } => view! {
            <div class="unlock-panel">
                <p class="price">{price.display()}</p>
                <Notice tone="warning">
                    "Your company is awaiting approval. You can keep browsing; the unlock "
                    "button appears here as soon as an administrator approves you."
                </Notice>
            </div>
        }
        .into_any(),
        UnlockStatus::CompanyRejected { reason } => view! {
            <div class="unlock-panel">
                <Notice tone="warning">
                    "Your company was not approved, so it cannot unlock profiles."
                    {reason.map(|r| view! { <br/>"Reason: "{r} })}
                </Notice>
            </div>
        }
        .into_any(),
        UnlockStatus::Unavailable => view! {
            <div class="unlock-panel">
                <p>"This profile is not published at the moment, so it cannot be unlocked."</p>
            </div>
        }
        .into_any(),
        UnlockStatus::Processing => view! { <WaitForUnlock profile_id on_unlocked/> }.into_any(),
        UnlockStatus::Available { price, resume } => {
            view! { <UnlockButton profile_id price resume/> }.into_any()
        }
    }
}

#[component]
fn UnlockButton(profile_id: i64, price: Price, resume: bool) -> impl IntoView {
    let checkout = ServerAction::<StartCheckout>::new();
    let query_error = crate::ui::use_query_error();
    let error = Signal::derive(move || match checkout.value().get() {
        Some(Err(err)) => Some(err),
        Some(Ok(_)) => None,
        None => query_error.get(),
    });
    // Stripe's page is another site (or the simulator, outside the router): leave the app.
    Effect::new(move |_| {
        if let Some(Ok(started)) = checkout.value().get() {
            let _ = window().location().assign(&started.url);
        }
    });
    let busy = move || checkout.pending().get() || matches!(checkout.value().get(), Some(Ok(_)));
    let label = price.display();
    view! {
        <div class="unlock-panel">
            <p class="price">{label.clone()}<span class="muted">" one-time"</span></p>
            <ul class="unlock-includes">
                <li>"Name, email and phone"</li>
                <li>"Employers and descriptions in the work history"</li>
                <li>"Kept in your purchases for good"</li>
            </ul>
            <ErrorNotice error/>
            {resume.then(|| view! {
                <p class="hint">
                    "You have a checkout in progress; continuing it will not charge you twice."
                </p>
            })}
            <ActionForm action=checkout>
                <input type="hidden" name="profile_id" value=profile_id/>
                <button type="submit" class="button primary wide unlock-button" disabled=busy
                    aria-busy=move || busy().to_string()>
                    {move || if busy() {
                        "Opening secure checkout…".to_owned()
                    } else {
                        format!("Unlock for {label}")
                    }}
                </button>
            </ActionForm>
            <p class="hint">"Payments are handled by Stripe. You are charged once per profile."</p>
        </div>
    }
}

/// Shows "payment received" and asks again until the profile opens, then hands over to
/// `on_unlocked`. The asking happens in the browser only: the server renders the waiting
/// panel at once.
#[component]
fn WaitForUnlock(profile_id: i64, on_unlocked: Callback<()>) -> impl IntoView {
    Effect::new(move |_| {
        let asking = std::rc::Rc::new(std::cell::Cell::new(false));
        let ask = move || {
            // A slow answer must not pile up requests behind it, and once the profile is
            // open there is nothing left to ask.
            if asking.replace(true) {
                return;
            }
            let asking = asking.clone();
            leptos::task::spawn_local(async move {
                if let Ok(UnlockStatus::Unlocked { .. }) = get_unlock_status(profile_id).await {
                    on_unlocked.run(());
                } else {
                    asking.set(false);
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(ask, POLL_EVERY) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <div class="unlock-panel">
            <noscript><meta http-equiv="refresh" content="3"/></noscript>
            <Loading label="Payment received, unlocking…"/>
            <p class="hint">"This usually takes a few seconds; the page updates by itself."</p>
        </div>
    }
}

/// What the page an employer returns to from Checkout shows: the checkout's outcome and,
/// once it unlocked the profile, the profile itself (one resource, for the reason given on
/// the profile page's).
type Returned = (CheckoutOutcome, Option<Result<FullProfile, AppError>>);

async fn load_outcome(session_id: String) -> Result<Returned, AppError> {
    let outcome = confirm_checkout(session_id).await?;
    let full = match outcome.state {
        CheckoutState::Unlocked => Some(get_full_profile(outcome.profile_id).await),
        _ => None,
    };
    Ok((outcome, full))
}

#[component]
pub fn CheckoutSuccessPage() -> impl IntoView {
    let query = use_query_map();
    let session_id = move || query.read().get("session_id").unwrap_or_default();
    let tick = RwSignal::new(0u32);
    let outcome = Resource::new(
        move || (session_id(), tick.get()),
        |(session_id, _)| load_outcome(session_id),
    );
    // Poll while the payment is still on its way.
    Effect::new(move |_| {
        if let Some(Ok((CheckoutOutcome { state: CheckoutState::Processing, .. }, _))) =
            outcome.get()
        {
            set_timeout(move || tick.update(|t| *t += 1), POLL_EVERY);
        }
    });
    view! {
        <Title text="Payment"/>
        <Transition fallback=|| view! { <Loading label="Confirming your payment…"/> }>
            {move || Suspend::new(async move {
                match outcome.await {
                    Ok((outcome, full)) => view! { <OutcomeView outcome full/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OutcomeView(
    outcome: CheckoutOutcome,
    full: Option<Result<FullProfile, AppError>>,
) -> impl IntoView {
    let profile = format!("/profiles/{}", outcome.profile_id);
    let back = view! { <a class="button" href=profile.clone()>"Back to the profile"</a> };
    match outcome.state {
        CheckoutState::Unlocked => view! {
            <Notice tone="success">"Payment received — the profile is unlocked. "
                <a href="/dashboard/purchases">"See all your purchases"</a>
            </Notice>
            {match full {
                Some(Ok(full)) => view! { <FullProfileView full/> }.into_any(),
                Some(Err(error)) => {
                    view! { <ErrorNotice error=Signal::stored(Some(error))/> }.into_any()
                }
                None => ().into_any(),
            }}
        }
        .into_any(),
        CheckoutState::Processing => view! {
            <section class="panel center">
                // Without JavaScript the page reloads itself to check again.
                <noscript><meta http-equiv="refresh" content="3"/></noscript>
                <h1>"Payment received"</h1>
                <Loading label="Payment received, unlocking…"/>
                <p>"We are waiting for the payment to clear. This page updates by itself."</p>
            </section>
        }
        .into_any(),
        CheckoutState::NotPaid => view! {
            <section class="panel center">
                <h1>"Payment not completed"</h1>
                <p>"This checkout has not been paid, so you have not been charged."</p>
                {back}
            </section>
        }
        .into_any(),
        CheckoutState::Failed => view! {
            <section class="panel center" role="alert">
                <h1>"Payment failed"</h1>
                <p>"Your payment did not go through, so the profile is still locked and you "
                   "have not been charged. You can try again with another payment method."</p>
                {back}
            </section>
        }
        .into_any(),
        CheckoutState::Expired => view! {
            <section class="panel center">
                <h1>"Checkout expired"</h1>
                <p>"This checkout timed out before it was paid. You have not been charged."</p>
                {back}
            </section>
        }
        .into_any(),
        CheckoutState::Refunded => view! {
            <section class="panel center">
                <h1>"You already had this profile"</h1>
                <p>"This payment was for a profile you had already unlocked, so we refunded it "
                   "in full. It can take a few days to show on your statement."</p>
                {back}
            </section>
        }
        .into_any(),
        CheckoutState::Revoked => view! {
            <section class="panel center">
                <h1>"This purchase was reversed"</h1>
                <p>"The payment was refunded or disputed, so the profile is locked again."</p>
                {back}
            </section>
        }
        .into_any(),
        CheckoutState::Problem => view! {
            <section class="panel center" role="alert">
                <h1>"We could not match this payment"</h1>
                <p>"The amount paid does not match this checkout, so nothing was unlocked. "
                   "Our team has been alerted and will refund or unlock it."</p>
                {back}
            </section>
        }
        .into_any(),
    }
}
