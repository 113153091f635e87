//! Today, as the fronts read it: the local calendar day (`Date::today`). In debug builds only,
//! `BARGAIN_TEST_TODAY=YYYY-MM-DD` fixes it, so the integration tests that run the real binary on
//! a table of 2025 record on one of its session days; a release build never reads it.

use bargain_core::model::Date;

pub fn today() -> Date {
    if cfg!(debug_assertions)
        && let Some(day) = std::env::var("BARGAIN_TEST_TODAY")
            .ok()
            .and_then(|d| Date::parse(&d))
    {
        return day;
    }
    Date::today()
}
