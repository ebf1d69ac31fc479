//! Reusable building blocks of pages.

pub mod cards;
pub mod copy_button;
pub mod entries;
pub mod facts;
pub mod filters;
pub mod form;
pub mod layout;
pub mod live_fields;
pub mod pagination;
pub mod search_box;
