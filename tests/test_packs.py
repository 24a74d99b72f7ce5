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
    assert names == ["bbc.toml", "cnn.toml", "dailymail.toml", "general.toml", "independent.toml", "reuters.toml",
                     "rferl.toml"]


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


SITE = '''
[pack]
name = "gazette"
fingerprints = ['(?i)^the gazette$']

[[rule]]
id = "more"
kind = "section"
family = "teaser"
message = "a teaser list"
start = '^(?i)more from the gazette$'
max_lines = 3

[[rule]]
id = "advert"
kind = "line"
family = "widget"
message = "an ad marker"
pattern = '^ADVERT$'
ignore_case = true
'''


def _is_compiled(pattern) -> bool:
    try:
        object.__getattribute__(pattern, "compiled")
    except AttributeError:
        return False
    return True


def _patterns(pack):
    return list(pack.fingerprints) + [p for r in pack.rules for p in r.options.values()
                                      if hasattr(p, "source")]


def test_a_pack_validated_before_loads_without_compiling_and_cleans_the_same(tmp_path, monkeypatch):
    """The second load of the same text skips compiling its patterns (the flags, inline
    `(?i)` included, come from the cache); each is compiled when first used, and the
    Cleaner's decisions are those of a pack compiled in full."""
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    first = parse_pack(SITE, "gazette.toml")
    assert all(_is_compiled(p) for p in _patterns(first))
    assert len(list(tmp_path.glob("pack-*.json"))) == 1
    again = parse_pack(SITE, "gazette.toml")
    assert not any(_is_compiled(p) for p in _patterns(again))
    assert [p.flags for p in _patterns(again)] == [p.flags for p in _patterns(first)]
    assert [p.compiled.flags for p in _patterns(again)] == [p.flags for p in _patterns(first)]
    text = "The Gazette\nThe council met on Monday to close the library.\nadvert\nMore from the Gazette\nA\nB\n"
    lazy = Cleaner(extra_packs=[("gazette.toml", SITE)]).clean(text)
    monkeypatch.setenv("CLEANER_CACHE_DIR", "")  # no cache: every pattern compiled at load
    eager = Cleaner(extra_packs=[("gazette.toml", SITE)]).clean(text)
    assert lazy.decisions == eager.decisions and lazy.site == eager.site == "gazette"
    assert [d.rule for d in lazy.removed] == ["gazette/advert", "gazette/more", "gazette/more", "gazette/more"]


def test_a_changed_pack_is_validated_again_and_a_broken_entry_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    parse_pack(GOOD, "my.toml")
    e = _err(GOOD.replace("'^Advert$'", "'^Advert($'"))
    assert (e.path, e.rule, e.line) == ("my.toml", "ok", 10) and "invalid pattern" in str(e)
    [entry] = tmp_path.glob("pack-*.json")
    for broken in ("not json", "[1, 2, 3]", '["x"]'):
        entry.write_text(broken)
        pack = parse_pack(GOOD, "my.toml")
        assert all(_is_compiled(p) for p in _patterns(pack))  # validated in full again
        assert pack.rules[0].options["pattern"].search("Advert")
    assert entry.read_text() == "[%d]" % pack.rules[0].options["pattern"].flags  # and remembered right


def test_without_a_cache_directory_every_load_validates(monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", "")
    for _ in range(2):
        assert all(_is_compiled(p) for p in _patterns(parse_pack(SITE, "gazette.toml")))
