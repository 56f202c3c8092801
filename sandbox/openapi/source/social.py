"""MOLSA/payments: the social protection network's beneficiaries."""

from collections import OrderedDict

from common import *  # noqa: F401,F403

AMOUNT_TEXT = (
    "The monthly payment is 175000 IQD for a household of one and 25000 IQD more for each further member, "
    "up to seven members (325000 IQD for seven or more)."
)

BENEFICIARY_EXAMPLE = "SPN-2026-000001"


def beneficiary_schema():
    return obj(
        "A beneficiary (مستفيد) of the social protection network (شبكة الحماية الاجتماعية) and the monthly payment to the household. The governorate and the household size are those given at enrolment; they are not compared with the civil registry's.",
        OrderedDict(
            [
                ("number", string("The beneficiary number (رقم المستفيد): `SPN-`, the year of enrolment and six digits counting every beneficiary ever enrolled (the count does not start again each year).", pattern="^SPN-[0-9]{4}-[0-9]{6}$", examples=[BENEFICIARY_EXAMPLE])),
                ("national_id", ref("NationalId")),
                ("governorate", ref("Governorate")),
                ("household_size", integer("The number of members of the household (عدد أفراد الأسرة), as given at enrolment.", minimum=1, maximum=30, examples=[5])),
                ("monthly_amount", integer("The monthly payment (الإعانة الشهرية), in Iraqi dinars, set at enrolment from the household size. " + AMOUNT_TEXT, minimum=175000, maximum=325000, multipleOf=25000, examples=[275000])),
                ("currency", {"type": "string", "description": "Always `IQD`.", "const": "IQD"}),
                ("enrolled_on", date("When the person was enrolled (UTC date).", "2026-11-26")),
            ]
        ),
    )


def beneficiaries():
    request = obj(
        "The person and household to enrol. Other members are ignored. `governorate` is the household's (a JSON number is taken as text); neither it nor `household_size` is compared with the civil registry's.",
        OrderedDict(
            [
                ("national_id", {**national_id_schema(), "description": "The national ID of the person to enrol; the civil registry must know it. A JSON number is taken as text."}),
                ("governorate", ref("Governorate")),
                ("household_size", integer("The number of members of the household, 1 to 30. A string of digits is accepted too; a number with a fraction, even `5.0`, is not.", minimum=1, maximum=30)),
            ]
        ),
    )
    schemas = OrderedDict(
        [
            ("NationalId", national_id_schema()),
            ("Governorate", governorate_schema()),
            ("Beneficiary", beneficiary_schema()),
            ("BeneficiaryList", obj("The person's enrolment: one item, or none when the person is not a beneficiary.", OrderedDict([("items", {"type": "array", "maxItems": 1, "items": ref("Beneficiary")})]))),
            ("EnrolRequest", request),
            ("BeneficiaryEnrolled", obj("The beneficiary enrolled.", OrderedDict([("beneficiary", ref("Beneficiary"))]))),
        ]
    )
    paths = OrderedDict(
        [
            (
                "/beneficiaries",
                OrderedDict(
                    [
                        (
                            "get",
                            op(
                                "findBeneficiary",
                                "Find a person's enrolment",
                                "البحث عن مستفيد بالرقم الوطني — the enrolment of the person with this national ID, if there is one: a list of one item, or an empty list when the person is not a beneficiary.",
                                {
                                    "200": json_response("The person's enrolment (maybe none).", ref("BeneficiaryList")),
                                    "422": invalid("`national_id` is missing.", ("missing", "No national ID", "`national_id` is required")),
                                    "500": internal_ref(),
                                },
                                parameters=[query_param("national_id", "The person's national ID (12 digits; the form is not checked).", {"type": "string", "examples": ["199012345678"]}, required=True)],
                            ),
                        ),
                        (
                            "post",
                            op(
                                "enrolBeneficiary",
                                "Enrol a beneficiary",
                                "تسجيل مستفيد في شبكة الحماية الاجتماعية — enrols a person in the social protection network: gives them the next beneficiary number and sets the monthly payment from the household size. "
                                + AMOUNT_TEXT
                                + " The civil registry must know the person, and a person can be enrolled only once. The body is checked first, then whether the registry knows the person, then whether they are already enrolled.",
                                {
                                    "201": json_response("The person was enrolled.", ref("BeneficiaryEnrolled")),
                                    "409": json_response(
                                        "The person is already a beneficiary.",
                                        ref("Error"),
                                        error_examples(("already_beneficiary", "Already enrolled", "Agency.AlreadyBeneficiary", "the person is already a beneficiary", f"beneficiary number `{BENEFICIARY_EXAMPLE}`")),
                                    ),
                                    "422": invalid(
                                        "The body is not valid, or the civil registry does not know the person; `detail` names every problem.",
                                        *body_problem_examples(),
                                        ("missing", "Members missing", "`national_id` is required; `governorate` is required; `household_size` must be a whole number from 1 to 30"),
                                        ("bad_values", "Values not allowed", "`national_id` must be 12 digits, found `1990`; `Baghdad` is not a governorate; expected one of `anbar`, `babil`, `baghdad`, … or `wasit`; `household_size` must be a whole number from 1 to 30"),
                                        ("not_text", "Not text", "`national_id` must be text"),
                                        ("unknown_person", "Person not in the civil registry", "no person with national ID `199012345678` in the civil registry"),
                                    ),
                                    "500": internal_ref(),
                                },
                                request=request_body(
                                    "The person, the household's governorate and its size.",
                                    ref("EnrolRequest"),
                                    {"national_id": "199012345678", "governorate": "baghdad", "household_size": 5},
                                ),
                            ),
                        ),
                    ]
                ),
            ),
            (
                "/beneficiaries/{number}",
                {
                    "get": op(
                        "getBeneficiary",
                        "Get a beneficiary by number",
                        "بيانات المستفيد — the beneficiary with this number: the national ID, governorate, household size, monthly payment and enrolment date.",
                        {
                            "200": json_response("The beneficiary.", ref("Beneficiary")),
                            "404": not_found("No beneficiary has this number.", ("unknown_beneficiary", "No beneficiary with this number", "beneficiary", "SPN-2026-999999")),
                            "500": internal_ref(),
                        },
                        parameters=[path_param("number", "The beneficiary number, as answered by `POST /beneficiaries` (exact match).", {"type": "string", "examples": [BENEFICIARY_EXAMPLE]})],
                    )
                },
            ),
        ]
    )
    return document(
        "MOLSA", "payments", "beneficiaries", "Social protection beneficiaries", "المستفيدون من شبكة الحماية الاجتماعية",
        "The beneficiaries of the social protection network (شبكة الحماية الاجتماعية) and the monthly payment to "
        "each household: enrolling a person, and looking a beneficiary up by number or by national ID. "
        + AMOUNT_TEXT
        + " The sandbox starts with no beneficiaries: there are only those enrolled with `POST /beneficiaries`.",
        ("GET", "/beneficiaries?national_id=199012345678"),
        paths, schemas,
    )
