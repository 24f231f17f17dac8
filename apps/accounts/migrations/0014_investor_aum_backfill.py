# Data migration: each investor's AUM from their latest valuation (0 where there is none yet).

from django.db import migrations

FORWARD = """
UPDATE accounts_investor AS investor
SET aum = valuation.value
FROM portfolio_investorvaluation AS valuation
WHERE valuation.investor_id = investor.id AND investor.aum <> valuation.value
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_investor_aum"),
        ("portfolio", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=migrations.RunSQL.noop)]
