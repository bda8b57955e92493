//! Demo data: the four demo logins and a few hundred realistic candidate profiles.
//!
//! Everything is generated from a fixed seed, so two runs give the same people. Contact
//! details use only reserved values: addresses at example.com and example.org, and phone
//! numbers in the fictional 555-01xx range.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sqlx::Row;

use crate::accounts::Role;
use crate::accounts::ssr::hash_password;
use crate::error::AppError;
use crate::server::db::{self, Backend, Db, Tx};

pub const DEMO_PASSWORD: &str = "talentboard-demo";
pub const DEMO_ADMIN: &str = "admin@example.com";
pub const DEMO_EMPLOYER: &str = "employer@example.com";
pub const DEMO_PENDING_EMPLOYER: &str = "pending@example.org";
pub const DEMO_CANDIDATE: &str = "candidate@example.com";

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub profiles: usize,
    /// Profiles the demo employer has already bought (for the dashboard and benchmarks).
    pub purchases: usize,
    pub seed: u64,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self { profiles: 300, purchases: 0, seed: 2026 }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeedResult {
    Created { profiles: usize, purchases: usize },
    AlreadyPresent,
}

pub async fn is_empty(db: &Db) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT COUNT(*) AS users FROM users").fetch_one(db.pool()).await?;
    Ok(row.try_get::<i64, _>("users")? == 0)
}

/// Creates the demo data unless the demo admin already exists.
pub async fn demo(db: &Db, options: &SeedOptions) -> Result<SeedResult, AppError> {
    let exists = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(DEMO_ADMIN)
        .fetch_optional(db.pool())
        .await?;
    if exists.is_some() {
        return Ok(SeedResult::AlreadyPresent);
    }
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let mut rng = StdRng::seed_from_u64(options.seed);
    let catalog: Vec<(i64, String)> =
        sqlx::query("SELECT id, slug FROM specializations ORDER BY id")
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("slug")?)))
            .collect::<Result<_, sqlx::Error>>()?;

    let mut tx = db.begin().await?;
    let now = db::now();
    let mut ids = Ids::load(&mut tx).await?;

    let admin = ids.next_user();
    let employer = ids.next_user();
    let pending = ids.next_user();
    let candidate = ids.next_user();
    let mut users = Batch::new("users", &["id", "email", "password_hash", "role", "created_at"]);
    for (id, email, role) in [
        (admin, DEMO_ADMIN, Role::Admin),
        (employer, DEMO_EMPLOYER, Role::Employer),
        (pending, DEMO_PENDING_EMPLOYER, Role::Employer),
        (candidate, DEMO_CANDIDATE, Role::Candidate),
    ] {
        users.push(vec![
            id.into(),
            email.into(),
            hash.as_str().into(),
            role.as_str().into(),
            now.into(),
        ]);
    }
    let mut companies = Batch::new(
        "companies",
        &[
            "id",
            "owner_id",
            "name",
            "website",
            "status",
            "reviewed_by",
            "reviewed_at",
            "created_at",
        ],
    );
    companies.push(vec![
        ids.next_company().into(),
        employer.into(),
        "Northwind Analytics".into(),
        "https://northwind.example.com".into(),
        "approved".into(),
        admin.into(),
        now.into(),
        (now - 86_400 * 20).into(),
    ]);
    companies.push(vec![
        ids.next_company().into(),
        pending.into(),
        "Globex Hiring".into(),
        "https://globex.example.org".into(),
        "pending".into(),
        Value::NullInt,
        Value::NullInt,
        (now - 3_600).into(),
    ]);
    users.flush(&mut tx, db.backend()).await?;
    companies.flush(&mut tx, db.backend()).await?;

    let mut writer = ProfileWriter::new();
    // The demo candidate's own profile, so their login has something to show.
    let own_profile = writer.add(&mut ids, &mut rng, &catalog, candidate, 0, now, true);
    for n in 1..=options.profiles {
        let user = ids.next_user();
        writer.users.push(vec![
            user.into(),
            format!("candidate{n}@example.org").into(),
            Value::NullText,
            "candidate".into(),
            now.into(),
        ]);
        let published = rng.gen_bool(0.96);
        writer.add(&mut ids, &mut rng, &catalog, user, n, now, published);
        if writer.rows() > 20_000 {
            writer.flush(&mut tx, db.backend()).await?;
        }
    }
    writer.flush(&mut tx, db.backend()).await?;

    let purchases =
        seed_purchases(&mut tx, db.backend(), &mut rng, employer, own_profile, options, now)
            .await?;
    ids.store(&mut tx, db.backend()).await?;
    tx.commit().await?;
    db.analyze().await?;
    Ok(SeedResult::Created { profiles: options.profiles + 1, purchases })
}

#[allow(clippy::too_many_arguments)]
async fn seed_purchases(
    tx: &mut Tx,
    backend: Backend,
    rng: &mut StdRng,
    employer: i64,
    first_profile: i64,
    options: &SeedOptions,
    now: i64,
) -> Result<usize, AppError> {
    let count = options.purchases.min(options.profiles);
    let mut sessions = Batch::new(
        "checkout_sessions",
        &[
            "id",
            "employer_id",
            "profile_id",
            "attempt",
            "status",
            "amount",
            "currency",
            "url",
            "payment_intent",
            "expires_at",
            "created_at",
            "updated_at",
        ],
    );
    let mut unlocks = Batch::new(
        "profile_unlocks",
        &["employer_id", "profile_id", "checkout_session_id", "amount", "currency", "unlocked_at"],
    );
    // Seeded candidates' profiles follow the demo candidate's, one id each.
    for n in 1..=count {
        let profile = first_profile + n as i64;
        let at = now - rng.gen_range(0..86_400 * 365);
        let session = format!("cs_seed_{employer}_{profile}");
        sessions.push(vec![
            session.clone().into(),
            employer.into(),
            profile.into(),
            0.into(),
            "paid".into(),
            4900.into(),
            "usd".into(),
            "https://checkout.example.com/seeded".into(),
            format!("pi_seed_{profile}").into(),
            (at + 3600).into(),
            at.into(),
            at.into(),
        ]);
        unlocks.push(vec![
            employer.into(),
            profile.into(),
            session.into(),
            4900.into(),
            "usd".into(),
            at.into(),
        ]);
        if sessions.len() >= 2_000 {
            sessions.flush(tx, backend).await?;
            unlocks.flush(tx, backend).await?;
        }
    }
    sessions.flush(tx, backend).await?;
    unlocks.flush(tx, backend).await?;
    Ok(count)
}

/// Ids are assigned here rather than by the database, so rows can be inserted in batches.
struct Ids {
    user: i64,
    company: i64,
    profile: i64,
    work: i64,
}

impl Ids {
    async fn load(tx: &mut Tx) -> Result<Self, AppError> {
        let max = |table: &'static str| format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}");
        let mut values = [0i64; 4];
        for (slot, table) in
            values.iter_mut().zip(["users", "companies", "profiles", "work_entries"])
        {
            *slot = sqlx::query(&max(table)).fetch_one(&mut **tx).await?.try_get("m")?;
        }
        Ok(Self { user: values[0], company: values[1], profile: values[2], work: values[3] })
    }

    fn next_user(&mut self) -> i64 {
        self.user += 1;
        self.user
    }

    fn next_company(&mut self) -> i64 {
        self.company += 1;
        self.company
    }

    /// PostgreSQL's identity sequences do not see explicit ids: move them past ours.
    async fn store(&self, tx: &mut Tx, backend: Backend) -> Result<(), AppError> {
        if backend != Backend::Postgres {
            return Ok(());
        }
        for table in ["users", "companies", "profiles", "work_entries", "profile_unlocks"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                    (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            ))
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

#[derive(Clone)]
enum Value {
    Int(i64),
    Text(String),
    /// NULL for an integer column (PostgreSQL wants the type of a NULL parameter).
    NullInt,
    NullText,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::NullInt, Value::Int)
    }
}

/// Rows for one table, written with multi-row INSERTs.
struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

impl Batch {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self { table, columns, rows: Vec::new() }
    }

    fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    async fn flush(&mut self, tx: &mut Tx, _backend: Backend) -> Result<(), AppError> {
        // Both backends take well over 30,000 parameters in one statement.
        let per_statement = (30_000 / self.columns.len()).max(1);
        for chunk in self.rows.chunks(per_statement) {
            let mut sql =
                format!("INSERT INTO {} ({}) VALUES ", self.table, self.columns.join(", "));
            let mut n = 0;
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let placeholders: Vec<String> = self
                    .columns
                    .iter()
                    .map(|_| {
                        n += 1;
                        format!("${n}")
                    })
                    .collect();
                sql.push('(');
                sql.push_str(&placeholders.join(", "));
                sql.push(')');
            }
            let mut query = sqlx::query(&sql);
            for row in chunk {
                for value in row {
                    query = match value {
                        Value::Int(v) => query.bind(*v),
                        Value::Text(v) => query.bind(v.clone()),
                        Value::NullInt => query.bind(None::<i64>),
                        Value::NullText => query.bind(None::<String>),
                    };
                }
            }
            query.execute(&mut **tx).await?;
        }
        self.rows.clear();
        Ok(())
    }
}

struct ProfileWriter {
    users: Batch,
    profiles: Batch,
    contacts: Batch,
    specs: Batch,
    work: Batch,
    details: Batch,
}

impl ProfileWriter {
    fn new() -> Self {
        Self {
            users: Batch::new("users", &["id", "email", "password_hash", "role", "created_at"]),
            profiles: Batch::new(
                "profiles",
                &[
                    "id",
                    "user_id",
                    "headline",
                    "summary",
                    "city",
                    "country",
                    "years_experience",
                    "published",
                    "published_at",
                    "created_at",
                    "updated_at",
                ],
            ),
            contacts: Batch::new(
                "profile_contacts",
                &["profile_id", "full_name", "email", "phone"],
            ),
            specs: Batch::new("profile_specializations", &["profile_id", "specialization_id"]),
            work: Batch::new(
                "work_entries",
                &["id", "profile_id", "position", "title", "start_month", "end_month"],
            ),
            details: Batch::new(
                "work_entry_details",
                &["work_entry_id", "employer", "description"],
            ),
        }
    }

    fn rows(&self) -> usize {
        self.profiles.len() * 8
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        ids: &mut Ids,
        rng: &mut StdRng,
        catalog: &[(i64, String)],
        user: i64,
        n: usize,
        now: i64,
        published: bool,
    ) -> i64 {
        ids.profile += 1;
        let profile = ids.profile;
        let first = *FIRST_NAMES.choose(rng).unwrap_or(&"Alex");
        let last = *LAST_NAMES.choose(rng).unwrap_or(&"Morgan");
        let (city, country) = *PLACES.choose(rng).unwrap_or(&("Lisbon", "Portugal"));
        let how_many = rng.gen_range(1..=3);
        let mut chosen: Vec<&(i64, String)> = catalog.choose_multiple(rng, how_many).collect();
        chosen.sort_by_key(|(id, _)| *id);
        let main = chosen.first().map(|(_, slug)| slug.as_str()).unwrap_or("backend");
        let titles = titles_for(main);
        let years: i64 = rng.gen_range(1..=22);
        let seniority = match years {
            0..=2 => "Junior",
            3..=5 => "Mid-level",
            6..=10 => "Senior",
            _ => *["Staff", "Principal", "Lead"].choose(rng).unwrap_or(&"Lead"),
        };
        let focus = *FOCUS.choose(rng).unwrap_or(&"payments");
        let headline = format!("{seniority} {} focused on {focus}", titles[0].to_lowercase());
        let experience = if years == 1 { "a year".to_owned() } else { format!("{years} years") };
        let summary = format!(
            "{} with {experience} of experience, most recently working on {focus}. {} {}",
            titles[0],
            SUMMARY_A.choose(rng).unwrap_or(&""),
            SUMMARY_B.choose(rng).unwrap_or(&""),
        );
        let published_at = now - rng.gen_range(0..86_400 * 180);
        let email = format!("{}.{}.{n}@example.org", first.to_lowercase(), last.to_lowercase());
        let email = if n == 0 { DEMO_CANDIDATE.to_owned() } else { email };
        let phone = format!("+1 555-01{:02}", n % 100);
        self.profiles.push(vec![
            profile.into(),
            user.into(),
            headline.into(),
            summary.into(),
            city.into(),
            country.into(),
            years.into(),
            i64::from(published).into(),
            published.then_some(published_at).into(),
            published_at.into(),
            published_at.into(),
        ]);
        self.contacts.push(vec![
            profile.into(),
            format!("{first} {last}").into(),
            email.into(),
            phone.into(),
        ]);
        for (spec, _) in &chosen {
            self.specs.push(vec![profile.into(), (*spec).into()]);
        }
        // Jobs, newest first, walking back from today.
        let this_month =
            crate::ui::parse_month_input(&crate::ui::iso_date(now)[..7]).unwrap_or(24_000);
        let mut end: Option<i64> = None;
        let mut cursor = this_month;
        // The jobs together cover the years of experience, with short gaps between them.
        let jobs = rng.gen_range(1..=4).min(1 + years as usize / 3);
        let mut months_left = years * 12;
        for position in 0..jobs {
            let jobs_left = (jobs - position) as i64;
            let share = months_left / jobs_left;
            let length = if jobs_left == 1 {
                months_left
            } else {
                rng.gen_range((share * 2 / 3).max(6)..=(share * 4 / 3).max(7))
            }
            .max(3);
            months_left = (months_left - length).max(jobs_left - 1);
            let start = cursor - length;
            ids.work += 1;
            let title = titles[position.min(titles.len() - 1)];
            let company = *COMPANIES.choose(rng).unwrap_or(&"Initech");
            self.work.push(vec![
                ids.work.into(),
                profile.into(),
                (position as i64).into(),
                title.into(),
                start.into(),
                end.into(),
            ]);
            self.details.push(vec![
                ids.work.into(),
                company.into(),
                DUTIES.choose_multiple(rng, 2).copied().collect::<Vec<_>>().join(" ").into(),
            ]);
            end = Some(start - rng.gen_range(1..=4));
            cursor = end.unwrap_or(start);
        }
        profile
    }

    async fn flush(&mut self, tx: &mut Tx, backend: Backend) -> Result<(), AppError> {
        self.users.flush(tx, backend).await?;
        self.profiles.flush(tx, backend).await?;
        self.contacts.flush(tx, backend).await?;
        self.specs.flush(tx, backend).await?;
        self.work.flush(tx, backend).await?;
        self.details.flush(tx, backend).await?;
        Ok(())
    }
}

fn titles_for(slug: &str) -> &'static [&'static str] {
    match slug {
        "frontend" => &["Frontend Engineer", "UI Developer", "Web Developer"],
        "mobile" => &["Mobile Engineer", "iOS Developer", "Android Developer"],
        "devops" | "sre" | "cloud" => {
            &["Site Reliability Engineer", "DevOps Engineer", "Systems Administrator"]
        }
        "security" => &["Security Engineer", "Application Security Analyst", "Security Analyst"],
        "data-engineering" | "databases" => &["Data Engineer", "Database Engineer", "BI Developer"],
        "data-science" | "machine-learning" => {
            &["Machine Learning Engineer", "Data Scientist", "Data Analyst"]
        }
        "embedded" => {
            &["Embedded Software Engineer", "Firmware Engineer", "Hardware Test Engineer"]
        }
        "game-dev" => &["Gameplay Programmer", "Engine Programmer", "Game Developer"],
        "qa" => &["QA Engineer", "Test Automation Engineer", "QA Analyst"],
        "product-design" | "ux-research" => &["Product Designer", "UX Designer", "UX Researcher"],
        "product-management" => {
            &["Product Manager", "Associate Product Manager", "Business Analyst"]
        }
        "engineering-management" => {
            &["Engineering Manager", "Team Lead", "Senior Software Engineer"]
        }
        "technical-writing" => &["Technical Writer", "Documentation Engineer", "Content Designer"],
        "support" => &["Developer Support Engineer", "Solutions Engineer", "Support Specialist"],
        _ => &["Software Engineer", "Backend Developer", "Software Developer"],
    }
}

const FIRST_NAMES: &[&str] = &[
    "Ada", "Amara", "Bilal", "Camila", "Chen", "Dmitri", "Elena", "Emeka", "Farah", "Giulia",
    "Hana", "Ines", "Jonas", "Kai", "Lena", "Lucas", "Maya", "Mateo", "Nadia", "Noah", "Olga",
    "Omar", "Priya", "Quinn", "Rafael", "Rosa", "Sami", "Sofia", "Tariq", "Uma", "Viktor", "Wen",
    "Yara", "Zoe", "Aisha", "Björn", "Chloé", "Diego", "Esther", "Felix",
];

const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Kowalski",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kaur",
    "Larsen",
    "Mendes",
    "Novak",
    "O'Brien",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Abebe",
    "Bianchi",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Gomez",
    "Horvat",
    "Iqbal",
    "Jovanović",
    "Kim",
];

const PLACES: &[(&str, &str)] = &[
    ("Berlin", "Germany"),
    ("Munich", "Germany"),
    ("Lisbon", "Portugal"),
    ("Porto", "Portugal"),
    ("Madrid", "Spain"),
    ("Barcelona", "Spain"),
    ("Paris", "France"),
    ("Lyon", "France"),
    ("Amsterdam", "Netherlands"),
    ("Warsaw", "Poland"),
    ("Kraków", "Poland"),
    ("Prague", "Czechia"),
    ("Vienna", "Austria"),
    ("Stockholm", "Sweden"),
    ("Oslo", "Norway"),
    ("Copenhagen", "Denmark"),
    ("Helsinki", "Finland"),
    ("Dublin", "Ireland"),
    ("London", "United Kingdom"),
    ("Manchester", "United Kingdom"),
    ("Toronto", "Canada"),
    ("Montréal", "Canada"),
    ("Austin", "United States"),
    ("Seattle", "United States"),
    ("New York", "United States"),
    ("São Paulo", "Brazil"),
    ("Buenos Aires", "Argentina"),
    ("Lagos", "Nigeria"),
    ("Nairobi", "Kenya"),
    ("Bangalore", "India"),
    ("Singapore", "Singapore"),
    ("Tokyo", "Japan"),
    ("Sydney", "Australia"),
];

const FOCUS: &[&str] = &[
    "payments",
    "developer tooling",
    "high-traffic APIs",
    "data pipelines",
    "design systems",
    "observability",
    "search",
    "mobile banking",
    "logistics",
    "healthcare platforms",
    "real-time collaboration",
    "marketplaces",
    "accessibility",
    "cloud cost",
    "identity",
];

const SUMMARY_A: &[&str] = &[
    "Comfortable owning a service from design review to on-call.",
    "Enjoys turning vague requirements into small, shippable steps.",
    "Has led migrations without downtime and written the runbooks for them.",
    "Cares about tests that catch real bugs and reviews that teach.",
    "Works well across time zones and writes things down.",
];

const SUMMARY_B: &[&str] = &[
    "Looking for a team that values ownership and steady delivery.",
    "Open to hybrid roles and occasional travel.",
    "Prefers product companies with a clear mission.",
    "Interested in mentoring and growing a small team.",
    "Available with one month's notice.",
];

const COMPANIES: &[&str] = &[
    "Acme Robotics",
    "Initech",
    "Globex",
    "Umbrella Logistics",
    "Hooli",
    "Vandelay Imports",
    "Stark Analytics",
    "Wayne Fintech",
    "Soylent Health",
    "Cyberdyne Labs",
    "Tyrell Systems",
    "Wonka Retail",
    "Massive Dynamic",
    "Pied Piper",
    "Aperture Science",
    "Black Mesa Energy",
    "Oceanic Travel",
    "Monarch Media",
    "Gringotts Payments",
    "Nakatomi Trading",
];

const DUTIES: &[&str] = &[
    "Built and ran the services behind the checkout flow.",
    "Cut p99 latency of the core API by a third.",
    "Led a team of four through a database migration.",
    "Introduced contract tests between the mobile apps and the backend.",
    "Designed the event pipeline feeding the analytics warehouse.",
    "Owned the on-call rotation and halved the number of pages.",
    "Shipped the accessibility overhaul of the customer portal.",
    "Mentored two junior engineers to their first promotions.",
    "Replaced a nightly batch job with a streaming service.",
    "Wrote the internal guide to incident reviews.",
];
