"""Store every person's e-mail address in the one spelling sign-in now looks up by exact match
(csp_portal/organisations/identity.py: NFKC, no surrounding spaces, lower case).

Addresses added in the admin kept the capitals they were typed with; without this they could no
longer sign in. Two people whose addresses differ only in spelling could not sign in before either
(the case-insensitive look-up found both): the migration stops and names them, to be merged or
corrected in the admin first.
"""

import unicodedata

from django.db import migrations


def _normalised(address: str) -> str:
    # A copy of identity.normalise_email as it was written, so that this migration keeps its meaning.
    return unicodedata.normalize("NFKC", address).strip().lower()


def normalise_addresses(apps, schema_editor):
    User = apps.get_model("organisations", "User")
    spellings: dict[str, list[str]] = {}
    for address in User.objects.values_list("email", flat=True):
        spellings.setdefault(_normalised(address), []).append(address)
    clashes = [sorted(found) for found in spellings.values() if len(found) > 1]
    if clashes:
        listed = "; ".join(", ".join(found) for found in clashes)
        raise RuntimeError(f"These people's e-mail addresses differ only in capitals or spaces: {listed}.")
    for normalised, (address,) in spellings.items():
        if address != normalised:
            User.objects.filter(email=address).update(email=normalised)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_history_of_people_and_areas"),
    ]

    operations = [
        migrations.RunPython(normalise_addresses, migrations.RunPython.noop),
    ]
