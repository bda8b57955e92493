//! Accounts: signing up, in and out, and who the caller is.

mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use pages::{SignInPage, SignUpPage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Candidate,
    Employer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Candidate => "candidate",
            Self::Employer => "employer",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "candidate" => Some(Self::Candidate),
            "employer" => Some(Self::Employer),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// Where a user of this role starts after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Self::Candidate => "/me/profile",
            Self::Employer => "/profiles",
            Self::Admin => "/admin/employers",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompanyStatus {
    Pending,
    Approved,
    Rejected,
}

impl CompanyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyInfo {
    pub name: String,
    pub status: CompanyStatus,
    pub review_reason: Option<String>,
}

/// The signed-in user as the browser sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub company: Option<CompanyInfo>,
}

impl SessionUser {
    pub fn is_approved_employer(&self) -> bool {
        self.role == Role::Employer
            && self.company.as_ref().is_some_and(|c| c.status == CompanyStatus::Approved)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub redirect_to: String,
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MAX_EMAIL_CHARS: usize = 254;

/// Lower-cases and checks an email address; the error names `field`.
pub fn normalize_email(raw: &str, field: &str) -> Result<String, FieldError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else if email.is_empty() {
        Err(FieldError::new(field, "Enter your email address."))
    } else {
        Err(FieldError::new(field, "Enter a valid email address, like name@example.com."))
    }
}

/// A redirect target after sign-in: only paths on this site.
#[cfg(feature = "ssr")]
fn safe_next(next: Option<String>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
}

/// The signed-in user, or `None` for an anonymous visitor.
#[server(endpoint = "session")]
pub async fn current_session() -> Result<Option<SessionUser>, AppError> {
    crate::server::request::finish(ssr::current_user().await)
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<SignedIn, AppError> {
    use crate::server::request::{app_state, finish, redirect_plain_form};

    let result = async {
        let state = app_state()?;
        let failed = || AppError::forbidden("invalid_credentials", INVALID_CREDENTIALS);
        let Ok(email) = normalize_email(&email, "email") else { return Err(failed()) };
        if password.len() > MAX_PASSWORD_CHARS * 4 {
            return Err(failed());
        }
        ssr::check_throttle(&state.db, &email).await?;

        let found = ssr::credentials(&state.db, &email).await?;
        let (user_id, hash) = match found {
            Some((id, hash)) => (Some(id), hash),
            None => (None, None),
        };
        let verified = ssr::verify_password(password, hash).await?;
        let Some(user_id) = user_id.filter(|_| verified) else {
            ssr::record_failure(&state.db, &email).await?;
            tracing::info!("sign-in refused");
            return Err(failed());
        };

        ssr::clear_failures(&state.db, &email).await?;
        ssr::start_session(&state.db, user_id, state.config.secure_cookies()).await?;
        let user = ssr::user_by_id(&state.db, user_id).await?.ok_or(AppError::Internal)?;
        tracing::info!(user.id = user_id, user.role = user.role.as_str(), "signed in");
        let redirect_to = safe_next(next).unwrap_or_else(|| user.role.home().to_owned());
        redirect_plain_form(&redirect_to);
        Ok(SignedIn { redirect_to })
    }
    .await;
    finish(result)
}

pub const INVALID_CREDENTIALS: &str = "That email and password do not match an account.";

#[server(endpoint = "sign_up")]
pub async fn sign_up(
    role: String,
    email: String,
    password: String,
    #[server(default)] company_name: String,
    #[server(default)] company_website: String,
) -> Result<SignedIn, AppError> {
    use crate::server::request::{app_state, finish, redirect_plain_form};

    let result = async {
        let state = app_state()?;
        let input = validate_sign_up(&role, &email, &password, &company_name, &company_website)
            .map_err(AppError::invalid)?;
        let hash = ssr::hash_password(password).await?;
        let company = input.company.as_ref().map(|(n, w)| (n.as_str(), w.as_str()));
        let Some(user_id) =
            ssr::create_user(&state.db, &input.email, Some(&hash), input.role, company).await?
        else {
            return Err(AppError::invalid(vec![FieldError::new(
                "email",
                "An account with this email already exists. Sign in instead.",
            )]));
        };
        ssr::start_session(&state.db, user_id, state.config.secure_cookies()).await?;
        tracing::info!(user.id = user_id, user.role = input.role.as_str(), "signed up");
        let redirect_to = input.role.home().to_owned();
        redirect_plain_form(&redirect_to);
        Ok(SignedIn { redirect_to })
    }
    .await;
    finish(result)
}

#[cfg(feature = "ssr")]
struct SignUpInput {
    role: Role,
    email: String,
    company: Option<(String, String)>,
}

#[cfg(feature = "ssr")]
fn validate_sign_up(
    role: &str,
    email: &str,
    password: &str,
    company_name: &str,
    company_website: &str,
) -> Result<SignUpInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let role = match role {
        "candidate" => Some(Role::Candidate),
        "employer" => Some(Role::Employer),
        _ => {
            errors.push(FieldError::new("role", "Choose whether you are hiring or looking."));
            None
        }
    };
    let email = normalize_email(email, "email").map_err(|e| errors.push(e)).ok();
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new(
            "password",
            format!("Use at least {MIN_PASSWORD_CHARS} characters."),
        ));
    } else if chars > MAX_PASSWORD_CHARS {
        errors.push(FieldError::new(
            "password",
            format!("Use at most {MAX_PASSWORD_CHARS} characters."),
        ));
    }
    let mut company = None;
    if role == Some(Role::Employer) {
        let name = company_name.trim();
        let name_chars = name.chars().count();
        if !(2..=100).contains(&name_chars) || name.chars().any(char::is_control) {
            errors.push(FieldError::new(
                "company_name",
                "Enter your company's name (2 to 100 characters).",
            ));
        }
        let website = normalize_website(company_website);
        if website.is_none() {
            errors.push(FieldError::new(
                "company_website",
                "Enter your company's website, like https://example.com.",
            ));
        }
        company = website.map(|w| (name.to_owned(), w));
    }
    match (role, email) {
        (Some(role), Some(email)) if errors.is_empty() => Ok(SignUpInput { role, email, company }),
        _ => Err(errors),
    }
}

#[cfg(feature = "ssr")]
fn normalize_website(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let url = if raw.starts_with("http://") || raw.starts_with("https://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    let host = url.split_once("://")?.1.split(['/', '?', '#']).next()?;
    let valid = url.len() <= 200
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
    valid.then_some(url)
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::request::{app_state, finish, redirect_plain_form};

    let result = async {
        let state = app_state()?;
        ssr::end_session(&state.db, state.config.secure_cookies()).await?;
        redirect_plain_form("/");
        Ok(())
    }
    .await;
    finish(result)
}

/// The session resource every page shares, created once by the app shell.
#[derive(Clone, Copy)]
pub struct Session(pub Resource<Result<Option<SessionUser>, AppError>>);

pub fn use_session() -> Session {
    expect_context::<Session>()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(normalize_email("  Ada@Example.COM ", "email").unwrap(), "ada@example.com");
    }

    #[test]
    fn an_email_without_a_domain_is_refused() {
        assert!(normalize_email("ada@", "email").is_err());
        assert!(normalize_email("ada@localhost", "email").is_err());
        assert!(normalize_email("a da@example.com", "email").is_err());
    }

    #[test]
    fn employers_must_name_their_company_and_website() {
        let errors =
            validate_sign_up("employer", "a@example.com", "long enough pw", "", "x").err().unwrap();

        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["company_name", "company_website"]);
    }

    #[test]
    fn a_website_without_a_scheme_gets_https() {
        assert_eq!(normalize_website("example.com").as_deref(), Some("https://example.com"));
        assert_eq!(normalize_website("javascript:alert(1)"), None);
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/profiles".into())).as_deref(), Some("/profiles"));
        assert_eq!(safe_next(Some("//evil.example".into())), None);
        assert_eq!(safe_next(Some("https://evil.example".into())), None);
    }
}
