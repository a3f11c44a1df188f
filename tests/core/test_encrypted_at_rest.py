"""No survivor free text in the raw database.

Every model that hangs off a case (a foreign-key chain to Case, Survivor, Incident or
HelpRequest), plus the notifications, gets one row whose every free-text field holds its own
marker; the raw rows of every table (``SELECT *``, and on SQLite the whole SQL dump) must not
contain any marker. A new text field on such a model fails this test until it is encrypted
(``EncryptedTextField`` / ``EncryptedJSONField``) or, if it holds a code, is added below to
``CODE_FIELDS`` with the reason.

The services that write a reason into the access log are run with markers too: the log keeps
reason codes, and the break-glass (and reopening) reason only encrypted.
"""

from __future__ import annotations

import datetime
import importlib
import itertools
import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.test import override_settings
from django.utils import timezone

from gbvms.cases import selectors
from gbvms.cases import services as case_services
from gbvms.cases.audit import log_case
from gbvms.cases.models import Case, CaseTransfer, MeasureType, Report
from gbvms.cases.services_care import case_reopen
from gbvms.cases.services_transfer import transfer_decide, transfer_request
from gbvms.core import crypto
from gbvms.core.audit import log_action
from gbvms.core.fields import EncryptedTextField
from gbvms.core.models import AccessLog
from gbvms.core.rotation import rotate_all
from gbvms.orgs.models import Agency, AgencyKind, User
from gbvms.referrals.models import (
    HelpRequest,
    ProviderType,
    Referral,
    ServiceProvider,
)
from gbvms.referrals.services import referral_decline
from gbvms.referrals.services_public import help_close
from tests.conftest import make_agency, make_user, verified_client

# The records survivor data hangs off; every model with a foreign-key chain to one is walked.
ROOTS = {"cases.survivor", "cases.case", "cases.incident", "referrals.helprequest"}
# Case-bearing without a foreign key: a notification names a case by its code.
EXTRA = {"cases.notification"}

# Text fields of case-bearing models that hold a code, a hash or a path, never human text.
# (Fields with ``choices`` are codes by construction and are skipped without being listed.)
CODE_FIELDS = {
    "programme.inspection.code": "record code (generated, no personal data)",
    "programme.historicalinspection.code": "record code (generated, no personal data)",
    "programme.historicalinspection.history_change_reason": "simple-history field, never set",
    "programme.historicalfinding.history_change_reason": "simple-history field, never set",
    "programme.historicalrecommendation.history_change_reason": "simple-history field, never set",
    "cases.case.code": "case code (opaque, shown in URLs and notifications)",
    "cases.case.closure_reason": "closure reason code (services_care.CLOSURE_REASONS)",
    "cases.closurerequest.reason": "closure reason code (services_care.CLOSURE_REASONS)",
    "cases.survivor.name_index": "HMAC blind index",
    "cases.survivor.phone_index": "HMAC blind index",
    "cases.survivor.nationality": "ISO country code (default VN)",
    "cases.incident.place_type": "place category code (never typed in)",
    "cases.incident.dv_relationship": "relationship code (report.Relationship)",
    "cases.incident.reporting_bucket": "reporting category code",
    "cases.perpetrator.age_group": "age-group code (AGE_GROUPS)",
    "cases.notification.kind": "notification kind code",
    "cases.notification.case_code": "case code",
    "cases.notification.link": "path in the app, no query string",
    "cases.notification.subject": "generated title (report name and period, counts)",
    "referrals.helprequest.tracking_code": "random tracking code (looked up)",
    "referrals.helprequest.pin_hash": "password hash of the PIN",
    "referrals.referral.access_end_reason": "code from referrals.access END_REASONS",
}
# JSON fields of case-bearing models that hold lists or maps of codes, ids or booleans.
STRUCTURED_FIELDS = {
    "cases.incident.answers": "classification question codes → yes/no",
    "cases.incident.context": "context codes",
    "cases.incident.violence_forms": "violence-form codes",
    "cases.incident.dv_acts": "DV act letters",
    "cases.incident.context_flags": "context flag codes",
    "cases.consent.service_types": "service codes",
    "cases.consent.provider_ids": "provider ids",
    "cases.riskassessment.answers": "risk factor codes → yes/no",
    "referrals.referral.services": "service codes",
    "referrals.referral.visible_sections": "section codes",
    "referrals.helprequest.answers": "what-happened codes",
}

TEXT_TYPES = (models.CharField, models.TextField)


def case_bearing_models() -> list[type[models.Model]]:
    found = {m._meta.label_lower for m in apps.get_models() if m._meta.label_lower in ROOTS}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            label = model._meta.label_lower
            if label in found:
                continue
            if any(
                f.is_relation and f.many_to_one | f.one_to_one and f.concrete
                and f.related_model._meta.label_lower in found
                for f in model._meta.get_fields()
            ):  # fmt: skip
                found.add(label)
                changed = True
    return [apps.get_model(label) for label in sorted(found | EXTRA)]


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    out = []
    for f in model._meta.concrete_fields:
        name = f"{model._meta.label_lower}.{f.name}"
        text = isinstance(f, TEXT_TYPES) and not f.choices and name not in CODE_FIELDS
        if text or (isinstance(f, models.JSONField) and name not in STRUCTURED_FIELDS):
            out.append(f)
    return out


class Planter:
    """Builds one row per case-bearing model, every free-text field holding its own marker."""

    def __init__(self, pool: dict[type[models.Model], models.Model]) -> None:
        self.pool = pool
        self.built: dict[type[models.Model], models.Model] = {}
        self.markers: dict[str, str] = {}  # marker -> model.field
        self.serial = itertools.count(1)
        self.case_bearing = set(case_bearing_models())

    def marker(self, where: str) -> str:
        value = f"MRK{uuid.uuid4().hex[:12]}"
        self.markers[value] = where
        return value

    def value(self, model: type[models.Model], f: models.Field) -> Any:
        where = f"{model._meta.label_lower}.{f.name}"
        if f in free_text_fields(model):
            marker = self.marker(where)
            return {"text": marker} if isinstance(f, models.JSONField) else marker
        if f.choices:
            return (
                f.choices[0][0]
                if f.choices[0][0] != "" or len(f.choices) == 1
                else (f.choices[1][0])
            )
        if isinstance(f, TEXT_TYPES):
            return f"c{next(self.serial)}"[: f.max_length or 20]
        if isinstance(f, models.JSONField):
            return f.get_default() if f.has_default() else []
        if isinstance(f, models.BooleanField):
            return False
        if isinstance(f, models.DateTimeField):
            return timezone.now()
        if isinstance(f, models.DateField):
            return timezone.localdate()
        if isinstance(f, (models.IntegerField, models.FloatField)):
            return 1
        raise AssertionError(f"the planter does not know how to fill {where}")

    def target(self, related: type[models.Model]) -> models.Model:
        if related in self.pool:
            return self.pool[related]
        if related in self.case_bearing:
            return self.build(related)
        raise AssertionError(f"add an instance of {related._meta.label} to the planter's pool")

    def build(self, model: type[models.Model]) -> models.Model:
        if model in self.built:
            return self.built[model]
        values: dict[str, Any] = {}
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            if f.is_relation and f.null and f.related_model is model:
                values[f.name] = None  # a self link (Case.duplicate_of): nothing to follow
            elif f.is_relation:
                values[f.name] = self.target(f.related_model)
            else:
                values[f.name] = self.value(model, f)
        instance = model(**values)
        instance.save()
        self.built[model] = instance
        return instance


def raw_database_text() -> str:
    """Every row of every table, as the database stores it, plus the SQLite dump."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                parts.append(" ".join(repr(v) for v in row))
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        parts.extend(connection.connection.iterdump())
    return "\n".join(parts)


def leaked(markers: dict[str, str]) -> list[str]:
    raw = raw_database_text()
    return sorted(where for marker, where in markers.items() if marker in raw)


@pytest.fixture
def provider(agencies, province):
    centre = make_agency("Trung tâm Công tác xã hội tỉnh", province, AgencyKind.SERVICE_PROVIDER)
    shelter = ServiceProvider.objects.create(
        agency=centre,
        name="Nhà tạm lánh",
        type=ProviderType.SOCIAL_WORK_CENTRE,
        services=["shelter"],
        open_24_7=True,
    )
    shelter.coverage.set([province])
    return shelter


@pytest.mark.django_db
class TestModelWalk:
    def test_the_walk_finds_the_case_records(self):
        labels = {m._meta.label_lower for m in case_bearing_models()}
        expected = {
            "cases.case", "cases.survivor", "cases.incident", "cases.perpetrator",
            "cases.consent", "cases.report", "cases.intervention", "cases.protectivemeasure",
            "cases.casetransfer", "cases.safetyplan", "cases.need", "cases.servicerecord",
            "cases.followup", "cases.riskassessment", "cases.caseassignment",
            "cases.notification", "referrals.referral", "referrals.helprequest",
            "referrals.helpreply",
        }  # fmt: skip
        assert expected <= labels
        assert "core.accesslog" not in labels  # scanned as a table, not walked as a model

    def test_allow_lists_name_real_fields(self):
        for name in [*CODE_FIELDS, *STRUCTURED_FIELDS]:
            app, model, field = name.split(".")
            apps.get_model(app, model)._meta.get_field(field)  # raises if it is gone

    def test_every_free_text_field_is_encrypted(self):
        plain = [
            f"{m._meta.label_lower}.{f.name}"
            for m in case_bearing_models()
            for f in free_text_fields(m)
            if not isinstance(f, EncryptedTextField)
        ]
        assert plain == []

    def test_the_length_limits_of_the_former_char_fields_are_kept(self):
        limits = {
            f"{m._meta.label_lower}.{f.name}": f.max_length
            for m in case_bearing_models()
            for f in free_text_fields(m)
            if isinstance(f, EncryptedTextField) and f.max_length
        }
        assert limits == {
            "programme.inspection.title": 300, "programme.historicalinspection.title": 300,
            "programme.inspection.note": 2000, "programme.historicalinspection.note": 2000,
            "programme.inspection.decision": 300, "programme.historicalinspection.decision": 300,
            "programme.inspection.topics": 500, "programme.historicalinspection.topics": 500,
            "programme.finding.text": 2000, "programme.historicalfinding.text": 2000,
            "programme.finding.legal_basis": 300, "programme.historicalfinding.legal_basis": 300,
            "programme.recommendation.text": 2000, "programme.historicalrecommendation.text": 2000,
            "programme.recommendation.follow_up": 2000,
            "programme.historicalrecommendation.follow_up": 2000,
            "cases.casetransfer.reason": 500, "cases.casetransfer.decline_reason": 500,
            "cases.consent.exception_reason": 500, "cases.intervention.outcome": 500,
            "cases.perpetrator.occupation": 60, "cases.protectivemeasure.outcome": 500,
            "cases.protectivemeasure.refusal_reason": 500, "cases.survivor.ethnicity": 60,
            "referrals.helprequest.closed_reason": 300, "referrals.referral.decline_reason": 500,
            "cases.closurerequest.explanation": 500, "cases.closurerequest.return_note": 500,
        }  # fmt: skip
        for name, limit in limits.items():
            app, model, field = name.split(".")
            f = apps.get_model(app, model)._meta.get_field(field)
            assert f.clean("ơ" * limit, None) == "ơ" * limit
            with pytest.raises(ValidationError):
                f.clean("ơ" * (limit + 1), None)

    def test_no_marker_in_the_raw_database(self, personas, agencies, commune_a, provider):
        pool = {
            User: personas["worker_a"],
            Agency: agencies["a"],
            type(commune_a): commune_a,
            ServiceProvider: provider,
            MeasureType: MeasureType.objects.first(),
        }
        from gbvms.plans.models import Activity, Plan

        plan = Plan.objects.create(title="Kế hoạch", created_by=personas["worker_a"])
        pool[Activity] = Activity.objects.create(plan=plan, title="Hoạt động")
        planter = Planter(pool)
        for model in case_bearing_models():
            planter.build(model)
        planted = sum(len(free_text_fields(m)) for m in case_bearing_models())
        assert len(planter.markers) == planted >= 28  # a marker in every free-text field
        assert leaked(planter.markers) == []
        # and the application reads every value back
        for model, instance in planter.built.items():
            fresh = model._base_manager.get(pk=instance.pk)
            for f in free_text_fields(model):
                assert getattr(fresh, f.attname) == getattr(instance, f.attname)


def _case(personas, commune_a) -> Any:
    return case_services.case_open(
        actor=personas["worker_a"],
        survivor=case_services.SurvivorData(full_name="Lò Thị Én"),
        channel="hotline",
        commune=commune_a,
        detected_at=timezone.now() - datetime.timedelta(hours=2),
    ).case


@pytest.mark.django_db
class TestAccessLogReasons:
    def test_reasons_written_by_services_are_not_in_clear(
        self, personas, agencies, commune_a, provider
    ):
        markers: dict[str, str] = {}

        def mark(where: str) -> str:
            value = f"Lý do MRK{uuid.uuid4().hex[:12]} đủ dài"
            markers[value.split()[2]] = where
            return value

        case = _case(personas, commune_a)
        transfer = transfer_request(
            actor=personas["worker_a"],
            case=case,
            to_agency=agencies["b"],
            reason=mark("transfer reason"),
        )
        transfer_decide(actor=personas["worker_b"], transfer=transfer, accept=False,
                        decline_reason=mark("transfer decline reason"))  # fmt: skip
        selectors.case_break_glass(
            user=personas["supervisor"], code=case.code, reason=mark("break-glass"), request=None
        )
        Case._base_manager.filter(pk=case.pk).update(status="closed")  # closing is tested elsewhere
        case.refresh_from_db()
        case_reopen(actor=personas["worker_a"], case=case, reason=mark("reopen reason"))
        staff = make_user("centre_staff", (provider.agency, "provider_staff", None))
        referral = Referral(
            case=case, provider=provider, services=["shelter"], urgency="routine",
            sent_by=personas["worker_a"], respond_by=timezone.now() + datetime.timedelta(days=1),
        )  # fmt: skip
        referral.save()
        referral_decline(actor=staff, referral=referral, reason=mark("referral decline"))
        item = HelpRequest(
            tracking_code="T1", pin_hash="x", kind="need_help", commune=commune_a,
            agency=agencies["a"],
        )  # fmt: skip
        item.save()
        help_close(actor=personas["worker_a"], item=item, reason=mark("help request closed"))

        assert leaked(markers) == []
        entry = AccessLog.objects.unscoped().get(action="cases.case.break_glass")
        assert entry.reason == ""  # no code for it: the written reason, encrypted
        assert markers[entry.reason_detail.split()[2]] == "break-glass"  # decrypted on read
        declined = AccessLog.objects.unscoped().get(action="cases.transfer.declined")
        assert (declined.reason, declined.reason_detail) == ("", "")
        assert CaseTransfer._base_manager.get().decline_reason.startswith("Lý do MRK")

    def test_admins_read_the_break_glass_reason_others_only_the_code(self, personas, commune_a):
        case = _case(personas, commune_a)
        reason = "Người bị hại gọi từ Hà Nội, cần xem ngay"
        selectors.case_break_glass(
            user=personas["supervisor"], code=case.code, reason=reason, request=None
        )
        admin = verified_client(personas["admin"])
        page = admin.get("/access-log/?action=cases.case.break_glass").content.decode()
        assert reason in page
        api = admin.get("/api/v1/audit/access-log?action=cases.case.break_glass").json()
        assert [(i["reason"], i["reason_detail"]) for i in api["items"]] == [("", reason)]
        # a supervisor reads the log of a case they supervise, without the free text
        supervisor = verified_client(personas["supervisor"])
        response = supervisor.get(
            f"/api/v1/audit/access-log?object_code={case.code}&action=cases.case.break_glass"
        )
        assert response.status_code == 200
        assert [(i["reason"], i["reason_detail"]) for i in response.json()["items"]] == [("", "")]
        assert reason not in response.content.decode()

    def test_the_log_shows_the_label_of_a_reason_code(self, personas, commune_a):
        case = _case(personas, commune_a)
        log_case("cases.case.closed", actor=personas["worker_a"], case=case, reason="no_contact")
        entry = AccessLog.objects.unscoped().get(action="cases.case.closed")
        assert (entry.reason, entry.reason_label) == ("no_contact", "Không liên lạc được")
        admin = verified_client(personas["admin"])
        page = admin.get("/access-log/?action=cases.case.closed").content.decode()
        assert "Không liên lạc được" in page
        api = admin.get("/api/v1/audit/access-log?action=cases.case.closed").json()
        assert api["items"][0]["reason_label"] == "Không liên lạc được"

    def test_a_sentence_given_as_reason_is_stored_encrypted(self, personas):
        entry = log_action(action="core.test", actor=personas["admin"], reason="MRKsentence here")
        assert (entry.reason, entry.reason_detail) == ("", "MRKsentence here")
        assert "MRKsentence" not in raw_database_text()
        assert AccessLog.objects.unscoped().get(pk=entry.pk).reason_detail == "MRKsentence here"


def _migration(app: str, name: str) -> Any:
    return importlib.import_module(f"gbvms.{app}.migrations.{name}")


def _raw(table: str, column: str, pk: int) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _set_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.mark.django_db
class TestMigrations:
    """The data steps of the migrations, run on rows written in clear as before them."""

    def test_existing_case_rows_are_encrypted_and_decrypted_back(self, personas, commune_a):
        case = _case(personas, commune_a)
        transfer = CaseTransfer(case=case, from_agency=case.owning_agency,
                                to_agency=case.owning_agency, reason="x",
                                requested_by=personas["worker_a"])  # fmt: skip
        transfer.save()
        _set_raw("cases_casetransfer", "reason", transfer.pk, "Chuyển vì MRKold1")
        report = Report(case=case, received_by="ubnd_xa", channel="in_person",
                        received_at=timezone.now())  # fmt: skip
        report.save()
        _set_raw("cases_report", "form03", report.pk, '{"content": "MRKold2"}')
        migration = _migration("cases", "0007_encrypt_free_text")

        migration.encrypt_rows(apps, None)
        assert "MRKold" not in raw_database_text()
        assert _raw("cases_casetransfer", "reason", transfer.pk).startswith("v1$")
        assert CaseTransfer._base_manager.get().reason == "Chuyển vì MRKold1"
        assert Report._base_manager.get().form03 == {"content": "MRKold2"}
        migration.encrypt_rows(apps, None)  # a second run leaves encrypted values alone
        assert CaseTransfer._base_manager.get().reason == "Chuyển vì MRKold1"

        migration.decrypt_rows(apps, None)
        assert _raw("cases_casetransfer", "reason", transfer.pk) == "Chuyển vì MRKold1"
        assert json.loads(_raw("cases_report", "form03", report.pk)) == {"content": "MRKold2"}

    def test_existing_log_reasons_move_to_the_encrypted_column(self, personas, commune_a):
        case = _case(personas, commune_a)
        glass = log_case("cases.case.break_glass", actor=personas["supervisor"], case=case)
        declined = log_case("cases.transfer.declined", actor=personas["worker_b"], case=case)
        closed = log_case("cases.case.closed", actor=personas["worker_a"], case=case,
                          reason="no_contact")  # fmt: skip
        migration = _migration("core", "0006_accesslog_reason_detail")
        with connection.cursor() as cursor:  # the schema editor, as far as these steps use it
            editor = SimpleNamespace(connection=connection, execute=cursor.execute)
            migration._run(migration.DROP)(apps, editor)
            _set_raw("core_accesslog", "reason", glass.pk, "Khẩn cấp MRKold3")
            _set_raw("core_accesslog", "reason", declined.pk, "Không thuộc MRKold4")
            migration.move_free_text(apps, editor)
            migration._run(migration.CREATE)(apps, editor)
        assert "MRKold" not in raw_database_text()
        assert AccessLog.objects.unscoped().get(pk=glass.pk).reason_detail == "Khẩn cấp MRKold3"
        assert AccessLog.objects.unscoped().get(pk=declined.pk).reason == ""
        assert AccessLog.objects.unscoped().get(pk=closed.pk).reason == "no_contact"
        with pytest.raises(Exception, match="append-only"):  # the triggers are back
            _set_raw("core_accesslog", "reason", glass.pk, "x")


KEY_OLD = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDI="
KEY_NEW = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDM="


def _refused(sql: str, params: list[Any]) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return "append-only" in str(exc)
    return False


@pytest.mark.django_db
class TestAccessLogTriggers:
    def test_rotation_reencrypts_the_reason_and_nothing_else_changes(self, personas):
        with override_settings(FIELD_KEYS=[KEY_OLD]):
            entry = log_action(action="core.test", actor=personas["admin"],
                               reason_detail="Lý do khẩn cấp")  # fmt: skip
        with override_settings(FIELD_KEYS=[KEY_NEW, KEY_OLD]):
            rotated = {(label, column): n for label, column, n in rotate_all()}
            assert rotated[("core.AccessLog", "reason_detail")] == 1
            stored = _raw("core_accesslog", "reason_detail", entry.pk)
            assert crypto.token_key_id(stored) == crypto.primary_key_id()
        with override_settings(FIELD_KEYS=[KEY_NEW]):
            assert AccessLog._base_manager.get(pk=entry.pk).reason_detail == "Lý do khẩn cấp"

    def test_the_reason_cannot_be_erased_or_replaced_by_clear_text(self, personas):
        entry = log_action(action="core.test", actor=personas["admin"], reason_detail="Lý do")
        update = "UPDATE core_accesslog SET reason_detail = %s WHERE id = %s"
        assert _refused(update, ["", entry.pk])
        assert _refused(update, ["plain text", entry.pk])
        plain = log_action(action="core.test", actor=personas["admin"])  # no reason: frozen
        assert _refused(update, [crypto.encrypt("added later"), plain.pk])

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite names the columns")
    def test_every_other_column_is_frozen(self, personas):
        """Fails when a column is added to the log without creating the trigger again."""
        entry = log_action(action="core.test", actor=personas["admin"], reason_detail="Lý do")
        columns = [f.column for f in AccessLog._meta.concrete_fields if f.name != "reason_detail"]
        assert len(columns) >= 11
        for column in columns:
            sql = (
                f"UPDATE core_accesslog SET {column} = %s, reason_detail = %s "  # noqa: S608
                "WHERE id = %s"
            )
            assert _refused(sql, ["99", crypto.encrypt("Lý do"), entry.pk]), column
