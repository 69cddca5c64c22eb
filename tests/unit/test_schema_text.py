"""The schema's text and its diff as pure functions: render/parse round trips, diff names every object."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lockgate.safety import checks as c
from lockgate.schema.describe import KINDS, Schema, SchemaObject
from lockgate.schema.diff import ADDED, CHANGED, REMOVED, diff
from lockgate.schema.drift import Drift
from lockgate.schema.render import parse, render

_name = st.text("abcdefghijklmnopqrstuvwxyz_.", min_size=1, max_size=12)
_line = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30).map(str.strip).filter(
    lambda s: not s.startswith("-- lockgate: "))
_object = st.builds(lambda k, n, lines: SchemaObject(k, n, "\n".join(["CREATE " + k, *lines]) + ";"),
                    st.sampled_from(KINDS), _name, st.lists(_line, max_size=4))
_schema = st.lists(_object, max_size=8, unique_by=lambda o: o.key).map(lambda objs: Schema("SQLite", tuple(objs)))


@given(_schema)
def test_parse_reads_back_what_render_wrote(schema: Schema) -> None:
    text = render(schema)
    assert parse(text) == schema.sorted()
    assert render(parse(text)) == text  # deterministic: the same description, the same bytes


@given(_schema, _schema)
def test_diff_names_exactly_the_objects_that_differ(old: Schema, new: Schema) -> None:
    found = {(d.kind, d.name): d.change for d in diff(old, new)}
    before, after = old.by_key(), new.by_key()
    expected = {k: ADDED for k in after.keys() - before.keys()} | {k: REMOVED for k in before.keys() - after.keys()}
    expected |= {k: CHANGED for k in before.keys() & after.keys() if before[k].text != after[k].text}
    assert found == expected
    assert diff(new, new) == ()


def test_the_drift_check_warns_and_names_the_objects() -> None:
    old = Schema("SQLite", (SchemaObject("table", "a", "CREATE TABLE a (\n    id INTEGER\n);"),))
    new = Schema("SQLite", (SchemaObject("table", "a", "CREATE TABLE a (\n    id INTEGER,\n    note TEXT\n);"),))
    result = c.drift(Drift("1" * 64, "2" * 64, diff(old, new)))
    assert (result.status, result.details) == ("warn", ("table a changed: +    note TEXT",))
    assert "table a changed" in result.message
    assert c.drift(Drift("1" * 64, "1" * 64)).status == "pass"
    assert c.drift(Drift(None, "1" * 64)).message.startswith("no schema fingerprint recorded yet")
