"""MMPW/water: accounts and readings."""

from collections import OrderedDict

from common import *  # noqa: F401,F403

TARIFF_TEXT = (
    "A month's bill is a standing charge of 2000 IQD plus, for the consumption since the previous reading, "
    "100 IQD per m³ up to 20 m³, 200 IQD per m³ from 20 to 40 m³, 350 IQD per m³ from 40 to 60 m³ and "
    "500 IQD per m³ above 60 m³ (e.g. 30 m³ cost 2000 + 2000 + 2000 = 6000 IQD)."
)

PERIOD = {
    "type": "string",
    "description": "A billing period: the month of a reading, `YYYY-MM`.",
    "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
    "examples": ["2026-10"],
}

ACCOUNT_NUMBER_EXAMPLE = "1000000001"


def account_schema():
    return obj(
        "A water account (حساب الماء) of a property.",
        OrderedDict(
            [
                ("number", string("The account number (رقم الحساب): ten digits.", examples=[ACCOUNT_NUMBER_EXAMPLE])),
                ("holder_national_id", string("The national ID of the account holder (المشترك).", examples=["199012345678"])),
                ("holder_name", {"type": ["string", "null"], "description": "The holder's four-part name in Arabic script, from the civil registry; null when the registry does not know the holder.", "examples": ["أحمد علي حسين الجبوري"]}),
                ("holder_name_latin", {"type": ["string", "null"], "description": "The holder's four-part name in Latin script; null when the registry does not know the holder.", "examples": ["Ahmed Ali Hussein Al-Jubouri"]}),
                ("governorate", ref("Governorate")),
                ("address", string("The property's address, in Arabic script.")),
                ("address_latin", string("The property's address, in Latin script. For an account opened with `POST /accounts` it is the `address_latin` given there, or empty.")),
                ("property_type", ref("PropertyType")),
                ("meter_serial", string("The serial number of the water meter: two capital letters and eight digits.", examples=["KM24637918"])),
                ("opened_on", date("When the account was opened.", "2026-11-26")),
                ("balance", integer("The account's balance, in Iraqi dinars. An account opened with `POST /accounts` starts at 0; paying a bill does not change it.", examples=[0])),
            ]
        ),
    )


def property_type():
    return {
        "type": "string",
        "description": "The kind of property: `residential` (سكني), `house` (دار), `apartment` (شقة), `commercial` (تجاري), `industrial` (صناعي) or `government` (حكومي).",
        "enum": ["residential", "house", "apartment", "commercial", "industrial", "government"],
    }


def account_path_param(name):
    return path_param(name, "The account number (exact match).", {"type": "string", "examples": [ACCOUNT_NUMBER_EXAMPLE]})


def accounts():
    open_request = obj(
        "The account to open. Other members are ignored.",
        OrderedDict(
            [
                ("national_id", {**national_id_schema(), "description": "The national ID of the holder; the civil registry must know it. A JSON number is taken as text."}),
                ("governorate", ref("Governorate")),
                ("address", string("The property's address, in Arabic script.", **NON_BLANK)),
                ("address_latin", string("The property's address in Latin script. Optional.")),
                ("property_type", {**property_type(), "description": "The kind of property. Optional: when it is missing (or not a string) `residential` is used.", "default": "residential"}),
                ("initial_reading", {"type": ["integer", "null"], "description": "The meter's reading when it is installed, in whole m³; a string of digits is accepted too. Optional: missing or null means 0. It is recorded as the current month's reading, already billed.", "minimum": 0, "default": 0}),
                ("meter_serial", string("The serial number of the meter. Optional: when it is missing (or not a string) it is `WM` and the last eight digits of the account number.")),
            ]
        ),
        required=["national_id", "governorate", "address"],
    )
    bill_payment = obj(
        "A month's bill paid.",
        OrderedDict(
            [
                (
                    "payment",
                    obj(
                        "The payment recorded.",
                        OrderedDict(
                            [
                                ("id", string("The payment's id, `WP-` and at least eight digits.", pattern="^WP-[0-9]{8,}$", examples=["WP-00000001"])),
                                ("period", string("The month paid for, as given.", examples=["2026-10"])),
                                ("consumption", integer("The consumption billed, m³: the month's reading less the previous one (0 for the first reading of the account).", examples=[30])),
                                ("amount", integer("The amount billed, IQD, by the tariff.", examples=[6000])),
                                ("paid_at", datetime("When it was recorded, UTC with milliseconds.")),
                            ]
                        ),
                    ),
                ),
                (
                    "account",
                    obj(
                        "The account after the payment.",
                        OrderedDict(
                            [
                                ("number", string("The account number.", examples=[ACCOUNT_NUMBER_EXAMPLE])),
                                ("balance", integer("The account's balance, IQD (not changed by the payment).", examples=[0])),
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
            ("PropertyType", property_type()),
            ("Account", account_schema()),
            ("AccountList", obj("A holder's water accounts, sorted by number.", OrderedDict([("items", {"type": "array", "items": ref("Account")})]))),
            ("OpenAccountRequest", open_request),
            ("AccountOpened", obj("The account opened.", OrderedDict([("account", ref("Account"))]))),
            ("BillPaymentRequest", obj("The month to pay. Other members are ignored.", OrderedDict([("period", {**PERIOD, "description": "The month to pay, `YYYY-MM`: the period of an unbilled reading (see the readings service, `GET /readings/{account}/unbilled`). A period not written `YYYY-MM` gives 422; a period with no reading gives 404."})]))),
            ("BillPayment", bill_payment),
        ]
    )
    unknown_account = ("unknown_account", "No account with this number", "water account", ACCOUNT_NUMBER_EXAMPLE)
    paths = OrderedDict(
        [
            (
                "/accounts",
                OrderedDict(
                    [
                        (
                            "get",
                            op(
                                "listAccounts",
                                "List a holder's water accounts",
                                "حسابات الماء للمشترك — every water account held by the person with this national ID, sorted by number. An ID that holds none gives an empty list.",
                                {
                                    "200": json_response("The holder's accounts (maybe none).", ref("AccountList")),
                                    "422": invalid("`national_id` is missing.", ("missing", "No national ID", "`national_id` is required")),
                                    "500": internal_ref(),
                                },
                                parameters=[query_param("national_id", "The holder's national ID (12 digits; the form is not checked).", {"type": "string", "examples": ["199012345678"]}, required=True)],
                            ),
                        ),
                        (
                            "post",
                            op(
                                "openAccount",
                                "Open a water account",
                                "فتح حساب ماء — opens a water account for a property, with a balance of 0, the next free account number, and the meter's initial reading recorded (already billed) for the current month. The civil registry must know the holder.",
                                {
                                    "201": json_response("The account was opened.", ref("AccountOpened")),
                                    "422": invalid(
                                        "The body is not valid, or the civil registry does not know the holder; `detail` names every problem.",
                                        *body_problem_examples(),
                                        ("missing", "Members missing", "`national_id` is required; `governorate` is required; `address` is required"),
                                        ("bad_values", "Values not allowed", "`property_type` must be one of `residential`, `house`, `apartment`, `commercial`, `industrial` or `government`, found `villa`; `Baghdad` is not a governorate; expected one of `anbar`, `babil`, `baghdad`, … or `wasit`; `initial_reading` must be a whole number of m³"),
                                        ("unknown_holder", "Holder not in the civil registry", "no person with national ID `199012345678` in the civil registry"),
                                    ),
                                    "500": internal_ref(),
                                },
                                request=request_body(
                                    "The holder, the property and the meter.",
                                    ref("OpenAccountRequest"),
                                    {"national_id": "199012345678", "governorate": "baghdad", "address": "بغداد، الكرادة، محلة 903، زقاق 12، دار 7", "property_type": "residential", "initial_reading": 0, "meter_serial": "KM24637918"},
                                ),
                            ),
                        ),
                    ]
                ),
            ),
            (
                "/accounts/{number}",
                {
                    "get": op(
                        "getAccount",
                        "Get a water account",
                        "بيانات حساب الماء — the water account with this number: its holder, property, meter and balance.",
                        {
                            "200": json_response("The account.", ref("Account")),
                            "404": not_found("No account has this number.", unknown_account),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/AccountNumber"}],
                    )
                },
            ),
            (
                "/accounts/{number}/payments",
                {
                    "post": op(
                        "payBill",
                        "Pay a month's water bill",
                        "تسديد قائمة الماء — records the payment of one month's bill of the account and marks that month's reading billed. The amount is computed here from the consumption, whatever the caller thinks it is. " + TARIFF_TEXT,
                        {
                            "201": json_response("The bill was paid.", ref("BillPayment")),
                            "404": not_found(
                                "No account has this number, or it has no reading for this period.",
                                unknown_account,
                                ("unknown_period", "No reading for this period", "reading for this period", "2026-10"),
                            ),
                            "409": json_response(
                                "The bill of this period is already paid.",
                                ref("Error"),
                                error_examples(("already_paid", "Already paid", "Agency.AlreadyPaid", "this period is already paid", "`2026-10`")),
                            ),
                            "422": invalid(
                                "The body is not a JSON object with a `period`.",
                                *body_problem_examples(),
                                ("missing", "No period", "`period` is required"),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/AccountNumber"}],
                        request=request_body("The month to pay.", ref("BillPaymentRequest"), {"period": "2026-10"}),
                    )
                },
            ),
        ]
    )
    parameters = OrderedDict([("AccountNumber", account_path_param("number"))])
    return document(
        "MMPW", "water", "accounts", "Water accounts", "حسابات الماء",
        "The water accounts of the ministry's water directorates: who holds the account of a property, its meter "
        "and balance; opening an account; and paying a month's bill. " + TARIFF_TEXT,
        ("GET", "/accounts/" + ACCOUNT_NUMBER_EXAMPLE),
        paths, schemas, parameters,
    )


def readings():
    reading = obj(
        "A monthly meter reading.",
        OrderedDict(
            [
                ("period", ref("Period")),
                ("read_on", date("When the meter was read.", "2026-10-28")),
                ("value", integer("The meter's index, m³.", examples=[1342])),
                ("consumption", {"type": ["integer", "null"], "description": "m³ used since the previous reading of the account (also when that reading lies before `from`); null for the account's first reading.", "examples": [30]}),
                ("billed", {"type": "boolean", "description": "Whether the month's bill is paid (the opening reading of an account counts as billed)."}),
            ]
        ),
    )
    point = lambda what: obj(  # noqa: E731
        f"The {what} reading.",
        OrderedDict([("date", date("When the meter was read.", "2026-10-28")), ("value", integer("The meter's index, m³.", examples=[1342]))]),
    )
    previous = point("previous")
    previous["type"] = ["object", "null"]
    previous["description"] = "The reading before it; null when it is the account's first reading."
    unbilled = obj(
        "The oldest reading of an account whose bill is not paid yet, with the amount due.",
        OrderedDict(
            [
                ("account_number", string("The account number.", examples=["1000000001"])),
                (
                    "subscriber",
                    obj(
                        "The account holder (المشترك).",
                        OrderedDict(
                            [
                                ("full_name", {"type": ["string", "null"], "description": "The four-part name in Arabic script; null when the civil registry does not know the holder.", "examples": ["أحمد علي حسين الجبوري"]}),
                                ("full_name_latin", {"type": ["string", "null"], "description": "The four-part name in Latin script; null when the civil registry does not know the holder.", "examples": ["Ahmed Ali Hussein Al-Jubouri"]}),
                                ("national_id", string("The holder's national ID.", examples=["199012345678"])),
                            ]
                        ),
                    ),
                ),
                ("period", obj("The billing period.", OrderedDict([("label", ref("Period"))]))),
                ("previous", previous),
                ("current", point("unbilled")),
                ("consumption", obj("The consumption billed.", OrderedDict([("cubic_metres", integer("m³ used since the previous reading (0 when there is none).", examples=[30]))]))),
                ("amount_due", integer("The amount due, IQD, by the tariff.", examples=[6000])),
            ]
        ),
    )
    schemas = OrderedDict(
        [
            ("Period", PERIOD),
            ("Reading", reading),
            ("ReadingList", obj("An account's readings, the oldest first.", OrderedDict([("account_number", string("The account number.", examples=["1000000001"])), ("items", {"type": "array", "items": ref("Reading")})]))),
            ("UnbilledReading", unbilled),
        ]
    )
    unknown_account = ("unknown_account", "No account with this number", "water account", ACCOUNT_NUMBER_EXAMPLE)
    paths = OrderedDict(
        [
            (
                "/readings/{account}",
                {
                    "get": op(
                        "listReadings",
                        "List an account's meter readings",
                        "قراءات المقياس — the monthly meter readings of a water account, the oldest first, optionally only the months from `from` to `to` (both included), each with the consumption since the reading before it and whether its bill is paid.",
                        {
                            "200": json_response("The readings (maybe none in the months asked for).", ref("ReadingList")),
                            "404": not_found("No account has this number.", unknown_account),
                            "422": invalid(
                                "`from` or `to` is not a month.",
                                ("bad_month", "Not a month", "`from` must be a month `YYYY-MM`, found `2026-13`"),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[
                            {"$ref": "#/components/parameters/AccountNumber"},
                            query_param("from", "The first month, `YYYY-MM`. Default: the account's first reading.", ref("Period")),
                            query_param("to", "The last month, `YYYY-MM`. Default: the account's last reading. A `to` before `from` gives an empty list.", ref("Period")),
                        ],
                    )
                },
            ),
            (
                "/readings/{account}/unbilled",
                {
                    "get": op(
                        "getUnbilledReading",
                        "Get the oldest unpaid reading and the amount due",
                        "القراءة غير المسددة والمبلغ المستحق — the oldest reading of the account whose bill is not paid yet, the reading before it, the consumption between them and the amount due, with the holder's name. Pay it with `POST /accounts/{number}/payments` of the accounts service (`IQ/GOV/MMPW/water/accounts`). " + TARIFF_TEXT,
                        {
                            "200": json_response("The oldest unpaid reading.", ref("UnbilledReading")),
                            "404": json_response(
                                "No account has this number (`Agency.NotFound`), or every reading of the account is paid (`Agency.NothingToBill`).",
                                ref("Error"),
                                error_examples(
                                    ("unknown_account", "No account with this number", "Agency.NotFound", "no water account with this id", f"`{ACCOUNT_NUMBER_EXAMPLE}`"),
                                    ("nothing_to_bill", "Everything is paid", "Agency.NothingToBill", "the account has no unbilled reading", f"`{ACCOUNT_NUMBER_EXAMPLE}`"),
                                ),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/AccountNumber"}],
                    )
                },
            ),
        ]
    )
    parameters = OrderedDict([("AccountNumber", account_path_param("account"))])
    return document(
        "MMPW", "water", "readings", "Water meter readings", "قراءات مقاييس الماء",
        "The monthly readings of the water meters of the ministry's water directorates, and the amount due for "
        "the oldest unpaid one. "
        + TARIFF_TEXT,
        ("GET", f"/readings/{ACCOUNT_NUMBER_EXAMPLE}/unbilled"),
        paths, schemas, parameters,
    )
