"""The access log keeps reason codes; free text moves to an encrypted column.

``reason_detail`` (EncryptedTextField) holds the free text that only the log keeps: the
break-glass and reopening reasons. The rows already written are rewritten once: those free-text
reasons move to ``reason_detail`` (encrypted by the field's own ``get_prep_value``), and the
transfer and referral decline reasons, which their (now encrypted) records keep, are cleared.

The log is append-only through database triggers (0003). A migration is the one place where
rows are rewritten: the triggers are dropped for the length of this migration (on SQLite adding
the column rebuilds the table, which would drop them anyway) and created again at its end, in
the same transaction. The new triggers let one UPDATE through: re-encrypting ``reason_detail``
under a new key (``rotate_field_keys``), every other column unchanged. Backwards, the free text
goes back to ``reason`` and the triggers of 0003 come back.
"""

import re

from django.db import migrations, models
from django.db.models.functions import Cast

import gbvms.core.fields

# The triggers of 0003, as they were (for going backwards).
SQLITE_BEFORE = [
    "CREATE TRIGGER core_accesslog_no_update BEFORE UPDATE ON core_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'core_accesslog is append-only'); END;",
    "CREATE TRIGGER core_accesslog_no_delete BEFORE DELETE ON core_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'core_accesslog is append-only'); END;",
]
POSTGRES_BEFORE = [
    """CREATE OR REPLACE FUNCTION core_accesslog_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'core_accesslog is append-only'; END;
    $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER core_accesslog_no_change BEFORE UPDATE OR DELETE ON core_accesslog "
    "FOR EACH ROW EXECUTE FUNCTION core_accesslog_append_only();",
    "CREATE TRIGGER core_accesslog_no_truncate BEFORE TRUNCATE ON core_accesslog "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_accesslog_append_only();",
]
# The same, with one exception: an UPDATE that changes nothing but replaces a non-empty
# ``reason_detail`` ciphertext by another ciphertext (``rotate_field_keys`` re-encrypting under
# the new key). SQLite has no row comparison, so its trigger names the columns: a migration that
# adds a column to the log must create this trigger again with it (a test checks every column).
SQLITE_UNCHANGED = " AND ".join(
    f"NEW.{c} IS OLD.{c}"
    for c in [
        "id", "at", "actor_id", "actor_username", "action", "object_kind", "object_id", "ip",
        "user_agent", "reason", "changes",
    ]
)  # fmt: skip
SQLITE_AFTER = [
    "CREATE TRIGGER core_accesslog_no_update BEFORE UPDATE ON core_accesslog "
    f"WHEN NOT (OLD.reason_detail <> '' AND substr(NEW.reason_detail, 1, 3) = 'v1$' "
    f"AND {SQLITE_UNCHANGED}) "
    "BEGIN SELECT RAISE(ABORT, 'core_accesslog is append-only'); END;",
    SQLITE_BEFORE[1],
]
POSTGRES_AFTER = [
    """CREATE OR REPLACE FUNCTION core_accesslog_append_only() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.reason_detail <> '' AND substr(NEW.reason_detail, 1, 3) = 'v1$'
         AND (to_jsonb(NEW) - 'reason_detail') = (to_jsonb(OLD) - 'reason_detail') THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'core_accesslog is append-only';
    END;
    $$ LANGUAGE plpgsql;""",
    *POSTGRES_BEFORE[1:],
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_accesslog_no_update;",
    "DROP TRIGGER IF EXISTS core_accesslog_no_delete;",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_accesslog_no_change ON core_accesslog;",
    "DROP TRIGGER IF EXISTS core_accesslog_no_truncate ON core_accesslog;",
]
BEFORE = {"sqlite": SQLITE_BEFORE, "postgresql": POSTGRES_BEFORE}
CREATE = {"sqlite": SQLITE_AFTER, "postgresql": POSTGRES_AFTER}
DROP = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}

# free text the log is the only record of: kept, encrypted
DETAIL_ACTIONS = {"cases.case.break_glass", "cases.case.reopened"}
# free text the (encrypted) record keeps: not copied
RECORD_ACTIONS = {"cases.transfer.declined", "referrals.referral.declined"}
CODE = re.compile(r"[a-z0-9_]{1,40}")


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def move_free_text(apps, schema_editor):
    manager = apps.get_model("core", "AccessLog")._base_manager
    for pk, action, reason in list(
        manager.exclude(reason="").values_list("pk", "action", "reason")
    ):
        if CODE.fullmatch(reason) and action not in DETAIL_ACTIONS:
            continue  # already a code
        detail = "" if action in RECORD_ACTIONS else reason
        manager.filter(pk=pk).update(reason="", reason_detail=detail)  # encrypted on the way


def restore_free_text(apps, schema_editor):
    manager = apps.get_model("core", "AccessLog")._base_manager
    written = manager.annotate(_raw=Cast("reason_detail", models.TextField())).exclude(_raw="")
    for pk, detail in list(written.values_list("pk", "reason_detail")):  # decrypted on load
        manager.filter(pk=pk).update(reason=detail[:500], reason_detail="")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_public_holiday"),
    ]

    operations = [
        migrations.RunPython(_run(DROP), _run(BEFORE)),
        migrations.AddField(
            model_name="accesslog",
            name="reason_detail",
            field=gbvms.core.fields.EncryptedTextField(blank=True, verbose_name="lý do (mã hóa)"),
        ),
        migrations.RunPython(move_free_text, restore_free_text),
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
