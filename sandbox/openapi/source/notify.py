"""MOC/notify: SMS and e-mail gateway."""

from collections import OrderedDict

from common import *  # noqa: F401,F403

PHONE_PATTERN = "^(07[0-9]{9}|\\+9647[0-9]{9})$"


def messages():
    phone = {
        "type": "string",
        "description": "An Iraqi mobile number: `07` and 9 digits, or `+9647` and 9 digits (kept as `07…`).",
        "pattern": PHONE_PATTERN,
        "examples": ["07701234567"],
    }
    receipt = obj(
        "The gateway's receipt for a message it accepted. The sandbox delivers at once, to the inbox of the address.",
        OrderedDict(
            [
                ("id", string("The message's id, `MSG-` and at least eight digits.", pattern="^MSG-[0-9]{8,}$", examples=["MSG-00000042"])),
                ("channel", {"type": "string", "description": "How the message was sent.", "enum": ["sms", "email"]}),
                ("to", string("The address it was delivered to: a phone number written `07…`, or an e-mail address in lowercase.", examples=["07701234567"])),
                ("status", {"type": "string", "description": "Always `delivered`: the sandbox puts the message in the inbox at once.", "const": "delivered"}),
                ("sent_at", datetime("When the message was delivered, UTC with milliseconds.")),
            ]
        ),
    )
    message = obj(
        "A message in an inbox.",
        OrderedDict(
            [
                ("id", string("The message's id.", pattern="^MSG-[0-9]{8,}$", examples=["MSG-00000042"])),
                ("channel", {"type": "string", "enum": ["sms", "email"]}),
                ("to", string("The address it was delivered to.")),
                ("subject", {"type": ["string", "null"], "description": "The e-mail's subject; null for an SMS."}),
                ("text", string("The message's text.")),
                ("sent_at", datetime("When it was delivered, UTC with milliseconds.")),
            ]
        ),
    )
    schemas = OrderedDict(
        [
            ("Phone", phone),
            (
                "SmsRequest",
                obj(
                    "An SMS to send. Other members are ignored.",
                    OrderedDict(
                        [
                            ("to", ref("Phone")),
                            ("text", string("The message, at most 1000 characters after leading and trailing spaces are removed.", minLength=1, maxLength=1000, pattern="\\S")),
                        ]
                    ),
                ),
            ),
            (
                "EmailRequest",
                obj(
                    "An e-mail to send. Other members are ignored.",
                    OrderedDict(
                        [
                            ("to", string("The e-mail address: something before `@` and a domain with a `.` that does not start with `.`. It is kept in lowercase.", format="email", examples=["layla.hassan@example.iq"])),
                            ("subject", string("The subject.", **NON_BLANK)),
                            ("text", string("The message.", **NON_BLANK)),
                        ]
                    ),
                ),
            ),
            ("MessageReceipt", receipt),
            ("Message", message),
            (
                "Inbox",
                obj(
                    "The messages delivered to one address, the newest first (at most 100).",
                    OrderedDict(
                        [
                            ("address", string("The address, normalised: a phone number written `07…`, anything else in lowercase.")),
                            ("items", {"type": "array", "maxItems": 100, "items": ref("Message")}),
                        ]
                    ),
                ),
            ),
        ]
    )
    body_problems = body_problem_examples()
    paths = OrderedDict(
        [
            (
                "/sms",
                {
                    "post": op(
                        "sendSms",
                        "Send an SMS",
                        "إرسال رسالة نصية قصيرة — sends a text message to an Iraqi mobile number. In the sandbox nothing leaves the machine: the message lands in the number's inbox, which `GET /inbox/{address}` and the sandbox's page `/notify/inbox` show.",
                        {
                            "202": json_response("The message was accepted (and, in the sandbox, delivered).", ref("MessageReceipt")),
                            "422": invalid(
                                "The body is not valid; `detail` names every problem.",
                                *body_problems,
                                ("missing", "Members missing", "`to` is required; `text` is required"),
                                ("bad_phone", "Not a mobile number", "`0770123` is not an Iraqi mobile number (`07` and 9 digits)"),
                                ("too_long", "Text too long", "`text` is longer than 1000 characters"),
                            ),
                            "500": internal_ref(),
                        },
                        request=request_body(
                            "The number and the text.",
                            ref("SmsRequest"),
                            {"to": "07701234567", "text": "Your application WSC/2026/000123 was received. / تم استلام طلبك WSC/2026/000123."},
                        ),
                    )
                },
            ),
            (
                "/email",
                {
                    "post": op(
                        "sendEmail",
                        "Send an e-mail",
                        "إرسال بريد إلكتروني — sends an e-mail. In the sandbox nothing leaves the machine: the message lands in the address's inbox, which `GET /inbox/{address}` and the sandbox's page `/notify/inbox` show.",
                        {
                            "202": json_response("The e-mail was accepted (and, in the sandbox, delivered).", ref("MessageReceipt")),
                            "422": invalid(
                                "The body is not valid; `detail` names every problem.",
                                *body_problems,
                                ("missing", "Members missing", "`to` is required; `subject` is required; `text` is required"),
                                ("bad_address", "Not an e-mail address", "`layla.hassan` is not an e-mail address"),
                            ),
                            "500": internal_ref(),
                        },
                        request=request_body(
                            "The address, the subject and the text.",
                            ref("EmailRequest"),
                            {"to": "layla.hassan@example.iq", "subject": "Your appointment / موعدك", "text": "Your appointment is on Sunday at 09:00. / موعدك يوم الأحد الساعة 09:00."},
                        ),
                    )
                },
            ),
            (
                "/inbox/{address}",
                {
                    "get": op(
                        "getInbox",
                        "Read the inbox of a phone number or e-mail address",
                        "صندوق الوارد — the messages delivered to a phone number or an e-mail address, the newest first, at most 100. A phone number may be written `07…` or `+9647…`; any other address is compared in lowercase. An address that received nothing has an empty inbox. For workshops only: anyone can read any inbox.",
                        {
                            "200": json_response("The inbox (maybe empty).", ref("Inbox")),
                            "500": internal_ref(),
                        },
                        parameters=[path_param("address", "A phone number (`07…` or `+9647…`; the `+` may also be sent as `%2B`) or an e-mail address.", {"type": "string", "examples": ["07701234567"]})],
                    )
                },
            ),
        ]
    )
    return document(
        "MOC", "notify", "messages", "SMS and e-mail gateway", "بوابة الرسائل النصية والبريد الإلكتروني",
        "The government's SMS and e-mail gateway. In the sandbox no message leaves the machine: each one lands in an inbox per phone number "
        "or e-mail address, which this service and the sandbox's page `/notify/inbox` show.",
        ("POST", "/sms"),
        paths, schemas,
    )
