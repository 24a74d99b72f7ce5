"""Rule packs: the shipped rules honour their own examples; a broken pack fails on load
with an error that names the file, the rule and the line."""
from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner, RulePackError
from cleaner.packs import builtin_dir, load_dir, parse_pack
from cleaner.validate import check_examples

SHIPPED = Cleaner().rules


def test_shipped_packs_are_installed_with_the_package():
    names = sorted(p.name for p in builtin_dir().glob("*.toml"))
    assert names == ["bbc.toml", "general.toml", "independent.toml", "reuters.toml", "rferl.toml"]


def test_every_shipped_rule_has_examples_and_a_message():
    for rule in SHIPPED:
        assert rule.examples, rule.id
        assert rule.counterexamples, rule.id
        assert rule.message, rule.id


@pytest.mark.parametrize("rule", SHIPPED, ids=lambda r: r.id)
def test_rule_matches_its_examples_and_not_its_counterexamples(rule):
    assert check_examples(rule) == []


GOOD = '''
[pack]
name = "mine"

[[rule]]
id = "ok"
kind = "line"
family = "widget"
message = "fine"
pattern = '^Advert$'
'''


def _err(text: str) -> RulePackError:
    with pytest.raises(RulePackError) as info:
        parse_pack(text, "my.toml")
    return info.value


def test_good_pack_loads():
    pack = parse_pack(GOOD, "my.toml")
    assert [r.id for r in pack.rules] == ["mine/ok"]
    assert not pack.is_site


def test_unknown_key_names_file_rule_and_line():
    e = _err(GOOD + "colour = 'red'\n")
    assert (e.path, e.rule, e.line) == ("my.toml", "ok", 11)
    assert "unknown key 'colour'" in str(e) and str(e).startswith("my.toml:11: rule 'ok':")


def test_wrong_type():
    e = _err(GOOD.replace("message = \"fine\"", "message = 3"))
    assert e.rule == "ok" and e.line == 9 and "'message' must be a str" in str(e)


def test_duplicate_id():
    second = '[[rule]]\nid = "ok"\nkind = "line"\nfamily = "widget"\nmessage = "again"\npattern = "x"\n'
    e = _err(GOOD + "\n" + second)
    assert e.rule == "ok" and e.line == 12
    assert "duplicate rule id (first defined on line 5)" in str(e)


def test_invalid_pattern_names_line():
    e = _err(GOOD.replace("'^Advert$'", "'^(Advert$'"))
    assert e.rule == "ok" and e.line == 10 and "invalid pattern" in str(e)


def test_catastrophic_pattern_rejected_on_load():
    e = _err(GOOD.replace("'^Advert$'", "'^(a+)+$'"))
    assert e.rule == "ok" and "backtracks catastrophically" in str(e)


def test_unknown_kind_and_family():
    assert "unknown kind" in str(_err(GOOD.replace('kind = "line"', 'kind = "magic"')))
    assert "unknown family" in str(_err(GOOD.replace('family = "widget"', 'family = "junk"')))


def test_missing_required_key():
    e = _err(GOOD.replace("pattern = '^Advert$'\n", ""))
    assert "missing required key 'pattern'" in str(e)


def test_toml_syntax_error_names_line():
    e = _err(GOOD + "[[rule]\n")
    assert e.line == 11 and "invalid TOML" in str(e)


def test_empty_pattern_rejected():
    assert "empty pattern" in str(_err(GOOD.replace("'^Advert$'", "''")))


def test_directory_without_packs(tmp_path: Path):
    with pytest.raises(RulePackError, match="no \\*.toml"):
        load_dir(tmp_path)


def test_user_pack_is_applied(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(GOOD)
    result = Cleaner(rule_dirs=[tmp_path]).clean("A body line that stays here, as prose does.\nAdvert\n")
    assert result.text == "A body line that stays here, as prose does.\n"
    assert result.removed[0].rule == "mine/ok" and result.removed[0].source.endswith("mine.toml")


def test_pack_name_clash_is_an_error(tmp_path: Path):
    (tmp_path / "g.toml").write_text(GOOD.replace('name = "mine"', 'name = "general"'))
    with pytest.raises(RulePackError, match="already used"):
        Cleaner(rule_dirs=[tmp_path])
