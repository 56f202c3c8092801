"""MOH/births (notifications), MOH/health-records (patients) and MOH/primary-care (centres)."""

from collections import OrderedDict

from common import *  # noqa: F401,F403


def births():
    birth = obj(
        "A birth notification (تبليغ ولادة): a hospital's report of a child born there, which the civil status office uses to register the birth.",
        OrderedDict(
            [
                ("number", string("The notification's number, as written on the paper the hospital gives the parents.")),
                ("mother_national_id", {**national_id_schema(), "description": "The mother's national ID."}),
                ("father_national_id", nullable({**national_id_schema(), "description": "The father's national ID, or null when the hospital did not record one."})),
                ("child_date_of_birth", date("The child's date of birth.", "2026-11-02")),
                ("sex", {"type": "string", "description": "The child's sex: `female` (أنثى) or `male` (ذكر).", "enum": ["female", "male"]}),
                (
                    "hospital",
                    obj(
                        "The hospital that notified the birth.",
                        OrderedDict(
                            [
                                ("name", string("The hospital's name, in Arabic script.", examples=["مستشفى اليرموك التعليمي"])),
                                ("name_latin", string("The hospital's name, in Latin script.", examples=["Al-Yarmouk Teaching Hospital"])),
                                ("governorate", ref("Governorate")),
                            ]
                        ),
                    ),
                ),
            ]
        ),
    )
    schemas = OrderedDict(
        [
            ("Governorate", governorate_schema()),
            ("BirthNotification", birth),
            ("BirthNotificationList", obj("A mother's birth notifications, sorted by number.", OrderedDict([("items", {"type": "array", "items": ref("BirthNotification")})]))),
        ]
    )
    paths = OrderedDict(
        [
            (
                "/notifications",
                {
                    "get": op(
                        "listBirthNotifications",
                        "List a mother's birth notifications",
                        "تبليغات الولادة للأم — every birth notification that names this mother, sorted by number. An ID no notification names gives an empty list.",
                        {
                            "200": json_response("The mother's birth notifications (maybe none).", ref("BirthNotificationList")),
                            "422": invalid("`mother_national_id` is missing.", ("missing", "No mother's national ID", "`mother_national_id` is required")),
                            "500": internal_ref(),
                        },
                        parameters=[
                            query_param("mother_national_id", "The mother's national ID (12 digits; the form is not checked).", {"type": "string", "examples": ["199012345678"]}, required=True),
                        ],
                    )
                },
            ),
            (
                "/notifications/{number}",
                {
                    "get": op(
                        "getBirthNotification",
                        "Get a birth notification by number",
                        "تبليغ الولادة — the birth notification with this number: the mother and father, the child's date of birth and sex, and the hospital.",
                        {
                            "200": json_response("The birth notification.", ref("BirthNotification")),
                            "404": not_found("No birth notification has this number.", ("unknown_notification", "No notification with this number", "birth notification", "0000000")),
                            "500": internal_ref(),
                        },
                        parameters=[path_param("number", "The notification's number (exact match).", {"type": "string"})],
                    )
                },
            ),
        ]
    )
    return document(
        "MOH", "births", "notifications", "Birth notifications", "تبليغات الولادة",
        "The birth notifications that hospitals send to the ministry: the child's date "
        "of birth and sex, the parents' national IDs and the hospital, looked up by the notification's number or "
        "by the mother.",
        ("GET", "/notifications?mother_national_id=199012345678"),
        paths, schemas,
    )


def records():
    groups = ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"]
    record = obj(
        "A patient's health record (السجل الصحي). Every person the civil registry knows has one; it is not stored but made from the national ID, so it is always the same for a person.",
        OrderedDict(
            [
                ("number", string("The record's number (رقم السجل الصحي): `HR-`, the place code of the person's family number (e.g. `BGD` for Baghdad) and eight digits.", pattern="^HR-[A-Z]{3}-[0-9]{8}$", examples=["HR-BGD-04718263"])),
                ("national_id", ref("NationalId")),
                ("full_name", string("The person's four-part name in Arabic script, from the civil registry.", examples=["أحمد علي حسين الجبوري"])),
                ("full_name_latin", string("The person's four-part name in Latin script, from the civil registry.", examples=["Ahmed Ali Hussein al-Jubouri"])),
                ("date_of_birth", date("The date of birth, from the civil registry.", "1990-03-14")),
                (
                    "blood_group",
                    {
                        "type": "string",
                        "description": "The blood group (فصيلة الدم), in roughly the shares found in Iraq: `O+` 3 in 12, `A+` and `B+` 2 in 12 each, `AB+`, `O-`, `A-`, `B-` and `AB-` 1 in 12 each.",
                        "enum": groups,
                        "examples": ["O+"],
                    },
                ),
                (
                    "registered_centre",
                    {
                        "type": ["string", "null"],
                        "description": "The code of the primary health care centre (مركز الرعاية الصحية الأولية) the record is kept at: one of the centres of the person's governorate, picked by the national ID. `GET /centres/{code}` of the centres service (`IQ/GOV/MOH/primary-care/centres`) tells its name, address and hours. Null when the governorate has no centre (the sandbox's data gives every governorate two to four).",
                        "examples": ["PHC-BGD-002"],
                    },
                ),
            ]
        ),
    )
    schemas = OrderedDict(
        [
            ("NationalId", national_id_schema()),
            ("HealthRecord", record),
            ("HealthRecordAnswer", obj("The health record of a person, as answered by `GET /patients/{national_id}`.", OrderedDict([("record", ref("HealthRecord"))]))),
        ]
    )
    paths = OrderedDict(
        [
            (
                "/patients/{national_id}",
                {
                    "get": op(
                        "getHealthRecord",
                        "Get a patient's health record",
                        "السجل الصحي للمريض — the health record of the person with this national ID: its number, the name and date of birth from the civil registry, the blood group and the primary health care centre of the person's governorate that keeps it. Every person the civil registry knows has a record.",
                        {
                            "200": json_response("The person's health record.", ref("HealthRecordAnswer")),
                            "404": not_found("No person has this national ID.", ("unknown_person", "No person with this national ID", "person", "199012345678")),
                            "422": invalid("The national ID is not 12 digits.", ("bad_id", "Not a national ID", "a national ID is 12 digits, found `12345`")),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/NationalId"}],
                    )
                },
            )
        ]
    )
    parameters = OrderedDict([("NationalId", path_param("national_id", "The patient's national ID, 12 digits.", ref("NationalId")))])
    return document(
        "MOH", "health-records", "patients", "Patients' health records", "السجلات الصحية للمرضى",
        "The ministry's electronic health records: for every person the civil "
        "registry knows, the record's number, blood group and the primary health care centre that keeps it, "
        "looked up by national ID.",
        ("GET", "/patients/199012345678"),
        paths, schemas, parameters,
    )


def centres():
    centre = obj(
        "A primary health care centre (مركز رعاية صحية أولية).",
        OrderedDict(
            [
                ("code", string("The centre's code.")),
                ("name", string("The centre's name, in Arabic script.", examples=["مركز صحي الكرادة"])),
                ("name_latin", string("The centre's name, in Latin script.", examples=["Karrada Health Centre"])),
                ("governorate", ref("Governorate")),
                ("district", string("The district (القضاء), in Arabic script.")),
                ("district_latin", string("The district, in Latin script.")),
                ("address", string("The centre's address, in Arabic script.")),
                ("address_latin", string("The centre's address, in Latin script.")),
                (
                    "hours",
                    {
                        "type": ["object", "null"],
                        "description": "Opening hours (أوقات الدوام): keys are weekdays or ranges of them (`sun`, `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, e.g. `sun-thu` or `mon,wed`), values are time ranges such as `08:00-14:00` or `08:00-12:00, 16:00-18:00`, or `closed`. Null when the stored hours cannot be read.",
                        "additionalProperties": {"type": "string"},
                        "examples": [{"sun-thu": "08:00-14:00", "fri": "closed", "sat": "08:00-12:00"}],
                    },
                ),
            ]
        ),
    )
    schemas = OrderedDict(
        [
            ("Governorate", governorate_schema()),
            ("Centre", centre),
            ("CentreList", obj("Centres, sorted by code (all of them: the list is not paged).", OrderedDict([("items", {"type": "array", "items": ref("Centre")})]))),
        ]
    )
    paths = OrderedDict(
        [
            (
                "/centres",
                {
                    "get": op(
                        "listCentres",
                        "List primary health care centres",
                        "قائمة مراكز الرعاية الصحية الأولية — every centre, sorted by code, optionally only those of one governorate. The list is not paged.",
                        {
                            "200": json_response("The centres.", ref("CentreList")),
                            "422": invalid("The governorate is not one of Iraq's.", ("bad_governorate", "Not a governorate", "`Baghdad` is not a governorate; expected one of `anbar`, `babil`, `baghdad`, … or `wasit`")),
                            "500": internal_ref(),
                        },
                        parameters=[query_param("governorate", "Only the centres of this governorate.", ref("Governorate"))],
                    )
                },
            ),
            (
                "/centres/{code}",
                {
                    "get": op(
                        "getCentre",
                        "Get a centre by code",
                        "بيانات المركز الصحي — the centre with this code: its name, district and address in Arabic and Latin script, and its opening hours.",
                        {
                            "200": json_response("The centre.", ref("Centre")),
                            "404": not_found("No centre has this code.", ("unknown_centre", "No centre with this code", "centre", "XXX-000")),
                            "500": internal_ref(),
                        },
                        parameters=[path_param("code", "The centre's code (exact match).", {"type": "string"})],
                    )
                },
            ),
        ]
    )
    return document(
        "MOH", "primary-care", "centres", "Primary health care centres", "مراكز الرعاية الصحية الأولية",
        "The ministry's primary health care centres: where they are, "
        "in Arabic and Latin script, and when they are open.",
        ("GET", "/centres?governorate=basra"),
        paths, schemas,
    )
