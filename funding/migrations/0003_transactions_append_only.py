"""Make the database itself refuse to change or delete a recorded transaction.

The model and its QuerySet already refuse; the trigger also stops raw SQL and other clients.
PostgreSQL refuses UPDATE and DELETE (TRUNCATE, used only to reset test databases, is a
statement-level operation and is not affected); SQLite refuses UPDATE.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION funding_transaction_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'funding_transaction is append-only: record a reversal instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funding_transaction_append_only
    BEFORE UPDATE OR DELETE ON funding_transaction
    FOR EACH ROW EXECUTE FUNCTION funding_transaction_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS funding_transaction_append_only ON funding_transaction;
DROP FUNCTION IF EXISTS funding_transaction_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER funding_transaction_append_only
BEFORE UPDATE ON funding_transaction
BEGIN
    SELECT RAISE(ABORT, 'funding_transaction is append-only: record a reversal instead');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS funding_transaction_append_only;"


def forward(apps, schema_editor):
    sql = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}.get(
        schema_editor.connection.vendor
    )
    if sql:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    sql = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(
        schema_editor.connection.vendor
    )
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_initial")]

    operations = [migrations.RunPython(forward, backward)]
