#!/usr/bin/env python3
"""Check OpenAPI documents of services (`GET /openapi.json`): each must be a valid OpenAPI
3.1 document, and every example in it must satisfy its schema (JSON Schema 2020-12, with
`#/components/...` resolved against the document): the request and response bodies'
`example` and `examples`, the parameters' `example`, and the `examples` of the schemas
in `components`. Every request body must carry an example.

Usage: python3 tests/openapi_valid.py DOCUMENT.json...
The engine's test `dump_documents_for_the_validator` writes one document per catalogue
blueprint to the temporary directory (`quickwin-openapi-<id>.json`).
Needs `pip install openapi-spec-validator jsonschema`."""

import json
import sys

from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:quickwin:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def pointer(*parts):
    """A JSON pointer to `parts` of the document."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def resolve(doc, node):
    """Follow a `$ref` to `#/components/...` (responses, request bodies)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target = doc
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def check_document(path):
    """The problems of the document at `path`, and how many examples were checked."""
    problems = []
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    try:
        validate(doc)
    except Exception as e:  # the validator raises several kinds of errors
        problems.append(f"not a valid OpenAPI document: {getattr(e, 'message', str(e).splitlines()[0])}")
    registry = Registry().with_resource(BASE, Resource.from_contents(doc, default_specification=DRAFT202012))

    def check(schema_at, value, where):
        """Validate `value` against the schema at the pointer `schema_at`."""
        validator = Draft202012Validator({"$ref": BASE + "#" + schema_at}, registry=registry, format_checker=FormatChecker())
        for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
            at = "/".join(str(p) for p in error.absolute_path) or "(top)"
            problems.append(f"{where}: {at}: {error.message}")

    checked = 0

    def media_examples(content, content_at, where, required):
        nonlocal checked
        found = False
        for media_type, media in content.items():
            if "schema" not in media:
                continue
            schema_at = content_at + pointer(media_type, "schema")
            if "example" in media:
                check(schema_at, media["example"], f"{where} {media_type} example")
                checked += 1
                found = True
            for name, example in media.get("examples", {}).items():
                example = resolve(doc, example)
                if "value" in example:
                    check(schema_at, example["value"], f"{where} {media_type} examples/{name}")
                    checked += 1
                    found = True
        if required and not found:
            problems.append(f"{where}: the request body has no example")

    for route, item in doc.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            where = f"{method.upper()} {route}"
            for i, parameter in enumerate(operation.get("parameters", [])):
                parameter_at = pointer("paths", route, method, "parameters", i)
                if "$ref" in parameter:
                    parameter_at = parameter["$ref"][1:]
                    parameter = resolve(doc, parameter)
                if "example" in parameter and "schema" in parameter:
                    check(parameter_at + "/schema", parameter["example"], f"{where} parameter {parameter.get('name')} example")
                    checked += 1
            body = operation.get("requestBody")
            if body is not None:
                body_at = pointer("paths", route, method, "requestBody")
                if "$ref" in body:
                    body_at = body["$ref"][1:]
                    body = resolve(doc, body)
                media_examples(body.get("content", {}), body_at + "/content", f"{where} request", True)
            for status, response in operation.get("responses", {}).items():
                response_at = pointer("paths", route, method, "responses", status)
                if "$ref" in response:
                    response_at = response["$ref"][1:]
                    response = resolve(doc, response)
                media_examples(response.get("content", {}), response_at + "/content", f"{where} {status}", False)
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        for i, example in enumerate(schema.get("examples", [])):
            check(pointer("components", "schemas", name), example, f"schema {name} examples/{i}")
            checked += 1
    return problems, checked


def main(paths):
    if not paths:
        print(__doc__)
        return 2
    failed = 0
    for path in paths:
        problems, checked = check_document(path)
        for problem in problems:
            print(f"{path}: {problem}")
        if problems:
            failed += 1
        else:
            print(f"ok: {path}: {checked} examples valid")
    if failed:
        print(f"invalid: {failed} of {len(paths)} documents")
        return 1
    print(f"valid: {len(paths)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
