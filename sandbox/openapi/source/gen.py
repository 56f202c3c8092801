import sys, os
sys.path.insert(0, os.path.dirname(__file__))
from common import write
import civil_registry, education, health, notify, payments, water

OUT = sys.argv[1]
DOCS = {
    "cbi-payments-payments.json": payments.payments,
    "mmpw-water-accounts.json": water.accounts,
    "mmpw-water-readings.json": water.readings,
    "moc-notify-messages.json": notify.messages,
    "moe-schools-enrolments.json": education.enrolments,
    "moe-schools-schools.json": education.schools,
    "moh-births-notifications.json": health.births,
    "moh-primary-care-centres.json": health.centres,
    "moi-civil-registry-households.json": civil_registry.households,
    "moi-civil-registry-persons.json": civil_registry.persons,
}
os.makedirs(OUT, exist_ok=True)
for name, build in DOCS.items():
    write(os.path.join(OUT, name), build())
    print("wrote", name)
