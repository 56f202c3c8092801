"""MOE/schools: schools and enrolments."""

from collections import OrderedDict

from common import *  # noqa: F401,F403

LEVEL = {
    "type": "string",
    "description": "The school's level: `primary` (ابتدائية, grades 1–6), `intermediate` (متوسطة, grades 7–9) or `secondary` (إعدادية, grades 10–12).",
    "enum": ["primary", "intermediate", "secondary"],
}


def school_schema():
    return obj(
        "A school of the Ministry of Education.",
        OrderedDict(
            [
                ("code", string("The school's code: six digits, the governorate, the level (1 primary, 2 intermediate, 3 secondary) and a number.", examples=["121033"])),
                ("name", string("The school's name, in Arabic script.", examples=["مدرسة الرافدين الابتدائية"])),
                ("name_latin", string("The school's name, in Latin script.", examples=["Al-Rafidain Primary School"])),
                ("governorate", ref("Governorate")),
                ("level", ref("Level")),
                ("address", string("The school's address, in Arabic script.")),
                ("address_latin", string("The school's address, in Latin script.")),
            ]
        ),
    )


def schools():
    schemas = OrderedDict(
        [
            ("Governorate", governorate_schema()),
            ("Level", LEVEL),
            ("School", school_schema()),
            (
                "SchoolList",
                obj("Schools, sorted by code (all of them: the list is not paged).",
                    OrderedDict([("items", {"type": "array", "items": ref("School")})])),
            ),
        ]
    )
    paths = OrderedDict(
        [
            (
                "/schools",
                {
                    "get": op(
                        "listSchools",
                        "List schools",
                        "قائمة المدارس — every school, sorted by code, optionally only those of one governorate and/or one level. The list is not paged.",
                        {
                            "200": json_response("The schools.", ref("SchoolList")),
                            "422": invalid(
                                "The governorate or the level is not one of the allowed values.",
                                ("bad_governorate", "Not a governorate", "`Baghdad` is not a governorate; expected one of `anbar`, `babil`, `baghdad`, … or `wasit`"),
                                ("bad_level", "Not a level", "`high` is not a level; expected `primary`, `intermediate` or `secondary`"),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[
                            query_param("governorate", "Only the schools of this governorate.", ref("Governorate")),
                            query_param("level", "Only the schools of this level.", ref("Level")),
                        ],
                    )
                },
            ),
            (
                "/schools/{code}",
                {
                    "get": op(
                        "getSchool",
                        "Get a school by code",
                        "بيانات المدرسة — the school with this code: its name in Arabic and Latin script, governorate, level and address.",
                        {
                            "200": json_response("The school.", ref("School")),
                            "404": not_found("No school has this code.", ("unknown_school", "No school with this code", "school", "XX-000")),
                            "500": internal_ref(),
                        },
                        parameters=[path_param("code", "The school's code (exact match).", {"type": "string"})],
                    )
                },
            ),
        ]
    )
    return document(
        "MOE", "schools", "schools", "Schools", "المدارس",
        "The ministry's schools, by governorate and level (primary, intermediate, "
        "secondary), with their names and addresses in Arabic and Latin script.",
        ("GET", "/schools?governorate=baghdad&level=primary"),
        paths, schemas,
    )


def enrolments():
    school_year_desc = (
        "The school year, written `YYYY-YYYY` (it starts in September), e.g. `2026-2027`. "
    )
    enrolment = obj(
        "A pupil's enrolment at a school for one school year.",
        OrderedDict(
            [
                ("student_number", string("The student number (الرقم المدرسي): ten digits, the year of enrolment and six digits.", examples=["2026004312"])),
                ("national_id", string("The pupil's national ID.", examples=["201712345678"])),
                ("school_code", string("The code of the school (see the schools service, `IQ/GOV/MOE/schools/schools`).")),
                ("grade", integer("The grade (الصف), 1 to 12.", minimum=1, maximum=12, examples=[1])),
                ("school_year", string(school_year_desc, examples=["2026-2027"])),
            ]
        ),
    )
    request = obj(
        "An enrolment to record. Other members are ignored.",
        OrderedDict(
            [
                ("national_id", {**national_id_schema(), "description": "The pupil's national ID; the civil registry must know it. A JSON number is taken as text."}),
                ("school_code", string("The code of the school; the school must exist. A JSON number is taken as text.", **NON_BLANK)),
                ("grade", integer("The grade, 1 to 12, which the school's level must offer: 1–6 at a primary school, 7–9 at an intermediate one, 10–12 at a secondary one. A string of digits, or `grade_N` as a form's choice value, is accepted too.", minimum=1, maximum=12)),
                ("school_year", string(school_year_desc + "Optional: when it is missing, the current school year is used (the one that started in September of this year, or of the last year before September); otherwise it must be two consecutive years such as `2026-2027` (else 422).", examples=["2026-2027"])),
            ]
        ),
        required=["national_id", "school_code", "grade"],
    )
    schemas = OrderedDict(
        [
            ("Enrolment", enrolment),
            ("EnrolmentList", obj("A pupil's enrolments, the latest school year first.", OrderedDict([("items", {"type": "array", "items": ref("Enrolment")})]))),
            ("EnrolmentRequest", request),
            ("EnrolmentCreated", obj("The enrolment recorded.", OrderedDict([("enrolment", ref("Enrolment"))]))),
        ]
    )
    paths = OrderedDict(
        [
            (
                "/enrolments",
                OrderedDict(
                    [
                        (
                            "get",
                            op(
                                "listEnrolments",
                                "List a pupil's enrolments",
                                "تسجيلات التلميذ — every enrolment of the pupil with this national ID, the latest school year first. An ID nobody is enrolled under gives an empty list.",
                                {
                                    "200": json_response("The pupil's enrolments (maybe none).", ref("EnrolmentList")),
                                    "422": invalid("`national_id` is missing.", ("missing", "No national ID", "`national_id` is required")),
                                    "500": internal_ref(),
                                },
                                parameters=[
                                    query_param("national_id", "The pupil's national ID (12 digits; the form is not checked).", {"type": "string", "examples": ["201712345678"]}, required=True),
                                ],
                            ),
                        ),
                        (
                            "post",
                            op(
                                "createEnrolment",
                                "Enrol a pupil at a school",
                                "تسجيل تلميذ في مدرسة — records that a pupil is enrolled at a school in a grade for a school year, and gives the enrolment a student number. The civil registry must know the pupil, the school must exist and offer the grade, and a pupil can be enrolled only once per school year.",
                                {
                                    "201": json_response("The enrolment was recorded.", ref("EnrolmentCreated")),
                                    "409": json_response(
                                        "The pupil is already enrolled in this school year. This is checked before the school and the grade, so it is answered even when those are wrong too.",
                                        ref("Error"),
                                        error_examples(("already_enrolled", "Already enrolled", "Agency.AlreadyEnrolled", "the pupil is already enrolled this school year", "student number `2026004312`")),
                                    ),
                                    "422": invalid(
                                        "The body is not valid, the civil registry does not know the pupil, the school does not exist, or it has no such grade; `detail` names every problem.",
                                        *body_problem_examples(),
                                        ("missing", "Members missing", "`national_id` is required; `school_code` is required; `grade` must be a whole number from 1 to 12"),
                                        ("unknown", "Unknown pupil and school", "no person with national ID `201712345678` in the civil registry; no school with code `XX-000`"),
                                        ("wrong_grade", "A grade the school does not teach", "a primary school has no grade 8"),
                                    ),
                                    "500": internal_ref(),
                                },
                                request=request_body(
                                    "The pupil, the school, the grade and (optionally) the school year.",
                                    ref("EnrolmentRequest"),
                                    {"national_id": "201712345678", "school_code": "121033", "grade": 1, "school_year": "2026-2027"},
                                ),
                            ),
                        ),
                    ]
                ),
            )
        ]
    )
    return document(
        "MOE", "schools", "enrolments", "Pupil enrolments", "تسجيل التلاميذ",
        "The ministry's register of pupils' enrolments: which school and grade a "
        "pupil is enrolled in, school year by school year, and the recording of a new enrolment.",
        ("GET", "/enrolments?national_id=201712345678"),
        paths, schemas,
    )
