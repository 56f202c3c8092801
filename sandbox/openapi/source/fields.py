"""The fields of each mock agency's answers, as Markdown tables for docs/sandbox.md.

Made from the same OpenAPI documents gen.py writes, so the tables and the documents
cannot drift: each field is written as the dotted path a blueprint's `output:` names.
"""

import re

BEGIN = "<!-- record fields: written by sandbox/openapi/source/gen.py from the OpenAPI documents; do not edit -->"
END = "<!-- end of record fields -->"


def service_id(doc):
    """`IQ/GOV/MOI/civil-registry/persons`."""
    return doc["info"]["x-quickwin-service-id"]


def resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def type_of(doc, schema):
    name = schema["$ref"].rsplit("/", 1)[1] if "$ref" in schema else None
    s = resolve(doc, schema)
    if "enum" in s:
        values = [v for v in s["enum"] if v is not None]
        if len(values) > 6:
            return f"{name or 'string'}: one of {len(values)} values"
        return "one of " + ", ".join(f"`{v}`" for v in values)
    t = s.get("type", "object")
    if isinstance(t, list):
        t = " or ".join(t)
    if t == "array":
        item = s.get("items", {})
        inner = item["$ref"].rsplit("/", 1)[1] if "$ref" in item else type_of(doc, item)
        return f"list of {inner}"
    if t == "object" and name:
        return name
    return t


def words(text):
    """One line; a long text cut before its first list (`: `)."""
    text = re.sub(r"\s+", " ", text or "").replace("|", "\\|").strip()
    if len(text) > 200 and ": " in text:
        text = text.split(": ", 1)[0] + "."
    return text


def rows(doc, schema, prefix="", depth=0):
    s = resolve(doc, schema)
    out = []
    for name, prop in s.get("properties", {}).items():
        path = f"{prefix}{name}"
        p = resolve(doc, prop)
        description = prop.get("description") or p.get("description")
        if p.get("type") == "object" and p.get("properties") and depth < 3:
            out.extend(rows(doc, prop, path + ".", depth + 1))
        else:
            out.append((path, type_of(doc, prop), words(description)))
    return out


def answers(doc):
    """Each operation that answers a JSON object: (method, path, rows)."""
    found = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for status in ("200", "201"):
                content = op.get("responses", {}).get(status, {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                if schema and resolve(doc, schema).get("properties"):
                    found.append((method.upper(), path, rows(doc, schema)))
    return found


def markdown(docs):
    """The section for `docs`, a list of OpenAPI documents."""
    out = [BEGIN, ""]
    for doc in sorted(docs, key=service_id):
        out.append(f"#### `{service_id(doc)}`")
        out.append("")
        for method, path, fields in answers(doc):
            out.append(f"`{method} {path}` answers:")
            out.append("")
            out.append("| field | type | what |")
            out.append("| --- | --- | --- |")
            for name, kind, what in fields:
                out.append(f"| `{name}` | {kind} | {what} |")
            out.append("")
    out.append(END)
    return "\n".join(out)


def rewrite(path, docs):
    """Put the section in the Markdown file `path`, between its markers."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: the markers of the record fields are missing")
    text = text[:start] + markdown(docs) + text[end + len(END):]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
