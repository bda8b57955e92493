//! Helpers every server function uses: the state, the request, and how errors leave.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderValue;
use axum::http::header::{ACCEPT, COOKIE, REFERER, RETRY_AFTER};
use axum::http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::error::AppError;
use crate::server::state::AppState;

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        if parts().is_none() {
            // Every request provides its parts beside the state. With neither in reach, the
            // page this work was for has been dropped, its client gone (a closed tab, a load
            // generator stopping), and nobody is waiting for the answer.
            tracing::debug!("request abandoned by its client before it finished");
            AppError::Internal
        } else {
            AppError::internal("application state missing")
        }
    })
}

pub fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// A form posted by the browser itself, with no JavaScript in between: it wants HTML and
/// redirects back, where a hydrated page wants data.
pub fn is_plain_form_post() -> bool {
    parts()
        .and_then(|p| p.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Sends a plain form post on to `path`; a hydrated caller decides where to go itself.
pub fn redirect_plain_form(path: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(path);
    }
}

pub fn cookie(name: &str) -> Option<String> {
    cookie_from_headers(&parts()?.headers, name)
}

pub fn cookie_from_headers(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|header| {
        header.split(';').find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    })
}

pub fn client_ip() -> Option<IpAddr> {
    parts()?.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

pub fn response_options() -> Option<ResponseOptions> {
    use_context::<ResponseOptions>()
}

/// Ends a server function: an error gets its HTTP status (and Retry-After), or, for a plain
/// form post, a redirect back to the form with the error's code in the query string.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    let Err(err) = &result else { return result };
    let Some(options) = response_options() else { return result };
    if is_plain_form_post() {
        leptos_axum::redirect(&back_with_error(err));
        return result;
    }
    options.set_status(err.status());
    if let AppError::RateLimited { retry_after } = err
        && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
    {
        options.insert_header(RETRY_AFTER, value);
    }
    result
}

/// The page the form was posted from, with `error` (and `fields`) set in its query.
fn back_with_error(err: &AppError) -> String {
    let referer = parts()
        .and_then(|p| p.headers.get(REFERER).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .unwrap_or_else(|| "/".to_owned());
    // Keep only the path and query: a redirect must never leave the site.
    let local = match referer.find("://") {
        Some(scheme_end) => {
            let rest = &referer[scheme_end + 3..];
            rest.find('/').map(|i| rest[i..].to_owned()).unwrap_or_else(|| "/".to_owned())
        }
        None if referer.starts_with('/') && !referer.starts_with("//") => referer,
        None => "/".to_owned(),
    };
    let (path, query) = local.split_once('?').unwrap_or((&local, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !["error=", "fields=", "retry_after="].iter().any(|k| p.starts_with(k)))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("error={}", err.code()));
    match err {
        AppError::Invalid { fields, .. } if !fields.is_empty() => {
            let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            pairs.push(format!("fields={}", names.join(",")));
        }
        AppError::RateLimited { retry_after } => pairs.push(format!("retry_after={retry_after}")),
        _ => {}
    }
    format!("{path}?{}", pairs.join("&"))
}
