//! Any bytes into the publiccode.yml validator: it must never panic, hang or blow up on
//! aliases or nesting, and its report must be consistent.
#![no_main]
#![allow(dead_code)]

use libfuzzer_sys::fuzz_target;

#[path = "../../src/publiccode/mod.rs"]
mod publiccode;

fuzz_target!(|data: &[u8]| {
    let report = publiccode::validate(data);
    if report.valid() {
        let document = report.document.as_ref().expect("a valid file is read");
        assert!(!document.name.trim().is_empty(), "a valid file has a name");
        assert!(!document.descriptions.is_empty(), "a valid file has a description");
    }
    for issue in report.errors.iter().chain(&report.warnings) {
        assert!(!issue.message.is_empty());
        assert!(issue.line <= data.len() + 1, "positions stay inside the file");
    }
});
