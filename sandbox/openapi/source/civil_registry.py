"""MOI/civil-registry: persons and households."""

from collections import OrderedDict

from common import *  # noqa: F401,F403

PERSON_EXAMPLE_ID = "199012345678"


def person_schema():
    def name(ar_desc, ar_ex, en_ex):
        return (
            string(f"The {ar_desc}, in Arabic script.", examples=[ar_ex]),
            string(f"The {ar_desc}, in Latin script.", examples=[en_ex]),
        )

    given, given_l = name("given name (الاسم)", "أحمد", "Ahmed")
    father, father_l = name("father's name (اسم الأب)", "علي", "Ali")
    grand, grand_l = name("grandfather's name (اسم الجد)", "حسين", "Hussein")
    family, family_l = name("family name (اللقب)", "الجبوري", "Al-Jubouri")
    props = OrderedDict(
        [
            ("national_id", ref("NationalId")),
            ("given_name", given),
            ("given_name_latin", given_l),
            ("father_name", father),
            ("father_name_latin", father_l),
            ("grandfather_name", grand),
            ("grandfather_name_latin", grand_l),
            ("family_name", family),
            ("family_name_latin", family_l),
            ("full_name", string("The four-part name in Arabic script: given, father's, grandfather's and family name, separated by single spaces.", examples=["أحمد علي حسين الجبوري"])),
            ("full_name_latin", string("The four-part name in Latin script, in the same order.", examples=["Ahmed Ali Hussein Al-Jubouri"])),
            ("sex", {"type": "string", "description": "Sex as recorded by the civil registry: `female` (أنثى) or `male` (ذكر).", "enum": ["female", "male"]}),
            ("date_of_birth", date("Date of birth.", "1990-03-14")),
            ("governorate", ref("Governorate")),
            ("family_number", string("The number of the family record (رقم العائلة) the person belongs to: the household. `GET /persons?family_number=…` lists its members.")),
            ("father_national_id", nullable({**national_id_schema(), "description": "The father's national ID, or null when the registry does not link one."})),
            ("mother_national_id", nullable({**national_id_schema(), "description": "The mother's national ID, or null when the registry does not link one."})),
        ]
    )
    return obj("A person as recorded by the civil registry (السجل المدني). The phone number the registry holds is never returned.", props)


def household_schemas():
    household = obj(
        "A household (الأسرة): one family record of the civil registry and every person on it.",
        OrderedDict(
            [
                ("family_number", string("The family record number (رقم العائلة).")),
                ("governorate", ref("Governorate")),
                ("district", string("The district (القضاء), in Arabic script.")),
                ("district_latin", string("The district, in Latin script.")),
                ("address", string("The household's address, in Arabic script.")),
                ("address_latin", string("The household's address, in Latin script.")),
                ("head_national_id", {**national_id_schema(), "description": "The national ID of the head of the household (رب الأسرة)."}),
                ("size", integer("How many persons are on the family record: the length of `members`.", minimum=1)),
                ("members", {"type": "array", "description": "Every person on the family record: the head first, then the others from the oldest to the youngest.", "items": ref("Person")}),
            ]
        ),
    )
    answer = obj(
        "The household of a person, as answered by `GET /persons/{national_id}/household` and `GET /households/{national_id}`.",
        OrderedDict([("household", ref("Household"))]),
    )
    return household, answer


def household_operation(operation_id, path_hint, service_hint):
    return op(
        operation_id,
        "Get the household of a person",
        "أسرة صاحب الرقم الوطني — the household (family record) that the person with this national ID belongs to, "
        "with its address and every member: the head of the household first, then the others from the oldest to "
        f"the youngest. {service_hint}",
        {
            "200": json_response("The person's household.", ref("HouseholdAnswer")),
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


def national_id_parameter(description):
    return path_param("national_id", description, ref("NationalId"))


def persons():
    household, answer = household_schemas()
    schemas = OrderedDict(
        [
            ("NationalId", national_id_schema()),
            ("Governorate", governorate_schema()),
            ("Person", person_schema()),
            (
                "PersonPage",
                obj(
                    "One page of persons, sorted by national ID.",
                    OrderedDict(
                        [
                            ("items", {"type": "array", "description": "The persons on this page (at most `page_size`; empty past the last page).", "items": ref("Person")}),
                            ("page", integer("The page number, from 1.", minimum=1, examples=[1])),
                            ("page_size", integer("The page size asked for.", minimum=1, maximum=100, examples=[20])),
                            ("total", integer("How many persons match the filters, on all pages.", minimum=0, examples=[1342])),
                        ]
                    ),
                ),
            ),
            ("Household", household),
            ("HouseholdAnswer", answer),
            (
                "VerifyRequest",
                obj(
                    "The name and date of birth to compare with the registry. Other members are ignored.",
                    OrderedDict(
                        [
                            ("full_name", string(
                                "The person's full four-part name, in Arabic or Latin script. It is compared loosely with the registry's `full_name` and `full_name_latin`: case, extra spaces, Arabic diacritics and tatweel, `-`, `'` and `.`, and the spelling variants أ/إ/آ/ٱ → ا, ة → ه and ى → ي do not count. A JSON number is taken as text.",
                                **NON_BLANK,
                                examples=["احمد علي حسين الجبوري"],
                            )),
                            ("date_of_birth", {"type": "string", "format": "date", "description": "The date of birth, `YYYY-MM-DD`; it must equal the registry's exactly.", "examples": ["1990-03-14"]}),
                        ]
                    ),
                ),
            ),
            (
                "Verification",
                obj(
                    "Whether the given name and date of birth match the registry's record. Nothing of the record is disclosed.",
                    OrderedDict(
                        [
                            ("national_id", ref("NationalId")),
                            ("match", {"type": "boolean", "description": "`true` when both the name and the date of birth match."}),
                            ("name_matches", {"type": "boolean", "description": "Whether the name matches the Arabic or the Latin full name."}),
                            ("date_of_birth_matches", {"type": "boolean", "description": "Whether the date of birth matches."}),
                        ]
                    ),
                ),
            ),
        ]
    )
    bad_id = ("bad_id", "Not a national ID", "a national ID is 12 digits, found `12345`")
    unknown = ("unknown_person", "No person with this national ID", "person", PERSON_EXAMPLE_ID)
    paths = OrderedDict(
        [
            (
                "/persons",
                {
                    "get": op(
                        "listPersons",
                        "List persons",
                        "قائمة الأشخاص في السجل المدني — the persons of the civil registry, sorted by national ID, a page at a time, optionally only those of one governorate or one family record.",
                        {
                            "200": json_response("One page of persons.", ref("PersonPage")),
                            "422": invalid(
                                "A paging parameter or the governorate is not valid; `detail` names every problem.",
                                ("bad_page", "A bad page", "`page` must be a whole number from 1"),
                                ("bad_page_size", "A bad page size", "`page_size` must be a whole number from 1 to 100"),
                                ("bad_governorate", "Not a governorate", "`Baghdad` is not a governorate; expected one of `anbar`, `babil`, `baghdad`, … or `wasit`"),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[
                            query_param("page", "The page, from 1.", {"type": "integer", "minimum": 1, "maximum": 4294967295, "default": 1}),
                            query_param("page_size", "How many persons a page holds, 1 to 100.", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
                            query_param("governorate", "Only the persons of this governorate.", ref("Governorate")),
                            query_param("family_number", "Only the persons on this family record (exact match; an unknown number gives an empty page).", {"type": "string"}),
                        ],
                    )
                },
            ),
            (
                "/persons/{national_id}",
                {
                    "get": op(
                        "getPerson",
                        "Get a person by national ID",
                        "قيد الشخص في السجل المدني — the civil registry's record of the person with this national ID: the four-part name in Arabic and Latin script, sex, date of birth, governorate, family record and parents.",
                        {
                            "200": json_response("The person's record.", ref("Person")),
                            "404": not_found("No person has this national ID.", unknown),
                            "422": invalid("The national ID is not 12 digits.", bad_id),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/NationalId"}],
                    )
                },
            ),
            (
                "/persons/{national_id}/household",
                {"get": household_operation("getPersonHousehold", "/persons/{national_id}/household", "The households service (`IQ/GOV/MOI/civil-registry/households`) answers the same at `GET /households/{national_id}`.")},
            ),
            (
                "/persons/{national_id}/verify",
                {
                    "post": op(
                        "verifyPerson",
                        "Verify a person's name and date of birth",
                        "التحقق من الاسم وتاريخ الميلاد — checks a name and a date of birth against the record of this national ID and says whether they match, without disclosing the record. The name matches when, compared loosely (see `VerifyRequest`), it equals the registry's full name in Arabic or in Latin script; the date of birth must be equal.",
                        {
                            "200": json_response("Whether the name and date of birth match.", ref("Verification")),
                            "404": not_found("No person has this national ID.", unknown),
                            "422": invalid(
                                "The national ID is not 12 digits, or the body is not a JSON object with a `full_name` and a valid `date_of_birth`; `detail` names every problem.",
                                bad_id,
                                *body_problem_examples(),
                                ("missing", "Members missing", "`full_name` is required; `date_of_birth` is required"),
                                ("bad_date", "Not a date", "`date_of_birth` must be a date `YYYY-MM-DD`, found `14/03/1990`"),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/NationalId"}],
                        request=request_body(
                            "The name and date of birth to verify.",
                            ref("VerifyRequest"),
                            {"full_name": "احمد علي حسين الجبوري", "date_of_birth": "1990-03-14"},
                        ),
                    )
                },
            ),
        ]
    )
    parameters = OrderedDict([("NationalId", national_id_parameter("The person's national ID, 12 digits."))])
    return document(
        "MOI", "civil-registry", "persons", "Civil registry: persons", "السجل المدني: الأشخاص",
        "The civil registry (السجل المدني): who a person is (the four-part name in "
        "Arabic and Latin script, sex, date of birth, governorate, family record, parents), their household, and "
        "a check of a name and date of birth against the record. National IDs are 12 digits.",
        ("GET", "/persons/" + PERSON_EXAMPLE_ID),
        paths, schemas, parameters,
    )


def households():
    household, answer = household_schemas()
    schemas = OrderedDict(
        [
            ("NationalId", national_id_schema()),
            ("Governorate", governorate_schema()),
            ("Person", person_schema()),
            ("Household", household),
            ("HouseholdAnswer", answer),
        ]
    )
    paths = OrderedDict(
        [
            (
                "/households/{national_id}",
                {"get": household_operation("getHousehold", "/households/{national_id}", "The persons service (`IQ/GOV/MOI/civil-registry/persons`) answers the same at `GET /persons/{national_id}/household`.")},
            )
        ]
    )
    parameters = OrderedDict([("NationalId", national_id_parameter("The national ID of any member of the household, 12 digits."))])
    return document(
        "MOI", "civil-registry", "households", "Households", "الأسر",
        "The households of the civil registry (السجل المدني): the family record a person belongs "
        "to, its address, its head and every member, looked up by the national ID of any member.",
        ("GET", "/households/" + PERSON_EXAMPLE_ID),
        paths, schemas, parameters,
    )
