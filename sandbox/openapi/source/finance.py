"""MOF/pensions: the pensions people receive."""

from collections import OrderedDict

from common import *  # noqa: F401,F403

PERSON_EXAMPLE_ID = "199012345678"

RULES_TEXT = (
    "Pensions are not stored: each answer is worked out from the civil registry's date of birth and sex, "
    "today's date and the national ID. Everyone of 60 or more has a retirement pension; about one woman in "
    "five of 40 to 59 has a survivor's pension; nobody else has a pension (`pension` is null)."
)


def pension_schema():
    return obj(
        "A pension (راتب تقاعدي) that a person receives.",
        OrderedDict(
            [
                ("number", string("The pension's number (الرقم التقاعدي): `PN-` and eight digits. It is made from the national ID, so it is always the same for a person.", pattern="^PN-[0-9]{8}$", examples=["PN-04718263"])),
                ("national_id", ref("NationalId")),
                (
                    "type",
                    {
                        "type": "string",
                        "description": "The kind of pension: `retirement` (راتب تقاعدي), which everyone of 60 or more has, or `survivor` (راتب تقاعدي للخلف, a survivor's pension such as a deceased pensioner's widow receives), which about one woman in five of 40 to 59 has.",
                        "enum": ["retirement", "survivor"],
                    },
                ),
                (
                    "monthly_amount",
                    integer(
                        "The amount paid each month, in Iraqi dinars: for a retirement pension 500000 to 1250000 in steps of 50000, for a survivor's pension 250000 to 375000 in steps of 25000.",
                        minimum=250000,
                        maximum=1250000,
                        multipleOf=25000,
                        examples=[750000],
                    ),
                ),
                ("currency", {"type": "string", "description": "Always `IQD`.", "const": "IQD"}),
                ("since", date("When the pension started: for a retirement pension the 60th birthday, for a survivor's pension a birthday from the 40th to the latest one; the day of the month is at most 28 (a person born on 30 May has it from 28 May).", "2024-05-28")),
            ]
        ),
    )


def pensioners():
    schemas = OrderedDict(
        [
            ("NationalId", national_id_schema()),
            ("Pension", pension_schema()),
            ("PensionAnswer", obj("The pension of a person, as answered by `GET /pensioners/{national_id}`.", OrderedDict([("national_id", ref("NationalId")), ("pension", {"anyOf": [ref("Pension"), {"type": "null"}], "description": "The person's pension, or null when they have none."})]))),
        ]
    )
    paths = OrderedDict(
        [
            (
                "/pensioners/{national_id}",
                {
                    "get": op(
                        "getPension",
                        "Get a person's pension",
                        "الراتب التقاعدي لصاحب الرقم الوطني — the pension that the person with this national ID receives: its number, kind, monthly amount and since when. "
                        + RULES_TEXT
                        + " The age is counted on the day of the call, so a person has a retirement pension from their 60th birthday on. A person without a pension gets `pension: null`; only a person the civil registry does not know gives 404.",
                        {
                            "200": json_response("The person's pension, or null when they have none.", ref("PensionAnswer")),
                            "404": not_found(
                                "No person has this national ID.",
                                ("unknown_person", "No person with this national ID", "person", PERSON_EXAMPLE_ID),
                            ),
                            "422": invalid(
                                "The national ID is not 12 digits.",
                                ("bad_id", "Not a national ID", "a national ID is 12 digits, found `12345`"),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/NationalId"}],
                    )
                },
            )
        ]
    )
    parameters = OrderedDict([("NationalId", path_param("national_id", "The person's national ID, 12 digits.", ref("NationalId")))])
    return document(
        "MOF", "pensions", "pensioners", "Pensions", "الرواتب التقاعدية",
        "The pensions paid by the state (هيئة التقاعد الوطنية, the National Retirement Authority): whether a "
        "person receives a retirement or a survivor's pension, how much a month and since when, looked up by "
        "national ID. " + RULES_TEXT,
        ("GET", "/pensioners/" + PERSON_EXAMPLE_ID),
        paths, schemas, parameters,
    )
