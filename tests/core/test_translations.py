from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_is_complete():
    po = polib.pofile(str(PO))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert po.percent_translated() == 100


def test_placeholders_survive_translation():
    import re

    po = polib.pofile(str(PO))
    pattern = re.compile(r"%\(\w+\)s")
    for entry in po.translated_entries():
        targets = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        for target in targets:
            assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(target)), (
                entry.msgid
            )
