use std::collections::BTreeMap;
use std::path::PathBuf;

use quickwin_blueprint::Blueprint;
use quickwin_blueprint::model::{Localized, Spanned};

use super::{Observed, calls, workflow};

const CATALOGUE: [&str; 6] = [
    "birth-certificate",
    "medical-appointment",
    "school-attendance",
    "social-welfare",
    "water-fees",
    "water-subscription",
];

fn load(id: &str) -> Blueprint {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../blueprints")
        .join(format!("{id}.yaml"));
    quickwin_blueprint::check::check_file(&path)
        .expect("the catalogue blueprint is readable")
        .blueprint
        .expect("the catalogue blueprint is valid")
}

fn seen(client: &str, service: &str, calls: u64, failed: u64) -> Observed {
    Observed {
        client: client.into(),
        service: service.into(),
        calls,
        failed,
    }
}

/// A minimal XML well-formedness check: one root element, tags balanced and named
/// alike, attributes quoted and unique, no `<` in values, every `&` a known or numeric
/// entity, comments and the `<?…?>` prolog allowed.
fn well_formed(xml: &str) -> Result<(), String> {
    fn entity(rest: &str) -> Result<usize, String> {
        let end = rest.find(';').ok_or("an `&` without `;`")?;
        let name = &rest[1..end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if ok {
            Ok(end + 1)
        } else {
            Err(format!("unknown entity `&{name};`"))
        }
    }
    fn name_end(s: &str) -> usize {
        s.find(|c: char| !(c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.')))
            .unwrap_or(s.len())
    }
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    let b = xml;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").ok_or("an unclosed comment")? + 3;
        } else if rest.starts_with("<?") {
            i += rest.find("?>").ok_or("an unclosed `<?`")? + 2;
        } else if let Some(close) = rest.strip_prefix("</") {
            let n = name_end(close);
            let name = &close[..n];
            let after = close[n..].trim_start();
            if !after.starts_with('>') {
                return Err(format!("a bad closing tag `</{name}`"));
            }
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("`</{name}>` closes {other:?}")),
            }
            i += 2 + n + (close[n..].len() - after.len()) + 1;
        } else if let Some(open) = rest.strip_prefix('<') {
            let n = name_end(open);
            if n == 0 {
                return Err(format!("a `<` that starts no tag at byte {i}"));
            }
            let name = &open[..n];
            if stack.is_empty() {
                roots += 1;
            }
            let mut j = n;
            let mut attrs = Vec::new();
            loop {
                let s = &open[j..];
                let t = s.trim_start();
                j += s.len() - t.len();
                if t.starts_with("/>") {
                    j += 2;
                    break;
                }
                if t.starts_with('>') {
                    j += 1;
                    stack.push(name);
                    break;
                }
                if j == n || s.len() == t.len() {
                    return Err(format!("no space before an attribute in `<{name}`"));
                }
                let an = name_end(t);
                if an == 0 {
                    return Err(format!("a bad attribute in `<{name}`"));
                }
                if attrs.contains(&&t[..an]) {
                    return Err(format!("attribute `{}` twice in `<{name}`", &t[..an]));
                }
                attrs.push(&t[..an]);
                let v = t[an..]
                    .strip_prefix('=')
                    .ok_or("an attribute without `=`")?;
                let q = v.chars().next().filter(|c| *c == '"' || *c == '\'');
                let q = q.ok_or("an unquoted attribute value")?;
                let end = v[1..].find(q).ok_or("an unclosed attribute value")?;
                let value = &v[1..1 + end];
                if value.contains('<') {
                    return Err(format!("`<` in the value of `{}`", &t[..an]));
                }
                let mut k = 0;
                while let Some(a) = value[k..].find('&') {
                    k += a + entity(&value[k + a..])?;
                }
                j += an + 1 + end + 2;
            }
            i += 1 + j;
        } else if rest.starts_with('&') {
            i += entity(rest)?;
        } else {
            if stack.is_empty() && !rest.starts_with(char::is_whitespace) {
                return Err(format!("text outside the root at byte {i}"));
            }
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    match (stack.last(), roots) {
        (Some(open), _) => Err(format!("`<{open}>` is never closed")),
        (None, 1) => Ok(()),
        (None, n) => Err(format!("{n} root elements")),
    }
}

#[test]
fn the_checker_tells_bad_xml() {
    assert!(well_formed(r#"<a x="1"><b/>t &amp; u</a>"#).is_ok());
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a/><b/>",
        "<a>&</a>",
        "<a>x < y</a>",
        r#"<a x="<"/>"#,
        r#"<a x="1" x="2"/>"#,
        "<a x=1/>",
        "<a>&nbsp;</a>",
    ] {
        assert!(well_formed(bad).is_err(), "{bad} passed");
    }
}

#[test]
fn catalogue_diagrams_are_well_formed_deterministic_and_complete() {
    for id in CATALOGUE {
        let bp = load(id);
        let ours = quickwin_runtime::mediator::subsystem(bp.interop.as_str());
        for lang in ["en", "ar"] {
            let c = calls(&bp, lang, &ours, &[]);
            let w = workflow(&bp, lang, &BTreeMap::new());
            for svg in [&c, &w] {
                well_formed(svg).unwrap_or_else(|e| panic!("{id} {lang}: {e}\n{svg}"));
                assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="#));
                assert!(svg.contains(r#"role="img" aria-label=""#));
                assert!(svg.contains("<title>"));
                for banned in [
                    "<script",
                    "<style",
                    "style=",
                    "href=",
                    "<image",
                    "<foreignObject",
                ] {
                    assert!(!svg.contains(banned), "{id} {lang}: `{banned}`");
                }
            }
            assert_eq!(c, calls(&bp, lang, &ours, &[]), "{id} {lang}");
            assert_eq!(w, workflow(&bp, lang, &BTreeMap::new()), "{id} {lang}");
            for s in &bp.workflow.states {
                assert!(w.contains(s.id.as_str()), "{id} {lang}: state {}", s.id);
                assert!(
                    w.contains(s.label.get(lang)),
                    "{id} {lang}: label of {}",
                    s.id
                );
            }
            for i in &bp.integrations {
                assert!(
                    c.contains(i.id.as_str()),
                    "{id} {lang}: integration {}",
                    i.id
                );
                assert!(c.contains(i.service.as_str()), "{id} {lang}: {}", i.service);
            }
            for op in &bp.provides {
                for client in &op.clients {
                    assert!(c.contains(client.as_str()), "{id} {lang}: client {client}");
                }
            }
            let rtl = c.contains(r#"direction="rtl""#) && w.contains(r#"direction="rtl""#);
            assert_eq!(rtl, lang == "ar", "{id} {lang}");
            assert!(c.contains(&format!(r#"xml:lang="{lang}""#)));
        }
    }
}

/// The `<g>` of the edge whose tooltip names `needle`.
fn edge<'a>(svg: &'a str, needle: &str) -> &'a str {
    let found: Vec<&str> = svg
        .split("<g>")
        .skip(1)
        .map(|g| g.split("</g>").next().unwrap_or(""))
        .filter(|g| g.contains("<line") && g.contains(needle))
        .collect();
    assert_eq!(found.len(), 1, "one edge names `{needle}`:\n{svg}");
    found[0]
}

#[test]
fn calls_draw_the_three_kinds_of_edge() {
    let bp = load("social-welfare");
    let ours = "IQ/GOV/MOLSA/welfare-t3";
    let op = bp.provides[0].id.as_str();
    let observed = [
        seen(ours, "IQ/GOV/MOI/civil-registry/households", 10, 2),
        seen(
            ours,
            "IQ/GOV/MOI/civil-registry/households/households/7",
            2,
            0,
        ),
        seen(ours, "IQ/GOV/MOH/health-records/patients", 3, 0),
        seen("IQ/GOV/MOE/schools", &format!("{ours}/{op}"), 5, 0),
        seen("IQ/GOV/MOJ/courts", &format!("{ours}/{op}"), 1, 1),
        seen(
            "IQ/GOV/MOE/schools",
            "IQ/GOV/MOH/births/notifications",
            9,
            0,
        ),
    ];
    let svg = calls(&bp, "en", ours, &observed);
    well_formed(&svg).unwrap();

    let households = edge(&svg, "IQ/GOV/MOI/civil-registry/households");
    assert!(households.contains(r##"stroke="#1f6f43""##), "{households}");
    assert!(households.contains("12 calls, 2 failed"), "{households}");
    assert!(!households.contains("stroke-dasharray"));

    let pensions = edge(&svg, "IQ/GOV/MOF/pensions/pensioners");
    assert!(pensions.contains("stroke-dasharray"), "{pensions}");
    assert!(pensions.contains("not called yet"), "{pensions}");

    let patients = edge(&svg, "IQ/GOV/MOH/health-records/patients");
    assert!(patients.contains(r##"stroke="#c0392b""##), "{patients}");
    assert!(patients.contains("undeclared · 3 calls"), "{patients}");

    let schools = edge(&svg, "IQ/GOV/MOE/schools →");
    assert!(schools.contains("5 calls"), "{schools}");
    assert!(schools.contains(r##"stroke="#1f6f43""##), "{schools}");
    let primary = edge(&svg, "IQ/GOV/MOH/primary-care →");
    assert!(primary.contains("not called yet"), "{primary}");
    let courts = edge(&svg, "IQ/GOV/MOJ/courts →");
    assert!(courts.contains("undeclared · 1 call, 1 failed"), "{courts}");

    // Payments only with fees (social welfare has none), notifications since it sends them;
    // calls between two other subsystems are not this service's.
    assert!(bp.fees.is_empty() && !bp.notifications.is_empty());
    assert!(!svg.contains("IQ/GOV/CBI/payments/payments"));
    assert!(edge(&svg, "IQ/GOV/MOC/notify/messages").contains("not called yet"));
    assert!(!svg.contains("IQ/GOV/MOH/births/notifications"));

    // Payments appear as declared for a blueprint with fees, and in Arabic the counts
    // take the count's form.
    let fees = load("water-fees");
    let ours = quickwin_runtime::mediator::subsystem(fees.interop.as_str());
    let observed = [seen(&ours, "IQ/GOV/CBI/payments/payments", 12, 2)];
    let ar = calls(&fees, "ar", &ours, &observed);
    assert!(edge(&ar, "IQ/GOV/CBI/payments/payments").contains("١٢ استدعاءً، فشل منها ٢"));
}

#[test]
fn hostile_texts_come_out_escaped() {
    let hostile = "<script>&\"'";
    let escaped = "&lt;script&gt;&amp;&quot;&apos;";
    let mut bp = load("birth-certificate");
    bp.title = Localized(BTreeMap::from([("en".into(), hostile.into())]));
    bp.workflow.states[0].label = Localized(BTreeMap::from([("*".into(), hostile.into())]));
    bp.workflow.transitions[0].label = Localized(BTreeMap::from([("*".into(), hostile.into())]));
    bp.integrations[0].label = Localized(BTreeMap::from([("*".into(), hostile.into())]));
    bp.provides[0].clients[0] = Spanned::new(Default::default(), "A/<b>/&/\"'".into());
    let observed = [seen("X/<y>", "IQ/GOV/MOI/civil-status/&op", 1, 0)];
    for lang in ["en", "ar"] {
        for svg in [
            calls(&bp, lang, "IQ/GOV/MOI/civil-status", &observed),
            calls(&bp, lang, "IQ/GOV/<MOI>/\"x\"", &[]),
            workflow(&bp, lang, &BTreeMap::from([(hostile.to_string(), 3)])),
        ] {
            well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
            assert!(!svg.contains("<script"), "{svg}");
            assert!(!svg.contains("<b>") && !svg.contains("<y>") && !svg.contains("<MOI>"));
        }
    }
    let svg = workflow(&bp, "en", &BTreeMap::new());
    assert!(svg.contains(escaped), "{svg}");
    assert!(
        svg.contains(&format!(r#"aria-label="Workflow: {escaped}""#)),
        "{svg}"
    );
    let svg = calls(&bp, "en", "IQ/GOV/MOI/civil-status", &observed);
    assert!(svg.contains("A/&lt;b&gt;/&amp;/&quot;&apos;"), "{svg}");
    assert!(svg.contains("X/&lt;y&gt;"), "{svg}");
}

#[test]
fn workflow_lays_out_by_distance_and_marks_states() {
    let bp = load("birth-certificate");
    let reached = BTreeMap::from([("submitted".to_string(), 12), ("verified".to_string(), 0)]);
    let svg = workflow(&bp, "en", &reached);
    // Reached: green with its count; not reached (0 or absent): pale, no count.
    let state = |id: &str| edge_free_group(&svg, &format!("({id})</title>"));
    assert!(state("submitted").contains(r##"fill="#dff3e4""##));
    assert!(state("submitted").contains("×12"));
    assert!(state("verified").contains(r##"fill="#f6f6f6""##));
    assert!(!state("verified").contains('×'));
    // Final states have a second border.
    assert_eq!(state("issued").matches("<rect").count(), 2);
    assert_eq!(state("submitted").matches("<rect").count(), 1);
    // Columns by distance from `submitted`: verified and rejected at 1, awaiting_payment
    // at 2, issued at 3.
    let x = |id: &str| {
        let g = state(id);
        let at = g.find("<rect x=\"").unwrap() + 9;
        g[at..].split('"').next().unwrap().parse::<i32>().unwrap()
    };
    assert!(x("submitted") < x("verified"));
    assert_eq!(x("verified"), x("rejected"));
    assert_eq!(x("verified"), x("needs_correction"));
    assert!(x("verified") < x("awaiting_payment") && x("awaiting_payment") < x("issued"));
    // In Arabic the columns run from the right.
    let ar = workflow(&bp, "ar", &reached);
    let ar_x = |id: &str| {
        let g = edge_free_group(&ar, &format!("({id})</title>"));
        let at = g.find("<rect x=\"").unwrap() + 9;
        g[at..].split('"').next().unwrap().parse::<i32>().unwrap()
    };
    assert!(ar_x("submitted") > ar_x("verified") && ar_x("verified") > ar_x("issued"));
    // The way back (resubmit) is curved.
    let back = svg
        .split("<g>")
        .find(|g| g.contains("resubmit: needs_correction → submitted"))
        .unwrap();
    assert!(back.contains(" Q"), "{back}");
}

/// The `<g>` whose content contains `needle`.
fn edge_free_group<'a>(svg: &'a str, needle: &str) -> &'a str {
    svg.split("<g>")
        .map(|g| g.split("</g>").next().unwrap_or(""))
        .find(|g| g.contains(needle))
        .unwrap_or_else(|| panic!("no group with `{needle}`"))
}

#[test]
fn snapshots_of_social_welfare() {
    let bp = load("social-welfare");
    let ours = "IQ/GOV/MOLSA/welfare-t3";
    let op = bp.provides[0].id.as_str();
    let observed = [
        seen(ours, "IQ/GOV/MOI/civil-registry/households", 12, 2),
        seen(ours, "IQ/GOV/MOH/health-records/patients", 3, 0),
        seen("IQ/GOV/MOE/schools", &format!("{ours}/{op}"), 5, 0),
    ];
    let mut reached = BTreeMap::new();
    for (i, s) in bp.workflow.states.iter().enumerate().take(3) {
        reached.insert(s.id.value.clone(), 12 / (i as u64 + 1));
    }
    for lang in ["en", "ar"] {
        insta::assert_snapshot!(format!("calls_{lang}"), calls(&bp, lang, ours, &observed));
        insta::assert_snapshot!(format!("workflow_{lang}"), workflow(&bp, lang, &reached));
    }
}
