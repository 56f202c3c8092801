// The blueprint schema in a real editor: starts yaml-language-server (the engine of VS
// Code's YAML support) over stdio and drives it as an editor would, with the schema the
// blueprints' first line points at (`# yaml-language-server: $schema=…`).
//
//   node tests/editor/lsp.mjs [path/to/yaml-language-server/bin/yaml-language-server]
//
// Without the argument, the server is looked for in $QUICKWIN_YLS, then in
// tests/editor/node_modules (`npm ci --prefix tests/editor`). With $QUICKWIN_BIN, every
// mistake is also given to `quickwin check`, which must refuse it at the same line.
// Exits 1 when any assertion fails.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { Client } from "./client.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const server =
  process.argv[2] ??
  process.env.QUICKWIN_YLS ??
  join(here, "node_modules/yaml-language-server/bin/yaml-language-server");
const blueprints = join(root, "blueprints");
/** Documents the test makes up live beside the catalogue (never written there), so that
 * their first line finds the schema as a catalogue blueprint's does. Each has a name of
 * its own: the diagnostics a closed document's name is cleared with come after it. */
let made = 0;
const scratch = (name) => pathToFileURL(join(blueprints, `.editor-${name}-${++made}.yaml`)).href;

let failures = 0;
let passes = 0;
function check(ok, what, detail = "") {
  if (ok) {
    passes++;
    console.log(`ok: ${what}`);
  } else {
    failures++;
    console.log(`FAILED: ${what}${detail ? `\n    ${detail.replaceAll("\n", "\n    ")}` : ""}`);
  }
}
const show = (diagnostics) =>
  diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message} (${d.source})`).join("\n") || "none";
/** Diagnostics of the YAML itself (syntax), as opposed to the schema's. */
const yamlErrors = (diagnostics) => diagnostics.filter((d) => d.source === "YAML");

const started = Date.now();
// A server that hangs fails the test rather than the CI's patience.
setTimeout(() => {
  console.log("FAILED: the editor test did not finish in 120 s");
  process.exit(1);
}, 120_000).unref();
const sections = [];
let sectionStart = started;
/** Notes how long the section that ends here took. */
function section(name) {
  const now = Date.now();
  sections.push(`${name} ${((now - sectionStart) / 1000).toFixed(1)} s`);
  sectionStart = now;
}
const client = await Client.start("node", [server, "--stdio"], pathToFileURL(root).href, {
  validate: true,
  hover: true,
  completion: true,
  schemaStore: { enable: false },
  format: { enable: false },
});

// 1. The catalogue: no diagnostic at all.
const catalogue = readdirSync(blueprints).filter((f) => f.endsWith(".yaml")).sort();
check(catalogue.length === 6, `the catalogue has six blueprints (${catalogue.join(", ")})`);
for (const file of catalogue) {
  const uri = pathToFileURL(join(blueprints, file)).href;
  const diagnostics = await client.open(uri, readFileSync(join(blueprints, file), "utf8"));
  check(diagnostics.length === 0, `blueprints/${file}: no diagnostic`, show(diagnostics));
  client.close(uri);
}

section("start and catalogue");

// 2. Mistakes `quickwin check` refuses, each in a copy of a catalogue blueprint: flagged
//    at their line, in plain words, and nowhere else.
const base = readFileSync(join(blueprints, "water-fees.yaml"), "utf8");
const lines = base.split("\n");
const lineOf = (text, after = 0) => {
  const i = lines.findIndex((l, n) => n >= after && l === text);
  if (i < 0) throw new Error(`water-fees.yaml has no line \`${text}\``);
  return i;
};
const mistakes = [
  ["the language version", "quickwin: 1", "quickwin: 2", /version 1/],
  ["a service id with capitals and a space", "id: water-fees", "id: Water Fees", /lowercase/],
  ["a field id with capitals and a space", "      - id: water_account_number", "      - id: Water Account", /lowercase/],
  ["a language listed twice", "languages: [ar, en]", "languages: [ar, ar]", /duplicate/i],
  ["a duration without its unit letter", "sla: 15d", "sla: 15 days", /unit/],
];
const bin = process.env.QUICKWIN_BIN;
const work = mkdtempSync(join(tmpdir(), "quickwin-editor-"));
for (const [what, from, to, words] of mistakes) {
  const line = lineOf(from);
  const text = lines.map((l, i) => (i === line ? to : l)).join("\n");
  const uri = scratch("mistake");
  const diagnostics = await client.open(uri, text);
  const here = diagnostics.filter((d) => d.range.start.line === line);
  const elsewhere = diagnostics.filter((d) => d.range.start.line !== line);
  check(here.length > 0 && elsewhere.length === 0, `${what} (\`${to}\`): flagged at line ${line + 1} only`, show(diagnostics));
  check(
    here.some((d) => words.test(d.message)) && !diagnostics.some((d) => /\^|\$"|\\\\/.test(d.message)),
    `${what}: said in plain words (${words})`,
    show(diagnostics),
  );
  client.close(uri);
  if (bin) {
    const path = join(work, "water-fees.yaml");
    writeFileSync(path, text);
    let report;
    try {
      execFileSync(bin, ["check", "--format", "json", path], { encoding: "utf8" });
    } catch (e) {
      report = JSON.parse(e.stdout);
    }
    const refused = (report ?? []).some((d) => d.severity === "error" && d.line === line + 1);
    check(refused, `${what}: \`quickwin check\` refuses it at line ${line + 1} too`, JSON.stringify(report));
  }
}
rmSync(work, { recursive: true, force: true });

section("mistakes");

// 3. Completion: accepting any proposal at an empty list item, or at an empty key of an
//    item, leaves a document without a YAML error; the list's own snippet inserts an item
//    with every required key, which the schema accepts.
/** Expands a snippet as an editor does once every placeholder is left as proposed. */
function expand(snippet) {
  let text = snippet;
  for (let i = 0; i < 10 && /\$\{\d+:[^{}]*\}/.test(text); i++) {
    text = text.replace(/\$\{\d+:([^{}]*)\}/g, "$1");
  }
  return text
    .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, "$1")
    .replace(/\$\{\d+\}|\$\d+/g, "")
    .replace(/\\([$}\\])/g, "$1");
}
const offsetAt = (text, { line, character }) =>
  text.split("\n").slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
/** The document after accepting `item` at `position`, as VS Code does: a snippet's
 * placeholders left as proposed, and the lines after the first indented like the line
 * the text goes in (LSP's `InsertTextMode.adjustIndentation`, VS Code's default). */
function accept(text, position, item) {
  const snippet = item.insertTextFormat === 2;
  const adjust = item.insertTextMode !== 1;
  const edits = [];
  if (item.textEdit) {
    const range = item.textEdit.range ?? item.textEdit.replace;
    edits.push({ range, newText: item.textEdit.newText });
  } else {
    edits.push({ range: { start: position, end: position }, newText: item.insertText ?? item.label });
  }
  for (const e of item.additionalTextEdits ?? []) edits.push(e);
  edits.sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  for (const { range, newText } of edits) {
    const start = offsetAt(text, range.start);
    const end = offsetAt(text, range.end);
    const indent = /^[ \t]*/.exec(text.split("\n")[range.start.line])[0];
    let inserted = snippet ? expand(newText) : newText;
    if (adjust) inserted = inserted.replaceAll("\n", `\n${indent}`);
    text = text.slice(0, start) + inserted + text.slice(end);
  }
  return text;
}
// In the shortest catalogue blueprint: the server validates a document per proposal.
const short = readFileSync(join(blueprints, "birth-certificate.yaml"), "utf8").split("\n");
const shortLine = (text, after = 0) => {
  const i = short.findIndex((l, n) => n >= after && l === text);
  if (i < 0) throw new Error(`birth-certificate.yaml has no line \`${text}\``);
  return i;
};
const lists = [
  // [the list, its first item's line, the item's first key, its snippet, a key of the
  //  item that holds a list of fields]
  ["fields", shortLine("      - id: notification_number"), "id", "a field"],
  ["roles", shortLine("  - id: applicant"), "id", "a role"],
  ["states", shortLine("    - id: submitted"), "id", "a state"],
  ["transitions", shortLine("    - action: verify"), "action", "a transition", "inputs"],
  ["a transition's inputs", shortLine("      inputs:") + 1, "id", "a field"],
  ["notifications", shortLine("notifications:") + 1, "on", "a notification"],
  ["records", shortLine("  - id: application"), "id", null, "fields"],
];
for (const [list, at, key, snippetLabel, fieldsKey] of lists) {
  const indent = /^ */.exec(short[at])[0];
  for (const [where, inserted, position] of [
    ["an empty item", [`${indent}- `], { line: at, character: indent.length + 2 }],
    ["an empty key of an item", [`${indent}- ${key}: new_item`, `${indent}  `], { line: at + 1, character: indent.length + 2 }],
  ]) {
    const text = [...short.slice(0, at), ...inserted, ...short.slice(at)].join("\n");
    const uri = scratch("completion");
    await client.open(uri, text, { wait: false });
    const result = await client.completion(uri, position);
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    check(items.length > 0, `${list}, ${where}: completion proposes ${items.length} items`);
    client.close(uri);
    const broken = [];
    let snippet = null;
    // Each accepted document is a document of its own: the server validates them together.
    // Whether the YAML reads does not depend on the schema: the documents are given
    // without their first line (the schema's), which makes them quick to validate, but
    // for the list's snippet, whose item the schema must accept.
    const results = await Promise.all(
      items.map(async (item) => {
        const accepted = accept(text, position, item);
        const withSchema = item.label === snippetLabel;
        const uri = scratch("accepted");
        const diagnostics = await client.open(uri, withSchema ? accepted : accepted.replace(/^[^\n]*/, "#"));
        client.close(uri);
        return { item, accepted, diagnostics };
      }),
    );
    for (const { item, accepted, diagnostics } of results) {
      const errors = yamlErrors(diagnostics);
      if (errors.length > 0) broken.push(`${JSON.stringify(item.label)} → ${show(errors)}\n${JSON.stringify(item.textEdit?.newText ?? item.insertText)}`);
      if (item.label === snippetLabel) snippet = { accepted, diagnostics };
    }
    check(broken.length === 0, `${list}, ${where}: every proposal accepted leaves valid YAML`, broken.join("\n"));
    if (fieldsKey && where === "an empty key of an item") {
      const fieldsProposal = results.find((r) => r.item.label === fieldsKey);
      const inserted = fieldsProposal?.accepted.split("\n").slice(position.line, position.line + 12).join("\n") ?? "";
      const keys = ["id", "type", "label"].filter((k) => new RegExp(`^ +(- )?${k}:`, "m").test(inserted));
      check(
        keys.length === 3 && !/: false/.test(inserted),
        `${list}: accepting \`${fieldsKey}\` inserts a field with \`id\`, \`type\` and \`label\`, and no \`false\` defaults`,
        inserted,
      );
    }
    if (where === "an empty item" && snippetLabel) {
      const inItem = (d) => d.range.start.line >= at && d.range.start.line <= at + 6;
      check(
        snippet !== null && snippet.diagnostics.filter(inItem).length === 0,
        `${list}: the snippet \`${snippetLabel}\` inserts an item the schema accepts`,
        snippet ? `${snippet.accepted.split("\n").slice(at, at + 6).join("\n")}\n${show(snippet.diagnostics)}` : `proposed: ${items.map((i) => i.label).join(", ")}`,
      );
    }
  }
}

section("completion");

// 4. Hover on a key shows the key's own text, not its value's.
const hovers = [
  ["`type:` of a field", "        type: text", lineOf("      - id: water_account_number"), "What kind of value it holds."],
  ["`kind:` of a role", "    kind: citizen", 0, "Who plays it."],
  ["`sla:` of a state", "      sla: 3d", lineOf("  states:"), "How long an application should stay here at most"],
  // A description written over two lines reads as one paragraph.
  ["`interop:`", "interop: IQ/GOV/MMPW/water/water-fees", 0, "`IQ/GOV/<MEMBER>/<SUBSYSTEM>/<SERVICE>` under which other agencies"],
  // On a value: the key's text, then the value's own, first among the allowed values.
  ["the value `long_text` of a field's `type:`", "          type: long_text", 0, "Allowed Values:\n\n* `long_text`: Several lines of text.", "long_text"],
];
{
  const uri = scratch("hover");
  await client.open(uri, base);
  for (const [what, text, after, expected, on = text.trim()] of hovers) {
    const line = lineOf(text, after);
    const character = text.indexOf(on) + 1;
    const hover = await client.hover(uri, { line, character });
    const shown = hover?.contents?.value ?? "";
    check(shown.includes(expected) && !shown.includes("\\`"), `hover on ${what} (line ${line + 1}) shows its own text`, shown);
  }
  client.close(uri);
}

await client.stop();
section("hover");
const took = ((Date.now() - started) / 1000).toFixed(1);
console.log(`editor: ${passes} passed, ${failures} failed, in ${took} s (${sections.join(", ")})`);
process.exit(failures > 0 ? 1 : 0);
