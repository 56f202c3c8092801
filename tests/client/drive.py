"""A case of a served social-welfare pilot driven with nothing but a client that
openapi-python-client generated from the pilot's `/openapi.json` (`.ci/contracts`).

Usage: PYTHONPATH=DIR-OF-quickwin_client python3 tests/client/drive.py BASE_URL
with QUICKWIN_STAFF and QUICKWIN_STAFF_PASSWORD naming an intake clerk's account.

The steps, each checked on the parsed answer: upload a proof of income; submit the demo
family's application naming it; track it with the access code; sign in as staff; send it
back for correction; the applicant resubmits it (the citizen's action); the clerk
accepts it; the clerk downloads the upload. No request is made by hand: if the document
does not let the generator make an operation, or its answers do not parse into the
generated models, this fails.
"""

import inspect
import io
import os
import sys

from quickwin_client import AuthenticatedClient, Client
from quickwin_client.api.citizen import (
    submit_application,
    take_citizen_action,
    track_application,
    upload_attachment,
)
from quickwin_client.api.staff import download_attachment, get_case, sign_in, take_staff_action
from quickwin_client.models import (
    PublicCase,
    Session,
    SignIn,
    SocialWelfareApplication,
    StaffCase,
    Submitted,
    TakeCitizenActionAction,
    TakeStaffActionAction,
    TheInputsOfAccept,
    TheInputsOfResubmit,
    TheInputsOfSendBack,
)
from quickwin_client.types import File

# The smallest PDF the service's upload check takes: the magic number and an end.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The sandbox's demo family (docs/sandbox.md): Ahmed applies, with Zainab in the household.
APPLICATION = {
    "applicant_full_name": "أحمد كريم حسن الربيعي",
    "applicant_national_id": "019870315001",
    "applicant_date_of_birth": "1987-03-15",
    "applicant_sex": "male",
    "applicant_has_disability": False,
    "applicant_monthly_income": 300000,
    "marital_status": "married",
    "phone": "07701999001",
    "governorate": "baghdad",
    "district": "الكرخ",
    "home_address": "المنصور، محلة 605، زقاق 12، دار 7",
    "housing": "owned",
    "employment": "daily_worker",
    "ration_card_number": "1234",
    "household": [
        {
            "full_name": "زينب علي حسين التميمي",
            "national_id": "019920622002",
            "date_of_birth": "1992-06-22",
            "sex": "female",
            "relationship": "spouse",
            "has_disability": False,
            "monthly_income": 0,
        }
    ],
    "declaration": True,
}


def step(name, response, status, model):
    """The parsed answer of a step that must have answered `status` with a `model`."""
    parsed = response.parsed
    if response.status_code != status or not isinstance(parsed, model):
        sys.exit(
            f"{name}: expected {status} {model.__name__}, got {int(response.status_code)} "
            f"{type(parsed).__name__}: {response.content[:400]!r}"
        )
    print(f"ok  {name}: {int(response.status_code)}")
    return parsed


def upload(client):
    """Upload the proof of income, whichever way the document describes the body (the
    raw file, or a multipart form with a `file` part): both are generated code."""
    params = inspect.signature(upload_attachment.sync_detailed).parameters
    kind = params["body"].annotation
    file = File(payload=io.BytesIO(PDF), file_name="income.pdf", mime_type="application/pdf")
    body = file
    if isinstance(kind, type) and kind is not File and hasattr(kind, "to_multipart"):
        body = kind(file=file)
    extra = {"field": "income_proof"} if "field" in params else {}
    response = upload_attachment.sync_detailed(client=client, name="income.pdf", body=body, **extra)
    if response.status_code != 201:
        sys.exit(f"upload: expected 201, got {int(response.status_code)}: {response.content[:400]!r}")
    upload = response.parsed
    print(f"ok  upload: {int(response.status_code)}")
    return upload.id


def main():
    base = sys.argv[1]
    public = Client(base_url=base, raise_on_unexpected_status=True)

    attachment = upload(public)

    answers = dict(APPLICATION, income_proof=attachment)
    submitted = step(
        "submit",
        submit_application.sync_detailed(client=public, body=SocialWelfareApplication.from_dict(answers)),
        201,
        Submitted,
    )
    tracking, code = submitted.tracking, submitted.access_code

    case = step(
        "track",
        track_application.sync_detailed(tracking, client=public, x_access_code=code),
        200,
        PublicCase,
    )
    assert case.state == "submitted", case.state

    session = step(
        "staff sign-in",
        sign_in.sync_detailed(
            client=public,
            body=SignIn(name=os.environ["QUICKWIN_STAFF"], password=os.environ["QUICKWIN_STAFF_PASSWORD"]),
        ),
        201,
        Session,
    )
    staff = AuthenticatedClient(base_url=base, token=session.token, raise_on_unexpected_status=True)

    sent_back = step(
        "staff action (send back)",
        take_staff_action.sync_detailed(
            tracking,
            TakeStaffActionAction.SEND_BACK,
            client=staff,
            body=TheInputsOfSendBack(reason="Please attach a clearer proof of income."),
        ),
        200,
        StaffCase,
    )
    assert sent_back.state == "needs_correction", sent_back.state

    resubmitted = step(
        "citizen action (resubmit)",
        take_citizen_action.sync_detailed(
            tracking,
            TakeCitizenActionAction.RESUBMIT,
            client=public,
            x_access_code=code,
            body=TheInputsOfResubmit.from_dict(answers),
        ),
        200,
        PublicCase,
    )
    assert resubmitted.state == "submitted", resubmitted.state

    accepted = step(
        "staff action (accept)",
        # `accept` has no inputs: its empty inputs, as the generated union of bodies
        # cannot leave the (optional) body out.
        take_staff_action.sync_detailed(
            tracking, TakeStaffActionAction.ACCEPT, client=staff, body=TheInputsOfAccept()
        ),
        200,
        StaffCase,
    )
    assert accepted.state == "home_visit", accepted.state

    whole = step("staff case", get_case.sync_detailed(tracking, client=staff), 200, StaffCase)
    assert any(a.id == attachment for a in whole.attachments), whole.attachments
    download = download_attachment.sync_detailed(tracking, attachment, client=staff)
    if download.status_code != 200 or download.content != PDF:
        sys.exit(f"download: expected 200 with the file, got {int(download.status_code)}")
    print(f"ok  download: {int(download.status_code)}, {len(download.content)} bytes as uploaded")
    print(f"driven: {tracking} from submission to a home visit with the generated client")


if __name__ == "__main__":
    main()
