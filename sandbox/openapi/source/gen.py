# Usage: gen.py OUT [--doc docs/sandbox.md]
# Writes each mock agency's OpenAPI document to OUT; with --doc, also rewrites the record
# fields section of that Markdown file (between its markers) from the same documents.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
from common import write
import fields
import civil_registry, education, finance, health, justice, notify, payments, social, water

OUT = sys.argv[1]
DOCS = {
    "cbi-payments-payments.json": payments.payments,
    "mmpw-water-accounts.json": water.accounts,
    "mmpw-water-readings.json": water.readings,
    "moc-notify-messages.json": notify.messages,
    "moe-schools-enrolments.json": education.enrolments,
    "moe-schools-schools.json": education.schools,
    "mof-pensions-pensioners.json": finance.pensioners,
    "moh-births-notifications.json": health.births,
    "moh-health-records-patients.json": health.records,
    "moh-primary-care-centres.json": health.centres,
    "moi-civil-registry-households.json": civil_registry.households,
    "moi-civil-registry-persons.json": civil_registry.persons,
    "moj-real-estate-registry-properties.json": justice.properties,
    "molsa-payments-beneficiaries.json": social.beneficiaries,
}
os.makedirs(OUT, exist_ok=True)
built = []
for name, build in DOCS.items():
    doc = build()
    built.append(doc)
    write(os.path.join(OUT, name), doc)
    print("wrote", name)
if "--doc" in sys.argv[2:]:
    target = sys.argv[sys.argv.index("--doc") + 1]
    fields.rewrite(target, built)
    print("wrote the record fields of", target)
