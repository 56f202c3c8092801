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
            "`IQ/GOV/MOH/primary-care`, proved by that subsystem's key (the `memberKey` security scheme). The "
            "mediator checks the client's access rights (granted in `access.yaml`) before forwarding. "
            "`X-GovStack-Client` and `Information-Mediator-Client` are accepted as aliases. Without it the "
            "mediator answers 400 `Client.MissingClientHeader`; when it is not four parts of letters, digits, "
            "`-`, `_` or `.` it answers 400 `Client.InvalidClientIdentifier`.",
            "required": True,
            "schema": {"type": "string", "pattern": CLIENT_PATTERN, "examples": ["IQ/GOV/MOH/primary-care"]},
        },
        "XRoadId": {
            "name": "X-Road-Id",
            "in": "header",
            "description": "The message id, unique per client, written to the message log and echoed in the "
            "answer. The mediator makes up a UUID-shaped one when it is missing; one the client used before is "
            "refused with 409 `Client.DuplicateMessageId`.",
            "required": False,
            "schema": {"type": "string", "examples": ["3f2c8a1e-9b4d-4c1a-8e2f-6a7b5c4d3e21"]},
        },
        "XRoadUserId": {
            "name": "X-Road-UserId",
            "in": "header",
            "description": "The end user on whose behalf the call is made, e.g. `IQ199012345678`. The message "
            "log keeps only its SHA-256.",
            "required": False,
            "schema": {"type": "string", "examples": ["IQ199012345678"]},
        },
        "XRoadIssue": {
            "name": "X-Road-Issue",
            "in": "header",
            "description": "The case (application or file number) the call belongs to; written to the message "
            "log so that calls can be traced to a case.",
            "required": False,
            "schema": {"type": "string", "examples": ["WSC/2026/000123"]},
        },
    }


MEDIATOR_PARAMETERS = ["XRoadClient", "XRoadId", "XRoadUserId", "XRoadIssue"]


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
        "RetryAfter": {
            "description": "The whole seconds to wait before the next call is allowed.",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        },
    }


def header_ref(name):
    return {"$ref": f"#/components/headers/{name}"}


# The headers the mediator sets on every answer it passes on or raises.
ANSWER_HEADERS = OrderedDict(
    [("X-Road-Id", "XRoadId"), ("X-Road-Service", "XRoadService"), ("X-Road-Request-Hash", "XRoadRequestHash")]
)

SECURITY_SCHEME = "memberKey"


def security_schemes():
    return {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "The key of the client subsystem named in `X-Road-Client`, as "
            "`Authorization: Bearer KEY`. `quickwin sandbox member add IQ/GOV/MEMBER/SUBSYSTEM` prints it (issuing "
            "it when there is none); the sandbox's administrator key (`admin.key`) authenticates as "
            "`IQ/GOV/SANDBOX/admin`, which may read the mock agencies. Without it, or with another subsystem's key, "
            "the mediator answers 401 `Client.AuthenticationFailed`.",
        }
    }


# The mediator's own errors: (status, component, description, examples). Each carries
# `X-Road-Error`; examples are (name, summary, type, message, detail).
MEDIATOR_FAULTS = [
    (
        "400",
        "MediatorBadRequest",
        "The mediator refused the call: no `X-Road-Client` (`Client.MissingClientHeader`), one that is not four "
        "parts (`Client.InvalidClientIdentifier`), or a path that does not name a service "
        "(`Client.InvalidServiceIdentifier`).",
        [
            ("missing_client", "No X-Road-Client", "Client.MissingClientHeader", "the `X-Road-Client` header is missing",
             "send `X-Road-Client: INSTANCE/CLASS/MEMBER/SUBSYSTEM`, e.g. `IQ/GOV/MOH/primary-care`"),
            ("invalid_client", "Not a subsystem identifier", "Client.InvalidClientIdentifier",
             "the `X-Road-Client` header is not a client subsystem identifier",
             "expected `INSTANCE/CLASS/MEMBER/SUBSYSTEM`, found `IQ/GOV/MOH`"),
            ("invalid_service", "Not a service identifier", "Client.InvalidServiceIdentifier",
             "the path does not name a service", "call `/r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE/path`"),
        ],
    ),
    (
        "401",
        "MediatorAuthenticationFailed",
        "No `Authorization: Bearer KEY`, or not the key of the client `X-Road-Client` names "
        "(`Client.AuthenticationFailed`).",
        [
            ("authentication_failed", "No key, or another's", "Client.AuthenticationFailed",
             "the caller could not be authenticated as the client it names",
             "send `Authorization: Bearer KEY` with the key of `IQ/GOV/MOH/primary-care`; "
             "`quickwin sandbox member add IQ/GOV/MOH/primary-care` issues it"),
        ],
    ),
    (
        "403",
        "MediatorAccessDenied",
        "The client has no right to call this service (`Server.ServerProxy.AccessDenied`); rights are granted in "
        "the sandbox's `access.yaml`.",
        [
            ("access_denied", "No right to the service", "Server.ServerProxy.AccessDenied",
             "the client has no right to call this service",
             "`IQ/GOV/MOJ/courts` may not call `IQ/GOV/MOI/civil-registry/persons`; rights are granted in access.yaml "
             "(`quickwin sandbox grant BLUEPRINT` adds a blueprint's)"),
        ],
    ),
    (
        "404",
        "MediatorUnknownService",
        "Nothing is registered under the service identifier of the path (`Server.ServerProxy.UnknownService`).",
        [
            ("unknown_service", "No such service", "Server.ServerProxy.UnknownService",
             "no service is registered under this identifier", "`IQ/GOV/MOI/civil-registry/people`"),
        ],
    ),
    (
        "409",
        "MediatorDuplicateMessageId",
        "The client used this `X-Road-Id` before (`Client.DuplicateMessageId`).",
        [
            ("duplicate_message_id", "A message id used before", "Client.DuplicateMessageId",
             "the client has used this message id before",
             "give every call a new `X-Road-Id`, or leave it out and the mediator gives one"),
        ],
    ),
    (
        "413",
        "MediatorRequestTooLarge",
        "The request body is over 10 MiB (`Client.RequestTooLarge`).",
        [
            ("request_too_large", "A body over 10 MiB", "Client.RequestTooLarge", "the request body is too large",
             "the mediator passes on at most 10 MiB"),
        ],
    ),
    (
        "429",
        "MediatorRateLimited",
        "The client called faster than the sandbox's rate limit per client allows (`Client.RateLimited`); "
        "`Retry-After` says when to call again, and the same call (with the same `X-Road-Id`) may be sent then.",
        [
            ("rate_limited", "Too many calls", "Client.RateLimited",
             "the client is calling faster than the mediator allows",
             "`IQ/GOV/MOH/primary-care` may make 50 calls a second (up to 100 at once); try again after "
             "`Retry-After` seconds"),
        ],
    ),
    (
        "502",
        "MediatorServiceFailed",
        "The service could not be reached (`Server.ServerProxy.ServiceFailed`).",
        [
            ("service_failed", "The service did not answer", "Server.ServerProxy.ServiceFailed",
             "the service did not answer", "connection refused"),
        ],
    ),
    (
        "503",
        "MediatorUnavailable",
        "A trainer made this mock agency unavailable (`Server.ServiceUnavailable`, nothing was sent to it), or the "
        "call could not be written to the message log, so its answer is withheld (`Server.ServerProxy.LogFailed`).",
        [
            ("service_unavailable", "Made unavailable by a trainer", "Server.ServiceUnavailable",
             "the service is unavailable", "`IQ/GOV/MOH/births` is not answering; try again later"),
            ("log_failed", "The message log failed", "Server.ServerProxy.LogFailed",
             "the call could not be logged, so its answer is withheld", ""),
        ],
    ),
    (
        "504",
        "MediatorTimeout",
        "The service did not answer within the mediator's time limit, 10 seconds unless the sandbox was started "
        "with another (`Server.ServerProxy.Timeout`).",
        [
            ("timeout", "No answer in time", "Server.ServerProxy.Timeout", "the service did not answer in time",
             "no answer within 10000 ms"),
        ],
    ),
]


def fault_headers(status):
    headers = OrderedDict((name, header_ref(c)) for name, c in ANSWER_HEADERS.items())
    headers["X-Road-Error"] = dict(header_ref("XRoadError"))
    if status == "429":
        headers["Retry-After"] = header_ref("RetryAfter")
    return headers


def fault_component(status, description, examples):
    r = json_response(
        "Raised by the mediator, with the `X-Road-Error` header: " + description,
        ref("Error"),
        error_examples(*examples),
        headers=fault_headers(status),
    )
    return r


def with_answer_headers(response):
    """An operation's own answer with the headers the mediator adds to every answer."""
    if "$ref" in response:
        return response
    out = OrderedDict()
    out["description"] = response["description"]
    headers = OrderedDict(response.get("headers", {}))
    for name, c in ANSWER_HEADERS.items():
        headers.setdefault(name, header_ref(c))
    out["headers"] = headers
    for k, v in response.items():
        if k not in ("description", "headers"):
            out[k] = v
    return out


def merged_with_fault(response, status, description, examples):
    """An operation's own answer of `status` that the mediator may also raise: one
    description, the examples of both, and `X-Road-Error` (only on the mediator's)."""
    out = with_answer_headers(response)
    out["description"] = (
        response["description"].rstrip()
        + " Or raised by the mediator, with the `X-Road-Error` header: "
        + description
    )
    out["headers"]["X-Road-Error"] = header_ref("XRoadError")
    if status == "429":
        out["headers"]["Retry-After"] = header_ref("RetryAfter")
    media = out["content"]["application/json"]
    assert media["schema"] == ref("Error"), (status, response)
    media["examples"] = OrderedDict(media.get("examples", {}))
    media["examples"].update(error_examples(*examples))
    return out


def through_mediator(paths, responses, tag):
    """Every operation as a client calls it through the mediator: the X-Road headers as
    parameters, the answer headers, and the mediator's own errors; and the service's tag.
    Returns the fault components the operations refer to."""
    used = OrderedDict()
    for item in paths.values():
        for method, o in list(item.items()):
            o = item[method] = OrderedDict([("operationId", o["operationId"]), ("tags", [tag])] + list(o.items()))
            o["parameters"] = list(o.get("parameters", [])) + [
                {"$ref": f"#/components/parameters/{name}"} for name in MEDIATOR_PARAMETERS
            ]
            own = OrderedDict((s, with_answer_headers(r)) for s, r in o["responses"].items())
            for status, component, description, examples in MEDIATOR_FAULTS:
                if status in own:
                    own[status] = merged_with_fault(own[status], status, description, examples)
                else:
                    own[status] = {"$ref": f"#/components/responses/{component}"}
                    used[component] = fault_component(status, description, examples)
            o["responses"] = OrderedDict(sorted(own.items(), key=lambda kv: kv[0]))
    for name, r in list(responses.items()):
        responses[name] = with_answer_headers(r)
    return OrderedDict(sorted(used.items(), key=lambda kv: kv[0]))


# The document ------------------------------------------------------------------------------

def info_description(member, subsystem, code, title_en, title_ar, about, example_call):
    agency_en, agency_ar = AGENCIES[member]
    sid = f"IQ/GOV/{member}/{subsystem}/{code}"
    method, path = example_call
    return (
        f"{title_en} ({title_ar}): a mock service of the {agency_en} ({agency_ar}) in the quickwin workshop "
        f"sandbox. It answers from synthetic data; none of it is about real people.\n\n"
        f"{about}\n\n"
        f"Service identifier: `{sid}`.\n\n"
        f"It is called through the information mediator only, at `/r1/{sid}` (the server of this document) "
        f"followed by the path, e.g. `{method} /r1/{sid}{path}`. Every call names its client subsystem in "
        "`X-Road-Client` and proves it with the subsystem's key, `Authorization: Bearer KEY` (the `memberKey` "
        "security scheme), and may send `X-Road-Id`, `X-Road-UserId` and `X-Road-Issue`; every answer carries the "
        "`X-Road-Id`, `X-Road-Service` and `X-Road-Request-Hash` headers, and every call is written to the "
        "mediator's message log. The mediator raises its own errors, with the same `Error` body and the "
        "`X-Road-Error` header, on every operation: 400 (`Client.MissingClientHeader`, "
        "`Client.InvalidClientIdentifier`, `Client.InvalidServiceIdentifier`), 401 `Client.AuthenticationFailed`, "
        "403 `Server.ServerProxy.AccessDenied`, 404 `Server.ServerProxy.UnknownService`, 409 "
        "`Client.DuplicateMessageId`, 413 `Client.RequestTooLarge` (a body over 10 MiB), 429 `Client.RateLimited` "
        "(with `Retry-After`), 502 `Server.ServerProxy.ServiceFailed`, 503 `Server.ServiceUnavailable` (a "
        "trainer's fault) or `Server.ServerProxy.LogFailed`, and 504 `Server.ServerProxy.Timeout` (the service "
        "took longer than the mediator's time limit, 10 seconds unless the sandbox was started with another).\n\n"
        "Every error of the service itself has the body `{type, message, detail}` (the `Error` schema), without "
        "`X-Road-Error`."
    )


def server(member, subsystem, code):
    return {
        "url": f"http://{{host}}:{{port}}/r1/IQ/GOV/{member}/{subsystem}/{code}",
        "description": "The information mediator of a quickwin sandbox: `quickwin sandbox` listens on "
        "127.0.0.1:8080; `quickwin serve` starts one in its process on its `--sandbox-port` (8001).",
        "variables": {
            "host": {"default": "127.0.0.1", "description": "The sandbox's host."},
            "port": {"default": "8080", "description": "The sandbox's port."},
        },
    }


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
    comp_responses.update(through_mediator(paths, comp_responses, code))
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
                        ("contact", {"name": "The quickwin workshop sandbox"}),
                        ("license", {"name": "Apache-2.0", "identifier": "Apache-2.0"}),
                        ("x-quickwin-service-id", sid),
                    ]
                ),
            ),
            ("servers", [server(member, subsystem, code)]),
            ("security", [{SECURITY_SCHEME: []}]),
            ("tags", [{"name": code, "description": f"{title_en} ({title_ar}), `{sid}`."}]),
            ("paths", paths),
            (
                "components",
                OrderedDict(
                    [
                        ("schemas", comp_schemas),
                        ("parameters", comp_params),
                        ("headers", mediator_headers()),
                        ("responses", comp_responses),
                        ("securitySchemes", security_schemes()),
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
