//! Candidate profiles: editing, anonymized browsing, the gated full view and insights.
//!
//! Public and private data never share a type. [`PublicProfile`] and [`ProfileCard`] have no
//! field that could hold a name, a contact or a past employer, so no page built from them
//! can leak one; those live only in [`FullProfile`], which only the candidate and employers
//! who paid receive.

pub mod browse;
mod detail;
mod editor;
mod insights;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use browse::{BrowsePage, SearchProfiles, search_profiles};
pub use detail::{
    FullProfileView, GetFullProfile, GetPublicProfile, ProfilePage, get_full_profile,
    get_public_profile,
};
pub use editor::{
    EditProfilePage, GetMyProfile, ListSpecializations, SaveMyProfile, SetProfilePublished,
    get_my_profile, list_specializations, save_my_profile, set_profile_published,
};
pub use insights::{GetMyInsights, InsightsPage, get_my_insights};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Specialization {
    pub slug: String,
    pub name: String,
}

/// A job as anyone may see it: the title and the dates, not the employer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJob {
    pub title: String,
    pub start_month: i64,
    /// `None` while the candidate still holds the job.
    pub end_month: Option<i64>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileCard {
    pub id: i64,
    pub headline: String,
    pub years_experience: i64,
    pub country: String,
    pub specializations: Vec<String>,
    pub jobs: Vec<PublicJob>,
}

/// The anonymized profile page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicProfile {
    pub id: i64,
    pub headline: String,
    pub summary: String,
    pub country: String,
    pub years_experience: i64,
    pub specializations: Vec<Specialization>,
    pub jobs: Vec<PublicJob>,
    pub published: bool,
    pub published_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub city: String,
}

/// A job with everything the candidate wrote about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullJob {
    pub title: String,
    pub employer: String,
    pub description: String,
    pub start_month: i64,
    pub end_month: Option<i64>,
}

/// Everything about a candidate: for themselves and for employers who unlocked them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullProfile {
    pub profile: PublicProfile,
    pub contact: Contact,
    pub jobs: Vec<FullJob>,
    /// When the caller unlocked it; `None` for the candidate's own view.
    pub unlocked_at: Option<i64>,
}

/// Limits on what a candidate may enter, shared by the form and the server.
pub mod limits {
    pub const HEADLINE: (usize, usize) = (10, 120);
    pub const SUMMARY: (usize, usize) = (30, 2000);
    pub const FULL_NAME: (usize, usize) = (2, 100);
    pub const PHONE: (usize, usize) = (7, 25);
    pub const CITY: (usize, usize) = (2, 80);
    pub const COUNTRY: (usize, usize) = (2, 56);
    pub const YEARS: (i64, i64) = (0, 60);
    pub const SPECIALIZATIONS: (usize, usize) = (1, 5);
    pub const JOBS: usize = 15;
    pub const JOB_TITLE: (usize, usize) = (2, 100);
    pub const EMPLOYER: (usize, usize) = (1, 100);
    pub const DESCRIPTION: usize = 1000;
}
