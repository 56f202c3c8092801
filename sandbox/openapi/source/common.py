"""Shared pieces of the mock services' OpenAPI documents."""

import json
from collections import OrderedDict

GOVERNORATES = [
    ("anbar", "Anbar", "الأنبار"),
    ("babil", "Babil", "بابل"),
    ("baghdad", "Baghdad", "بغداد"),
    ("basra", "Basra", "البصرة"),
    ("dhi_qar", "Dhi Qar", "ذي قار"),
    ("diyala", "Diyala", "ديالى"),
    ("duhok", "Duhok", "دهوك"),
    ("erbil", "Erbil", "أربيل"),
    ("halabja", "Halabja", "حلبجة"),
    ("karbala", "Karbala", "كربلاء"),
    ("kirkuk", "Kirkuk", "كركوك"),
    ("maysan", "Maysan", "ميسان"),
    ("muthanna", "Muthanna", "المثنى"),
    ("najaf", "Najaf", "النجف"),
    ("nineveh", "Nineveh", "نينوى"),
    ("qadisiyah", "Al-Qadisiyah", "القادسية"),
    ("saladin", "Saladin", "صلاح الدين"),
    ("sulaymaniyah", "Sulaymaniyah", "السليمانية"),
    ("wasit", "Wasit", "واسط"),
]

AGENCIES = {
    "CBI": ("Central Bank of Iraq", "البنك المركزي العراقي"),
    "MMPW": ("Ministry of Construction, Housing, Municipalities and Public Works", "وزارة الإعمار والإسكان والبلديات والأشغال العامة"),
    "MOC": ("Ministry of Communications", "وزارة الاتصالات"),
    "MOE": ("Ministry of Education", "وزارة التربية"),
    "MOF": ("Ministry of Finance", "وزارة المالية"),
    "MOH": ("Ministry of Health", "وزارة الصحة"),
    "MOI": ("Ministry of Interior", "وزارة الداخلية"),
    "MOJ": ("Ministry of Justice", "وزارة العدل"),
    "MOLSA": ("Ministry of Labour and Social Affairs", "وزارة العمل والشؤون الاجتماعية"),
}

CLIENT_PATTERN = "^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$"

# Reusable JSON Schema snippets ------------------------------------------------------

def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    """`schema` or null (OpenAPI 3.1 / JSON Schema 2020-12 style)."""
    s = dict(schema)
    t = s.get("type")
    if isinstance(t, str):
        s["type"] = [t, "null"]
    return s


def obj(description, props, required=None, **extra):
    s = {"type": "object", "description": description}
    s["required"] = list(props) if required is None else required
    s["properties"] = props
    s.update(extra)
    if not s["required"]:
        del s["required"]
    return s


def string(description=None, **kw):
    s = {"type": "string"}
    if description:
        s["description"] = description
    s.update(kw)
    return s


def integer(description=None, **kw):
    s = {"type": "integer"}
    if description:
        s["description"] = description
    s.update(kw)
    return s


def date(description, example):
    return string(description, format="date", examples=[example])


def datetime(description, example="2026-11-26T20:49:42.123Z"):
    return string(description, format="date-time", examples=[example])


NON_BLANK = {"minLength": 1, "pattern": "\\S"}


def governorate_schema():
    return {
        "type": "string",
        "description": "A governorate of Iraq, by its value in quickwin's built-in list `governorates`: "
        + ", ".join(f"`{v}` ({en}, {ar})" for v, en, ar in GOVERNORATES)
        + ".",
        "enum": [v for v, _, _ in GOVERNORATES],
        "examples": ["baghdad"],
    }


def national_id_schema():
    return {
        "type": "string",
        "description": "A national ID number (الرقم الوطني): 12 digits.",
        "pattern": "^[0-9]{12}$",
        "examples": ["199012345678"],
    }


def error_schema():
    return {
        "type": "object",
        "description": "The one error body of the sandbox. `type` says where the error arose, dotted: "
        "`Agency.…` for the mock agency's own answers (`Agency.NotFound`, `Agency.InvalidRequest`, …), "
        "`Server.Internal` when the sandbox failed (details are in its log, not in the answer), and, only when "
        "the call went through the mediator, `Client.…` or `Server.ServerProxy.…` for errors raised by the mediator "
        "(those also carry the `X-Road-Error` header).",
        "required": ["type", "message", "detail"],
        "properties": {
            "type": string("Where the error arose, e.g. `Agency.NotFound`.", examples=["Agency.NotFound"]),
            "message": string("What went wrong, in plain words.", examples=["no person with this id"]),
            "detail": string(
                "Details that help, such as the id that was not found or every problem of the request "
                "joined with `; `. Empty when there are none.",
                examples=["`199012345678`"],
            ),
        },
    }


# Responses ----------------------------------------------------------------------------

def json_response(description, schema, examples=None, headers=None):
    media = {"schema": schema}
    if examples:
        media["examples"] = examples
    r = {"description": description}
    if headers:
        r["headers"] = headers
    r["content"] = {"application/json": media}
    return r


def error_examples(*items):
    """items: (name, summary, type, message, detail)."""
    return {
        name: {"summary": summary, "value": {"type": t, "message": m, "detail": d}}
        for name, summary, t, m, d in items
    }


def invalid(description, *problems):
    """A 422 with one example per (name, summary, detail)."""
    return json_response(
        description,
        ref("Error"),
        error_examples(*[(n, s, "Agency.InvalidRequest", "the request is not valid", d) for n, s, d in problems]),
    )


def not_found(description, *cases):
    """A 404 with one example per (name, summary, what, id)."""
    return json_response(
        description,
        ref("Error"),
        error_examples(*[(n, s, "Agency.NotFound", f"no {what} with this id", f"`{i}`") for n, s, what, i in cases]),
    )


def internal_ref():
    return {"$ref": "#/components/responses/InternalError"}


def internal_component():
    return json_response(
        "The sandbox failed to answer, e.g. its database failed (`Server.Internal`). The cause is written to "
        "the sandbox's log, not sent.",
        ref("Error"),
        error_examples(("internal", "The sandbox failed", "Server.Internal", "the sandbox failed to answer; see its log", "")),
    )


def body_problem_examples():
    return [
        ("not_json", "The body is not JSON", "the body is not valid JSON: expected value at line 1 column 1"),
        ("not_object", "The body is not a JSON object", "the body must be a JSON object"),
    ]


def request_body(description, schema, example):
    return {
        "description": description,
        "required": True,
        "content": {"application/json": {"schema": schema, "example": example}},
    }


# The mediator's headers ------------------------------------------------------------------

def mediator_parameters():
    return {
        "XRoadClient": {
            "name": "X-Road-Client",
            "in": "header",
            "description": "The calling client subsystem, `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, e.g. "
            "`IQ/GOV/MOH/primary-care`. Required when the service is called through the information mediator "
            "at `/r1/IQ/GOV/…`; the mediator checks the client's access rights (granted in `access.yaml`) "
            "before forwarding. `X-GovStack-Client` and `Information-Mediator-Client` are accepted as aliases. "
            "Without it the mediator answers 400 `Client.MissingClientHeader`; when it is not four parts of "
            "letters, digits, `-`, `_` or `.` it answers 400 `Client.InvalidClientIdentifier`. Not needed when "
            "the service is called directly.",
            "required": True,
            "schema": {"type": "string", "pattern": CLIENT_PATTERN, "examples": ["IQ/GOV/MOH/primary-care"]},
        },
        "XRoadId": {
            "name": "X-Road-Id",
            "in": "header",
            "description": "Through the mediator only: the message id written to the message log and echoed in "
            "the answer. The mediator makes up a UUID-shaped one when it is missing.",
            "required": False,
            "schema": {"type": "string", "examples": ["3f2c8a1e-9b4d-4c1a-8e2f-6a7b5c4d3e21"]},
        },
        "XRoadUserId": {
            "name": "X-Road-UserId",
            "in": "header",
            "description": "Through the mediator only: the end user on whose behalf the call is made, e.g. "
            "`IQ199012345678`. The message log keeps only its SHA-256.",
            "required": False,
            "schema": {"type": "string", "examples": ["IQ199012345678"]},
        },
        "XRoadIssue": {
            "name": "X-Road-Issue",
            "in": "header",
            "description": "Through the mediator only: the case (application or file number) the call belongs to; "
            "written to the message log so that calls can be traced to a case.",
            "required": False,
            "schema": {"type": "string", "examples": ["WSC/2026/000123"]},
        },
    }


def mediator_headers():
    return {
        "XRoadId": {
            "description": "Set by the mediator on every answer: the message id (the request's `X-Road-Id`, "
            "or one the mediator made up).",
            "schema": {"type": "string"},
        },
        "XRoadService": {
            "description": "Set by the mediator on every answer: the service identifier that was called.",
            "schema": {"type": "string"},
        },
        "XRoadRequestHash": {
            "description": "Set by the mediator on every answer: base64 of SHA-256 over the method, a line feed, "
            "the path with its query (relative to the service), a line feed, and the request body.",
            "schema": {"type": "string"},
        },
        "XRoadError": {
            "description": "Set by the mediator only when it raised the error itself: the error's `type`, e.g. "
            "`Server.ServerProxy.AccessDenied`. Errors from the service never carry it.",
            "schema": {"type": "string"},
        },
    }


# The document ------------------------------------------------------------------------------

def info_description(member, subsystem, code, title_en, title_ar, about, example_call):
    agency_en, agency_ar = AGENCIES[member]
    sid = f"IQ/GOV/{member}/{subsystem}/{code}"
    base = f"/mock/{member}/{subsystem}/{code}"
    method, path = example_call
    return (
        f"{title_en} ({title_ar}): a mock service of the {agency_en} ({agency_ar}) in the quickwin workshop "
        f"sandbox. It answers from synthetic data; none of it is about real people.\n\n"
        f"{about}\n\n"
        f"Service identifier: `{sid}`.\n\n"
        f"Call it directly at `{base}` (the server of this document), or through the information mediator at "
        f"`/r1/{sid}` followed by the same path, e.g. `{method} /r1/{sid}{path}`. Through the mediator the "
        "`X-Road-Client` header is required (the `XRoadClient` parameter in `components`), and `X-Road-Id`, "
        "`X-Road-UserId` and `X-Road-Issue` may be sent; every answer then carries the `X-Road-Id`, "
        "`X-Road-Service` and `X-Road-Request-Hash` headers, and every call is written to the mediator's "
        "message log. The mediator raises its own errors, with the same `Error` body and the `X-Road-Error` "
        "header: 400 (`Client.MissingClientHeader`, `Client.InvalidClientIdentifier`, "
        "`Client.InvalidServiceIdentifier`), 403 `Server.ServerProxy.AccessDenied`, 413 `Client.RequestTooLarge` (a body over 10 MiB), 404 "
        "`Server.ServerProxy.UnknownService`, 502 `Server.ServerProxy.ServiceFailed`, 503 "
        "`Server.ServerProxy.LogFailed` and 504 `Server.ServerProxy.Timeout` (the service took longer than the "
        "mediator's time limit, 10 seconds unless the sandbox was started with another).\n\n"
        "Every error of the service itself has the body `{type, message, detail}` (the `Error` schema)."
    )


def document(member, subsystem, code, title_en, title_ar, about, example_call, paths, schemas,
             parameters=None, responses=None):
    sid = f"IQ/GOV/{member}/{subsystem}/{code}"
    comp_schemas = OrderedDict()
    comp_schemas.update(schemas)
    comp_schemas["Error"] = error_schema()
    comp_params = OrderedDict()
    if parameters:
        comp_params.update(parameters)
    comp_params.update(mediator_parameters())
    comp_responses = OrderedDict()
    if responses:
        comp_responses.update(responses)
    comp_responses["InternalError"] = internal_component()
    return OrderedDict(
        [
            ("openapi", "3.1.0"),
            (
                "info",
                OrderedDict(
                    [
                        ("title", title_en),
                        ("version", "1.0.0"),
                        ("description", info_description(member, subsystem, code, title_en, title_ar, about, example_call)),
                        ("x-quickwin-service-id", sid),
                    ]
                ),
            ),
            ("servers", [{"url": f"/mock/{member}/{subsystem}/{code}", "description": "direct"}]),
            ("paths", paths),
            (
                "components",
                OrderedDict(
                    [
                        ("schemas", comp_schemas),
                        ("parameters", comp_params),
                        ("headers", mediator_headers()),
                        ("responses", comp_responses),
                    ]
                ),
            ),
        ]
    )


def op(operation_id, summary, description, responses, parameters=None, request=None):
    o = OrderedDict()
    o["operationId"] = operation_id
    o["summary"] = summary
    o["description"] = description
    if parameters:
        o["parameters"] = parameters
    if request:
        o["requestBody"] = request
    o["responses"] = OrderedDict(sorted(responses.items(), key=lambda kv: kv[0]))
    return o


def path_param(name, description, schema):
    return {"name": name, "in": "path", "description": description, "required": True, "schema": schema}


def query_param(name, description, schema, required=False):
    return {"name": name, "in": "query", "description": description, "required": required, "schema": schema}


def write(path, doc):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False))
        f.write("\n")
