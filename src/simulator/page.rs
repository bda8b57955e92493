//! The hosted checkout page: what is bought, for how much, and Pay, Decline or Cancel.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{PREFIX, Simulator, escape_html, html};
use crate::ui::format_money;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;background:#f4f5f7;color:#1a1f36;
margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.08);padding:2rem;
width:min(28rem,92vw)}
.badge{display:inline-block;background:#fff4d6;color:#7a5200;border-radius:4px;padding:.1rem .5rem;
font-size:.8rem;font-weight:600}
h1{font-size:1.1rem;margin:.75rem 0 .25rem}.amount{font-size:2rem;font-weight:700;margin:.5rem 0}
.muted{color:#5b6478;font-size:.9rem}.error{background:#fde8e8;color:#8a1c1c;border-radius:6px;
padding:.75rem;margin:1rem 0}
.card{border:1px solid #d9dce3;border-radius:6px;padding:.75rem;margin:1rem 0;font-family:monospace}
button{width:100%;padding:.8rem;border-radius:6px;border:0;font-size:1rem;font-weight:600;
cursor:pointer;margin-top:.5rem}
.pay{background:#5046e5;color:#fff}.decline{background:#fff;color:#8a1c1c;border:1px solid #e3b4b4}
.delayed{background:#fff;color:#1a1f36;border:1px solid #d9dce3}
.cancel{background:none;color:#5b6478;text-decoration:underline}
button:focus-visible{outline:3px solid #9b95ff;outline-offset:2px}
";

pub async fn show(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    let Some(session) = sim.session_for_page(&id) else {
        return html(page(
            "Checkout not found",
            "<p>There is no checkout session with this id.</p>",
        ));
    };
    let id = escape_html(&session.id);
    if session.status != "open" {
        let (message, link) = match session.status {
            "complete" => (
                "This checkout has been paid.",
                session.success_url.replace("{CHECKOUT_SESSION_ID}", &session.id),
            ),
            _ => (
                "This checkout has expired. You were not charged.",
                session.cancel_url.clone().unwrap_or_else(|| sim.public_base().to_owned()),
            ),
        };
        let body = format!(
            "<p>{message}</p><p><a href=\"{}\">Return to the merchant</a></p>",
            escape_html(&link)
        );
        return html(page("Checkout closed", &body));
    }
    let declined = if session.declined {
        "<div class=\"error\" role=\"alert\">Your card was declined. No money was taken. \
         Try again, or cancel to return to the merchant.</div>"
    } else {
        ""
    };
    let body = format!(
        "<span class=\"badge\">Payment simulator · test mode</span>
        <h1>{name}</h1>
        <p class=\"muted\">{description}</p>
        <p class=\"amount\">{amount}</p>
        <p class=\"muted\">{email}</p>
        {declined}
        <div class=\"card\" aria-label=\"Test card\">4242 4242 4242 4242 · 12/34 · 123</div>
        <form method=\"post\" action=\"{PREFIX}/checkout/{id}/pay\">
            <button class=\"pay\" type=\"submit\">Pay {amount}</button>
        </form>
        <form method=\"post\" action=\"{PREFIX}/checkout/{id}/pay?method=delayed\">
            <button class=\"delayed\" type=\"submit\">Pay by bank debit (settles later)</button>
        </form>
        <form method=\"post\" action=\"{PREFIX}/checkout/{id}/decline\">
            <button class=\"decline\" type=\"submit\">Decline the card</button>
        </form>
        <form method=\"post\" action=\"{PREFIX}/checkout/{id}/cancel\">
            <button class=\"cancel\" type=\"submit\">Cancel and return</button>
        </form>",
        name = escape_html(&session.product_name),
        description = escape_html(&session.description),
        amount = escape_html(&format_money(session.amount, &session.currency)),
        email = session.customer_email.as_deref().map(escape_html).unwrap_or_default(),
    );
    html(page("Checkout", &body))
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Payment simulator</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>"
    )
}
