-- Talentboard schema (SQLite). Timestamps are Unix seconds; flags are 0/1 integers, so that
-- the same queries read both this schema and the PostgreSQL one.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    -- NULL for accounts that cannot sign in (seeded candidates)
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('candidate', 'employer', 'admin')),
    created_at INTEGER NOT NULL
);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    website TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    review_reason TEXT,
    reviewed_by INTEGER REFERENCES users (id),
    reviewed_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX companies_status ON companies (status, created_at);

CREATE TABLE sessions (
    -- SHA-256 of the cookie value: a copy of this table does not let anyone sign in
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    -- 'ip:<address>' or 'account:<email>'
    subject TEXT NOT NULL,
    failed_at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, failed_at);

CREATE TABLE specializations (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

-- The public part of a profile: everything here may be shown anonymized.
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    headline TEXT NOT NULL,
    summary TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    years_experience INTEGER NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    published_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX profiles_published_recent ON profiles (published, published_at DESC, id DESC);
CREATE INDEX profiles_published_years ON profiles (published, years_experience DESC, id DESC);

-- The private part: shown only to the candidate and to employers who paid.
CREATE TABLE profile_contacts (
    profile_id INTEGER PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE TABLE profile_specializations (
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    specialization_id INTEGER NOT NULL REFERENCES specializations (id),
    PRIMARY KEY (profile_id, specialization_id)
);
CREATE INDEX profile_specializations_spec
    ON profile_specializations (specialization_id, profile_id);

-- Work history, public part (titles and dates; months counted as year * 12 + month - 1).
CREATE TABLE work_entries (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    start_month INTEGER NOT NULL,
    end_month INTEGER
);
CREATE INDEX work_entries_profile ON work_entries (profile_id, position);

-- Work history, private part.
CREATE TABLE work_entry_details (
    work_entry_id INTEGER PRIMARY KEY REFERENCES work_entries (id) ON DELETE CASCADE,
    employer TEXT NOT NULL,
    description TEXT NOT NULL
);

CREATE TABLE profile_views (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    employer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    viewed_at INTEGER NOT NULL
);
CREATE INDEX profile_views_profile_time ON profile_views (profile_id, viewed_at);
CREATE INDEX profile_views_employer_profile_time
    ON profile_views (employer_id, profile_id, viewed_at);

CREATE TABLE checkout_sessions (
    -- Stripe's Checkout Session id (cs_…)
    id TEXT PRIMARY KEY,
    employer_id INTEGER NOT NULL REFERENCES users (id),
    profile_id INTEGER NOT NULL REFERENCES profiles (id),
    -- how many earlier sessions for this pair closed; part of the idempotency key
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('open', 'processing', 'paid', 'failed', 'expired', 'mismatch')),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    url TEXT NOT NULL,
    payment_intent TEXT,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- At most one live session per employer and profile: the database, not a prior read,
-- decides between two concurrent checkouts.
CREATE UNIQUE INDEX checkout_sessions_one_live
    ON checkout_sessions (employer_id, profile_id) WHERE status IN ('open', 'processing');
CREATE INDEX checkout_sessions_pair ON checkout_sessions (employer_id, profile_id, created_at);
CREATE INDEX checkout_sessions_payment_intent ON checkout_sessions (payment_intent);

CREATE TABLE profile_unlocks (
    id INTEGER PRIMARY KEY,
    employer_id INTEGER NOT NULL REFERENCES users (id),
    profile_id INTEGER NOT NULL REFERENCES profiles (id),
    checkout_session_id TEXT NOT NULL REFERENCES checkout_sessions (id),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    unlocked_at INTEGER NOT NULL,
    revoked_at INTEGER,
    revoked_reason TEXT,
    UNIQUE (employer_id, profile_id)
);
CREATE INDEX profile_unlocks_profile ON profile_unlocks (profile_id);
CREATE INDEX profile_unlocks_employer_time ON profile_unlocks (employer_id, unlocked_at);

CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    outcome TEXT NOT NULL
);

CREATE TABLE payment_refunds (
    id INTEGER PRIMARY KEY,
    checkout_session_id TEXT NOT NULL UNIQUE REFERENCES checkout_sessions (id),
    refund_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
