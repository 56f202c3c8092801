"""CBI/payments: the payment gateway with test cards."""

from collections import OrderedDict

from common import *  # noqa: F401,F403

CARD_OK = "4111111111111111"
CARD_DECLINED = "4000000000000002"
CARD_TIMEOUT = "4000000000000119"


def payments():
    payment = obj(
        "A payment and its state.",
        OrderedDict(
            [
                ("id", string("The payment's id, `PAY-` and at least eight digits.", pattern="^PAY-[0-9]{8,}$", examples=["PAY-00000001"])),
                ("amount", integer("The amount, in whole Iraqi dinars.", minimum=1, examples=[25000])),
                ("currency", {"type": "string", "description": "Always `IQD`.", "const": "IQD"}),
                ("reference", string("The payer's reference, e.g. the number of the bill or application.", examples=["WFR/202611/0000001"])),
                ("description", string("What is paid for; empty when none was given.", examples=["Water bill, November 2026"])),
                ("status", {"type": "string", "description": "`pending` until a card is tried, then `succeeded` or `declined` (a payment is tried once).", "enum": ["pending", "succeeded", "declined"]}),
                ("card_last4", {"type": ["string", "null"], "description": "The last four digits of the card tried; null while pending.", "pattern": "^[0-9]{4}$", "examples": ["1111"]}),
                ("created_at", datetime("When the payment was created, UTC with milliseconds.")),
                ("updated_at", datetime("When it last changed, UTC with milliseconds.")),
            ]
        ),
    )
    create_request = obj(
        "A payment to create. Other members are ignored.",
        OrderedDict(
            [
                ("amount", integer("The amount, in whole Iraqi dinars, more than 0. A number with a zero fraction such as `25000.0` is accepted.", minimum=1)),
                ("currency", {"type": "string", "description": "The gateway takes `IQD` only. Optional; when it is missing (or not a string) `IQD` is used.", "const": "IQD", "default": "IQD"}),
                ("reference", string("The payer's reference, e.g. the number of the bill or application. A JSON number is taken as text.", **NON_BLANK)),
                ("description", string("What is paid for. Optional; when it is missing (or not a string) it is empty.", default="")),
            ]
        ),
        required=["amount", "reference"],
    )
    pay_request = obj(
        "The card to pay with. Other members are ignored.",
        OrderedDict(
            [
                (
                    "card_number",
                    {
                        "type": "string",
                        "description": f"One of the sandbox's test cards (spaces are ignored, a JSON number is taken as text): `{CARD_OK}` pays (`succeeded`), `{CARD_DECLINED}` is declined (`declined`), and `{CARD_TIMEOUT}` keeps the gateway waiting 60 seconds before it is declined. Any other number is refused.",
                        "enum": [CARD_OK, CARD_DECLINED, CARD_TIMEOUT],
                    },
                )
            ]
        ),
    )
    schemas = OrderedDict(
        [
            ("Payment", payment),
            ("CreatePaymentRequest", create_request),
            ("PayRequest", pay_request),
        ]
    )
    unknown = ("unknown_payment", "No payment with this id", "payment", "PAY-99999999")
    paths = OrderedDict(
        [
            (
                "/payments",
                {
                    "post": op(
                        "createPayment",
                        "Create a payment",
                        "إنشاء طلب دفع — creates a pending payment of an amount in Iraqi dinars, to be paid by card with `POST /payments/{id}/pay`. With an `Idempotency-Key`, the payment is created once: the same key gives the same payment back (200), however often and however concurrently it is sent.",
                        {
                            "200": json_response("A payment was created with this `Idempotency-Key` before: that payment, as it is now.", ref("Payment")),
                            "201": json_response("The payment was created, `pending`.", ref("Payment")),
                            "422": invalid(
                                "The body is not valid; `detail` names every problem.",
                                *body_problem_examples(),
                                ("missing", "Members missing", "`amount` is required; `reference` is required"),
                                ("bad_amount", "Not a whole amount", "`amount` must be a whole number of the currency's unit, more than 0"),
                                ("bad_currency", "Not dinars", "the gateway takes `IQD` only, found `USD`"),
                                ("bad_key", "A key out of bounds", "`Idempotency-Key` must be visible ASCII text of 1 to 200 characters"),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[
                            {
                                "name": "Idempotency-Key",
                                "in": "header",
                                "description": "A key of the caller's, one per thing paid for (e.g. per fee of an application): a second request with the key gets the payment the first created. A key reused for another amount or reference is refused (422, `Agency.IdempotencyKeyReused`).",
                                "required": False,
                                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                                "example": "key:WF-202611-0000001/water_charges/3f9a1c2e",
                            }
                        ],
                        request=request_body(
                            "The amount, the reference and what is paid for.",
                            ref("CreatePaymentRequest"),
                            {"amount": 25000, "currency": "IQD", "reference": "WFR/202611/0000001", "description": "Water bill, November 2026"},
                        ),
                    )
                },
            ),
            (
                "/payments/{id}",
                {
                    "get": op(
                        "getPayment",
                        "Get a payment",
                        "حالة الدفع — the payment with this id and its state.",
                        {
                            "200": json_response("The payment.", ref("Payment")),
                            "404": not_found("No payment has this id.", unknown),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/PaymentId"}],
                    )
                },
            ),
            (
                "/payments/{id}/pay",
                {
                    "post": op(
                        "payPayment",
                        "Pay a payment by card",
                        "الدفع بالبطاقة — tries a test card on a pending payment, which then becomes `succeeded` or `declined`; a payment is tried only once.\n\n"
                        f"| card | outcome |\n| --- | --- |\n| `{CARD_OK}` | 200, `succeeded` |\n| `{CARD_DECLINED}` | 200, `declined` |\n| `{CARD_TIMEOUT}` | the bank does not answer: after 60 seconds, 504 `Agency.BankTimeout`; the payment stays `pending` |\n\n"
                        "The payment is looked up before the card is tried, so an unknown or already processed payment is reported at once. "
                        "Through the mediator the timing-out card ends in 504 `Server.ServerProxy.Timeout` after the mediator's time limit (10 seconds by default); the payment stays `pending`.",
                        {
                            "200": json_response("The card was tried: the payment is now `succeeded` or `declined`.", ref("Payment")),
                            "404": not_found("No payment has this id.", unknown),
                            "409": json_response(
                                "The payment is not pending: a card was already tried.",
                                ref("Error"),
                                error_examples(("already_processed", "Already paid or declined", "Agency.AlreadyProcessed", "the payment is no longer pending", "status `succeeded`")),
                            ),
                            "422": invalid(
                                "The body is not valid or the card is not a test card.",
                                *body_problem_examples(),
                                ("missing", "No card", "`card_number` is required"),
                                ("not_a_test_card", "Not a test card", f"`card_number` must be a test card: `{CARD_OK}` pays, `{CARD_DECLINED}` is declined, `{CARD_TIMEOUT}` times out"),
                            ),
                            "500": internal_ref(),
                            "504": json_response(
                                "The card's bank did not answer (the timing-out test card); the payment is still pending.",
                                ref("Error"),
                                error_examples(("bank_timeout", "The bank did not answer", "Agency.BankTimeout", "the card's bank did not answer", "the payment is still pending; try again or use another card")),
                            ),
                        },
                        parameters=[{"$ref": "#/components/parameters/PaymentId"}],
                        request=request_body("The test card to pay with.", ref("PayRequest"), {"card_number": CARD_OK}),
                    )
                },
            ),
        ]
    )
    parameters = OrderedDict(
        [("PaymentId", path_param("id", "The payment's id, as answered by `POST /payments` (exact match).", {"type": "string", "examples": ["PAY-00000001"]}))]
    )
    return document(
        "CBI", "payments", "payments", "Payment gateway", "بوابة الدفع الإلكتروني",
        "Create a payment in "
        f"Iraqi dinars, then pay it with a test card. No money moves. Test cards: `{CARD_OK}` pays, "
        f"`{CARD_DECLINED}` is declined, `{CARD_TIMEOUT}` makes the gateway wait 60 seconds and is then declined.",
        ("GET", "/payments/PAY-00000001"),
        paths, schemas, parameters,
    )
