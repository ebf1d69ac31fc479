//! Server-rendered pages, one file per area (named like `app/src/routes/*`): a GET renders
//! the app's view with its data, a POST validates through a service and redirects (303,
//! so reloading does not resubmit) or renders the same form again with every typed value
//! kept and the errors beside the fields.

pub mod account;
pub mod entry_forms;
pub mod health;
pub mod import;
pub mod language;
pub mod model_tools;
pub mod org_admin;
pub mod reuse;
