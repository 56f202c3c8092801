#!/usr/bin/env python3
"""Every catalogue blueprint (and the starter) must satisfy the committed JSON Schema,
read as YAML 1.2, the way editors (yaml-language-server) read it. A blueprint that passes
`quickwin check` but breaks the schema would show false errors in participants' editors.

Run by .ci/run; needs `pip install jsonschema ruamel.yaml`."""

import glob
import json
import sys

import jsonschema
from ruamel.yaml import YAML


def main() -> int:
    with open("schema/blueprint.schema.json", encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    yaml = YAML(typ="safe", pure=True)
    files = sorted(glob.glob("blueprints/*.yaml")) + ["src/templates/starter.yaml"]
    failed = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read().replace("__NAME__", "starter").replace("__TITLE__", "Starter")
        document = yaml.load(text)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"{path}: {where}: {error.message}")
        failed += bool(errors)
        if not errors:
            print(f"ok: {path} satisfies the schema")
    print(f"schema conformance: {len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
