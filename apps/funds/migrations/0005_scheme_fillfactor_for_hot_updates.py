"""Room in every page of funds_scheme for a new version of each of its rows.

Each daily NAV import moves every scheme's latest_nav and latest_nav_date (columns no index covers). With
free space in the page, PostgreSQL writes the new row version there as a heap-only tuple (HOT): none of
the table's eight indexes (the name's full-text GIN index among them) is touched. A full page forces a
new entry in every index for every scheme, which was most of the import's time. The dead versions of the
day before are pruned on the next visit to the page, so half of each page is enough. Only pages written
from now on get the room: VACUUM FULL funds_scheme (a short exclusive lock) gives it to the existing ones."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0004_scheme_tax_asset_class_override"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE funds_scheme SET (fillfactor = 50)",
            reverse_sql="ALTER TABLE funds_scheme RESET (fillfactor)",
        ),
    ]
