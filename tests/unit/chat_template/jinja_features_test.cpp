// The Jinja that chat templates use, feature by feature; each expected text is what Jinja2
// (with transformers' trim_blocks and lstrip_blocks) gives for the same template.
#include <strata/chat_template.hpp>
#include <strata/error.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace strata {
namespace {

using ::testing::HasSubstr;

std::string render(std::string_view source, std::string_view context = "{}") {
  return ChatTemplate(source).render_json(context);
}

std::string error_of(std::string_view source, std::string_view context = "{}") {
  try {
    render(source, context);
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for " << source;
  return {};
}

TEST(JinjaFeatures, TextAndExpressions) {
  EXPECT_EQ(render("plain text"), "plain text");
  EXPECT_EQ(render("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }}"),
            "7 9 3 -4 2 3.5");
  EXPECT_EQ(render("{{ 'a' ~ 1 ~ none ~ true }}|{{ 'x' + \"y\" }}|{{ 'ab' * 3 }}|{{ 2 ** 10 }}"),
            "a1NoneTrue|xy|ababab|1024");
  EXPECT_EQ(render("{{ x }}|{{ missing }}|{{ n }}|{{ f }}", R"({"x": "hi", "n": null, "f": 1.5})"), "hi||None|1.5");
  EXPECT_EQ(render("{{ [1, 'a', none] }} {{ {'k': 'v'} }}"), "[1, 'a', None] {'k': 'v'}");
  EXPECT_EQ(render("{{ 'yes' if 1 < 2 < 3 else 'no' }} {{ 'yes' if 3 > 2 > 2 else 'no' }}"), "yes no");
  EXPECT_EQ(render("{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'z' not in 'abc' }}"),
            "True True True True");
  EXPECT_EQ(render("{{ 1 and 'x' }} {{ 0 or '' or 'last' }} {{ not none }}"), "x last True");
  EXPECT_EQ(render("{{ \"it's\" }} {{ 'tab\\there' }} {{ '\\u00e9' }}"), "it's tab\there é");
}

TEST(JinjaFeatures, WhitespaceControlAsTransformersSetsIt) {
  // trim_blocks drops the newline after a block tag; lstrip_blocks the indentation before one.
  EXPECT_EQ(render("{% if true %}\n  yes\n  {% endif %}\nend"), "  yes\nend");
  // - strips every white space on its side, newlines included.
  EXPECT_EQ(render("a  \n {{- 'b' -}} \n  c"), "abc");
  EXPECT_EQ(render("a\n   {%- if true %} b {% endif -%}\n  c"), "a b c");
  // Expressions are not blocks: no trimming after }}.
  EXPECT_EQ(render("{{ 'x' }}\ny"), "x\ny");
  // Comments vanish, with trim_blocks after them; one trailing newline of the template goes.
  EXPECT_EQ(render("a{# note #}\nb\n"), "ab");
  EXPECT_EQ(render("line\r\nnext"), "line\nnext");
}

TEST(JinjaFeatures, LoopsAndTheirVariables) {
  EXPECT_EQ(
      render("{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}"
             "{{ loop.length }},{% endfor %}",
             R"({"xs": ["a", "b"]})"),
      "102TrueFalse2,211FalseTrue2,");
  EXPECT_EQ(render("{% for x in [] %}x{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{% for x in [1, 2, 3, 4] if x is even %}{{ x }}{{ loop.last }} {% endfor %}"), "2False 4True ");
  EXPECT_EQ(render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", R"({"d": {"b": 1, "a": 2}})"),
            "b=1;a=2;");
  EXPECT_EQ(render("{% for x in [1, 2, 3, 4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}"
                   "{% endif %}{{ x }}{% endfor %}"),
            "13");
  EXPECT_EQ(render("{% for x in [1, 2, 3] %}{{ loop.previtem }}-{{ loop.nextitem }} {% endfor %}"), "-2 1-3 2- ");
  EXPECT_EQ(render("{% for c in 'hé!' %}[{{ c }}]{% endfor %}"), "[h][é][!]");
  EXPECT_EQ(render("{% for i in range(3) %}{{ i }}{% endfor %}{% for i in range(5, 1, -2) %}{{ i }}{% endfor %}"),
            "01253");
}

TEST(JinjaFeatures, SetScopesAndNamespaces) {
  // A set inside a loop does not leak out of it; a namespace's attributes do.
  EXPECT_EQ(render("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}"), "1");
  EXPECT_EQ(render("{% set ns = namespace(x=1) %}{% for i in [1, 2] %}{% set ns.x = ns.x + i %}{% endfor %}{{ ns.x }}"),
            "4");
  EXPECT_EQ(render("{% set a, b = 1, 2 %}{{ b }}{{ a }}"), "21");
  EXPECT_EQ(render("{% set block %}in {{ 'side' }}{% endset %}[{{ block }}]"), "[in side]");
  EXPECT_THAT(error_of("{% set d = {} %}{% set d.x = 1 %}"), HasSubstr("only of a namespace()"));
}

TEST(JinjaFeatures, Macros) {
  EXPECT_EQ(render("{% macro greet(name, punctuation='!') %}Hi {{ name }}{{ punctuation }}{% endmacro %}"
                   "{{ greet('Ann') }} {{ greet('Bo', punctuation='?') }}"),
            "Hi Ann! Hi Bo?");
  // A macro sees the globals, not the caller's loop variables.
  EXPECT_EQ(
      render("{% set g = 'G' %}{% macro m() %}{{ g }}{{ i }}{% endmacro %}{% for i in [1] %}{{ m() }}{% endfor %}"),
      "G");
  EXPECT_THAT(error_of("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}"), HasSubstr("takes 1 arguments"));
}

TEST(JinjaFeatures, Filters) {
  EXPECT_EQ(render("[{{ '  x \n' | trim }}] {{ 'Ab' | upper }}{{ 'Ab' | lower }} {{ 'hello world' | title }}"
                   " {{ 'hELLO' | capitalize }}"),
            "[x] ABab Hello World Hello");
  EXPECT_EQ(render("{{ [1, 2] | length }} {{ 'héllo' | length }} {{ {'a': 1} | length }} {{ missing | length }}"),
            "2 5 1 0");
  EXPECT_EQ(render("{{ missing | default('d') }} {{ '' | default('d') }} {{ '' | default('d', true) }}"), "d  d");
  EXPECT_EQ(
      render("{{ [1, 2, 3] | join(', ') }} {{ xs | join('-', attribute='n') }}", R"({"xs": [{"n": 1}, {"n": 2}]})"),
      "1, 2, 3 1-2");
  EXPECT_EQ(render("{{ [1, 2, 3] | first }}{{ [1, 2, 3] | last }} {{ [1, 2] | reverse | list }}"), "13 [2, 1]");
  EXPECT_EQ(render("{% for k, v in {'a': 1, 'b': 2} | items %}{{ k }}{{ v }}{% endfor %}"), "a1b2");
  EXPECT_EQ(render("{{ xs | selectattr('role', 'equalto', 'user') | map(attribute='c') | join }}"
                   "{{ xs | rejectattr('role', 'eq', 'user') | map(attribute='c') | join }}",
                   R"({"xs": [{"role": "user", "c": "u1"}, {"role": "bot", "c": "b"}, {"role": "user", "c": "u2"}]})"),
            "u1u2b");
  EXPECT_EQ(render("{{ [1, 2, 3, 4] | select('odd') | list }} {{ ['a', 'b'] | map('upper') | join }}"), "[1, 3] AB");
  EXPECT_EQ(render("{{ 'a-b-c' | replace('-', '+') }} {{ '42' | int + 1 }} {{ 'x' | int }} {{ '1.5' | float }}"),
            "a+b+c 43 0 1.5");
}

TEST(JinjaFeatures, ToJsonAsPythonsJsonDumps) {
  EXPECT_EQ(render("{{ x | tojson }}", R"({"x": {"b": [1, 2.5, "é\n\"", null, true], "a": {}}})"),
            R"({"b": [1, 2.5, "é\n\"", null, true], "a": {}})");
  EXPECT_EQ(render("{{ x | tojson(indent=2) }}", R"({"x": {"k": [1, []]}})"), "{\n  \"k\": [\n    1,\n    []\n  ]\n}");
}

TEST(JinjaFeatures, StringMethods) {
  EXPECT_EQ(render("{{ s.startswith('ab') }}{{ s.endswith(('x', 'cd')) }}{{ s.startswith('b') }}", R"({"s": "abcd"})"),
            "TrueTrueFalse");
  EXPECT_EQ(
      render("[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}][{{ '\\nab\\n'.strip('\\n') }}]", R"({"s": " x "})"),
      "[x][x ][ x][ab]");
  EXPECT_EQ(render("{{ 'a</t>b</t>c'.split('</t>') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }}"),
            "['a', 'b', 'c'] ['a', 'b'] ['a', 'b,c']");
  EXPECT_EQ(render("{{ 'aaa'.replace('a', 'b', 2) }} {{ 'Hi'.upper() }}{{ 'Hi'.lower() }} {{ ', '.join(['x', 'y']) }}"),
            "bba HIhi x, y");
  EXPECT_EQ(
      render("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d.keys() | list }} {{ d.values() | list }}",
             R"({"d": {"a": 1}})"),
      "1 None 0 ['a'] [1]");
}

TEST(JinjaFeatures, IndexingAndSlicing) {
  EXPECT_EQ(
      render("{{ xs[0] }}{{ xs[-1] }}{{ xs[1:] }}{{ xs[::-1] }}{{ xs[:-1] }}{{ xs[::2] }}", R"({"xs": [1, 2, 3]})"),
      "13[2, 3][3, 2, 1][1, 2][1, 3]");
  EXPECT_EQ(render("{{ 'héllo'[1] }} {{ 'héllo'[1:3] }} {{ 'abc'[::-1] }} {{ xs[7] is defined }}", R"({"xs": []})"),
            "é él cba False");
  EXPECT_EQ(render("{{ m['role'] }}{{ m.role }}{{ m.missing is defined }}", R"({"m": {"role": "user"}})"),
            "useruserFalse");
}

TEST(JinjaFeatures, Tests) {
  EXPECT_EQ(render("{{ x is defined }}{{ y is defined }}{{ n is none }}{{ x is string }}{{ 1 is number }}"
                   "{{ x is not string }}{{ f is false }}{{ [] is iterable }}{{ {} is mapping }}",
                   R"({"x": "s", "n": null, "f": false})"),
            "TrueFalseTrueTrueTrueFalseTrueTrueTrue");
  EXPECT_EQ(render("{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 'a' is in 'cat' }}"), "TrueTrueTrueTrue");
}

TEST(JinjaFeatures, RaiseExceptionStopsWithItsMessage) {
  EXPECT_THAT(error_of("{% if messages | length == 0 %}{{ raise_exception('No messages!') }}{% endif %}",
                       R"({"messages": []})"),
              HasSubstr("raise_exception: No messages!"));
}

TEST(JinjaFeatures, ErrorsNameTheLine) {
  EXPECT_THAT(error_of("ok\n{% if x %}\nno end"), HasSubstr("missing {% endif %}"));
  EXPECT_THAT(error_of("a\n\n{{ 1 + }}"), HasSubstr("line 3"));
  EXPECT_THAT(error_of("{{ x | nosuchfilter }}"), HasSubstr("unknown filter 'nosuchfilter'"));
  EXPECT_THAT(error_of("{% include 'other' %}"), HasSubstr("unknown statement"));
  EXPECT_THAT(error_of("{{ 'a' + 1 }}"), HasSubstr("unsupported operand types for +: 'str' and 'int'"));
  EXPECT_THAT(error_of("{{ x.y }}"), HasSubstr("'x' is undefined"));
  EXPECT_THAT(error_of("{{ 1 // 0 }}"), HasSubstr("by zero"));
  EXPECT_THAT(error_of("{{ 'unclosed }}"), HasSubstr("never closed"));
  EXPECT_THAT(error_of("{% break %}"), HasSubstr("outside a loop"));
}

}  // namespace
}  // namespace strata
