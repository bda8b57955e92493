//! Small pieces every page uses: formatting, notices and error display.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

fn is_zero_decimal(code: &str) -> bool {
    matches!(
        code,
        "BIF"
            | "CLP"
            | "DJF"
            | "GNF"
            | "JPY"
            | "KMF"
            | "KRW"
            | "MGA"
            | "PYG"
            | "RWF"
            | "UGX"
            | "VND"
            | "VUV"
            | "XAF"
            | "XOF"
            | "XPF"
    )
}

/// Minor units as a plain decimal: `4900, "usd"` → `49.00`; yen and friends have no cents.
pub fn decimal_amount(amount: i64, currency: &str) -> String {
    if is_zero_decimal(&currency.to_ascii_uppercase()) {
        amount.to_string()
    } else {
        format!(
            "{}{}.{:02}",
            if amount < 0 { "-" } else { "" },
            (amount / 100).abs(),
            (amount % 100).abs()
        )
    }
}

/// `4900, "usd"` → `$49.00`, with thousands grouped.
pub fn format_money(amount: i64, currency: &str) -> String {
    let code = currency.to_ascii_uppercase();
    let number = if is_zero_decimal(&code) {
        group_thousands(amount)
    } else {
        format!("{}.{:02}", group_thousands(amount / 100), (amount % 100).abs())
    };
    match code.as_str() {
        "USD" => format!("${number}"),
        "EUR" => format!("€{number}"),
        "GBP" => format!("£{number}"),
        "JPY" => format!("¥{number}"),
        _ => format!("{number} {code}"),
    }
}

pub fn group_thousands(value: i64) -> String {
    let digits = value.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0 { format!("-{out}") } else { out }
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Unix seconds → `3 Dec 2026` (UTC).
pub fn format_date(ts: i64) -> String {
    let (year, month, day) = civil_from_days(ts.div_euclid(86_400));
    format!("{day} {} {year}", MONTHS[(month - 1) as usize])
}

/// Unix seconds → `2026-12-03` (UTC), for machines and CSV files.
pub fn iso_date(ts: i64) -> String {
    let (year, month, day) = civil_from_days(ts.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Unix seconds → `3 Dec`, for chart labels.
pub fn short_date(ts: i64) -> String {
    let (_, month, day) = civil_from_days(ts.div_euclid(86_400));
    format!("{day} {}", MONTHS[(month - 1) as usize])
}

/// A month index (year × 12 + month − 1) → `Mar 2021`.
pub fn format_month(month_index: i64) -> String {
    let year = month_index.div_euclid(12);
    let month = month_index.rem_euclid(12) as usize;
    format!("{} {year}", MONTHS[month])
}

/// A month index → `2021-03`, the value of an `<input type="month">`.
pub fn month_input_value(month_index: i64) -> String {
    format!("{:04}-{:02}", month_index.div_euclid(12), month_index.rem_euclid(12) + 1)
}

/// `2021-03` → a month index.
pub fn parse_month_input(value: &str) -> Option<i64> {
    let (year, month) = value.trim().split_once('-')?;
    let year: i64 = year.parse().ok()?;
    let month: i64 = month.parse().ok()?;
    ((1900..=2200).contains(&year) && (1..=12).contains(&month)).then_some(year * 12 + month - 1)
}

/// How long a job lasted, inclusive of both months: `2 yrs 3 mos`.
pub fn month_span(start: i64, end: i64) -> String {
    let months = (end - start + 1).max(1);
    let (years, rest) = (months / 12, months % 12);
    let years_text = match years {
        0 => String::new(),
        1 => "1 yr".to_owned(),
        n => format!("{n} yrs"),
    };
    let months_text = match rest {
        0 => String::new(),
        1 => "1 mo".to_owned(),
        n => format!("{n} mos"),
    };
    match (years_text.is_empty(), months_text.is_empty()) {
        (false, false) => format!("{years_text} {months_text}"),
        (false, true) => years_text,
        _ => months_text,
    }
}

pub fn plural(count: i64, one: &str, many: &str) -> String {
    if count == 1 { format!("1 {one}") } else { format!("{} {many}", group_thousands(count)) }
}

/// The error a plain form post was redirected back with (`?error=…`), if any.
pub fn use_query_error() -> Signal<Option<AppError>> {
    let query = use_query_map();
    Signal::derive(move || {
        let query = query.read();
        let code = query.get_str("error")?;
        Some(AppError::from_query(code, query.get_str("fields"), query.get_str("retry_after")))
    })
}

/// An error notice, announced to screen readers when it appears.
#[component]
pub fn ErrorNotice(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|err| {
            let extra = match &err {
                AppError::Unauthenticated => Some(view! {
                    " " <a href="/signin">"Sign in"</a>
                }),
                _ => None,
            };
            view! {
                <div class="notice notice-error" role="alert">
                    <span>{err.to_string()}</span>
                    {extra}
                </div>
            }
        })
    }
}

/// The message for one form field, linked to its input by `aria-describedby`.
#[component]
pub fn FieldError(
    #[prop(into)] error: Signal<Option<AppError>>,
    name: &'static str,
) -> impl IntoView {
    let id = format!("{}-error", name.replace(['.', '[', ']'], "-"));
    move || {
        error.get().and_then(|err| err.field(name)).map(|message| {
            view! { <p class="field-error" id=id.clone()>{message}</p> }
        })
    }
}

/// A notice with a tone: "info", "success" or "warning".
#[component]
pub fn Notice(tone: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class=format!("notice notice-{tone}") role="status">
            {children()}
        </div>
    }
}

#[component]
pub fn Loading(#[prop(optional, into)] label: Option<String>) -> impl IntoView {
    let label = label.unwrap_or_else(|| "Loading…".to_owned());
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_formatted_with_its_symbol_and_cents() {
        assert_eq!(format_money(4900, "usd"), "$49.00");
        assert_eq!(format_money(123_456_789, "eur"), "€1,234,567.89");
        assert_eq!(format_money(5000, "jpy"), "¥5,000");
        assert_eq!(format_money(1999, "chf"), "19.99 CHF");
    }

    #[test]
    fn dates_are_civil_dates_in_utc() {
        assert_eq!(format_date(0), "1 Jan 1970");
        assert_eq!(iso_date(1_796_256_000), "2026-12-03");
        assert_eq!(format_date(951_782_400), "29 Feb 2000");
    }

    #[test]
    fn months_round_trip_through_the_month_input() {
        let index = parse_month_input("2021-03").unwrap();
        assert_eq!(month_input_value(index), "2021-03");
        assert_eq!(format_month(index), "Mar 2021");
        assert_eq!(parse_month_input("2021-13"), None);
        assert_eq!(parse_month_input("soon"), None);
    }

    #[test]
    fn spans_count_both_the_first_and_the_last_month() {
        assert_eq!(month_span(0, 0), "1 mo");
        assert_eq!(month_span(0, 11), "1 yr");
        assert_eq!(month_span(0, 26), "2 yrs 3 mos");
    }
}
