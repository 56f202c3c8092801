//! The curriculum `workshops/iq-2012` covers what the workshop must teach. That every
//! starter fails and every solution passes is `quickwin workshop verify`'s proof, run in
//! CI (`.ci/run`); this test reads the files only.

use std::collections::BTreeSet;
use std::path::Path;

use quickwin_workshop::load;
use quickwin_workshop::model::{Audience, Layer};

#[test]
fn the_iq_2012_curriculum_covers_every_pilot_layer_and_track() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workshops/iq-2012");
    let read = load::read(&root);
    assert!(
        read.reports.is_empty(),
        "{:#?}",
        read.reports
            .iter()
            .map(|r| &r.diagnostics)
            .collect::<Vec<_>>()
    );
    let c = read.curriculum.expect("the curriculum reads");
    assert_eq!(c.days.len(), 15);
    let weeks: BTreeSet<u32> = c.days.iter().map(|d| d.week.value).collect();
    assert_eq!(weeks, BTreeSet::from([1, 2, 3]));
    assert!(c.exercises.len() >= 40, "{} exercises", c.exercises.len());
    let business = c
        .exercises
        .iter()
        .filter(|e| e.exercise.audience.value == Audience::Business)
        .count();
    assert!(business >= 10, "{business} business exercises");
    // A business exercise needs no YAML beyond an answers file, an artifact or one value.
    for e in c
        .exercises
        .iter()
        .filter(|e| e.exercise.audience.value == Audience::Business)
    {
        let edits = e
            .exercise
            .starter
            .as_ref()
            .map_or(0, |s| s.remove.len() + s.set.len() + s.replace.len());
        let own_file = e.exercise.file.is_some();
        assert!(
            own_file || edits <= 2,
            "{}: a business exercise edits {edits} places",
            e.id()
        );
    }
    let log_checks = c
        .exercises
        .iter()
        .flat_map(|e| &e.checks.checks)
        .filter(|k| k.messagelog.is_some())
        .count();
    assert!(log_checks >= 8, "{log_checks} messagelog checks");
    let pilots: BTreeSet<&str> = c
        .exercises
        .iter()
        .filter_map(|e| e.exercise.pilot.as_ref().map(|p| p.value.as_str()))
        .collect();
    let catalogue: BTreeSet<&str> = quickwin_sandbox::catalogue::CATALOGUE
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(pilots, catalogue);
    let layers: BTreeSet<Layer> = c
        .exercises
        .iter()
        .flat_map(|e| e.exercise.layers.iter().map(|l| l.value))
        .collect();
    assert_eq!(
        layers,
        BTreeSet::from([
            Layer::Legal,
            Layer::Organisational,
            Layer::Semantic,
            Layer::Technical
        ])
    );
    // Every exercise's starter and solution can be made.
    for e in &c.exercises {
        c.starter(e.id())
            .unwrap_or_else(|err| panic!("{}: starter: {}", e.id(), err.message));
        c.solution(e.id())
            .unwrap_or_else(|err| panic!("{}: solution: {}", e.id(), err.message));
    }
}
