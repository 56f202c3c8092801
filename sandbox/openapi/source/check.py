import json, sys, copy, re, glob, os
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

def rewrite(x):
    if isinstance(x, dict):
        return {k: (("urn:doc" + v) if k == "$ref" and isinstance(v, str) and v.startswith("#/") else rewrite(v)) for k, v in x.items()}
    if isinstance(x, list):
        return [rewrite(v) for v in x]
    return x

def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
        for part in node["$ref"][2:].split("/"):
            doc_part = doc if part == node["$ref"][2:].split("/")[0] else None
        cur = doc
        for part in node["$ref"][2:].split("/"):
            cur = cur[part]
        node = cur
    return node

bad = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    text = open(f, encoding="utf-8").read()
    doc = json.loads(text)
    assert text.endswith("}\n") and json.dumps(doc, indent=2, ensure_ascii=False) + "\n" == text, f
    reg = Registry().with_resource("urn:doc", Resource.from_contents(rewrite(doc), DRAFT202012))
    def check(schema, value, where):
        global bad
        v = Draft202012Validator(rewrite(schema), registry=reg, format_checker=FormatChecker())
        errs = list(v.iter_errors(value))
        for e in errs:
            bad += 1
            print(os.path.basename(f), where, "->", e.message)
    n = [0]
    # media type examples
    def walk_media(node, path):
        if isinstance(node, dict):
            if "$ref" in node and node["$ref"].startswith("#/components/responses") or "$ref" in node and node["$ref"].startswith("#/components/parameters"):
                pass
            if "content" in node and isinstance(node["content"], dict):
                for mt, media in node["content"].items():
                    if "example" in media:
                        check(media["schema"], media["example"], path + "/example"); n[0] += 1
                    for name, ex in media.get("examples", {}).items():
                        check(media["schema"], ex["value"], path + "/examples/" + name); n[0] += 1
            if "schema" in node and "examples" in node.get("schema", {}) and "in" in node:
                pass
            for k, v in node.items():
                walk_media(v, path + "/" + k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk_media(v, path + f"/{i}")
    walk_media(doc, "")
    # schema-level examples
    def walk_schema(node, path):
        if isinstance(node, dict):
            if isinstance(node.get("examples"), list) and ("type" in node or "$ref" in node or "enum" in node):
                for ex in node["examples"]:
                    check(node, ex, path); n[0] += 1
            if "default" in node and "type" in node:
                check(node, node["default"], path + "/default"); n[0] += 1
            for k, v in node.items():
                walk_schema(v, path + "/" + k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk_schema(v, path + f"/{i}")
    walk_schema(doc, "")
    # every operation has operationId, summary, description; every requestBody has example
    ops = []
    for p, item in doc["paths"].items():
        for m, o in item.items():
            assert o["operationId"] and o["summary"] and o["description"], (f, p, m)
            if "requestBody" in o:
                assert "example" in o["requestBody"]["content"]["application/json"], (f, p, m)
            for prm in o.get("parameters", []):
                prm = resolve(doc, prm)
            # path params declared
            names = re.findall(r"{(\w+)}", p)
            declared = [resolve(doc, prm)["name"] for prm in o.get("parameters", []) if resolve(doc, prm)["in"] == "path"]
            assert sorted(names) == sorted(declared), (f, p, names, declared)
            ops.append(f"{m.upper()} {p} [{o['operationId']}] -> {', '.join(o['responses'])}")
    print(os.path.basename(f), f"{n[0]} examples checked")
    for o in ops: print("   ", o)
print("problems:", bad)
