package io.strata.promql.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PromTemplate#check} against {@code promtool check rules} 2.42: the same templates parse, and
 * the ones that do not give Go's error text byte for byte.
 */
class PromtoolCheckDiffTest {
  static final List<String> TEMPLATES = List.of(
      "{{ foo }}",
      "{{ $x }}",
      "{{ if 1 }}",
      "{{ end }}",
      "{{ else }}",
      "{{ humanize $value }",
      "{{ humanize $value }}}",
      "{{ \"unterminated }}",
      "{{ `raw }}",
      "{{ 'ab' }}",
      "{{ ( 1 }}",
      "{{ 1 ) }}",
      "{{ .Labels.x | 1 }}",
      "{{ $x := 1 }}{{ $x }}",
      "{{ $x = 1 }}",
      "{{ range $i, $e, $f := . }}{{ end }}",
      "{{ with $a, $b := . }}{{ end }}",
      "{{ break }}",
      "{{ range . }}{{ continue 1 }}{{ end }}",
      "{{ define \"x\" }}a{{ end }}{{ define \"x\" }}b{{ end }}",
      "{{ template x }}",
      "{{ 1.2.3 }}",
      "{{ 0x }}",
      "{{ 99999999999999999999 }}",
      "{{ 3i }}{{ 1+2i }}",
      "{{ $labels.instance | }}",
      "{{ | humanize }}",
      "{{ /* unclosed comment }}",
      "{{ /* c */ x }}",
      "line one\nline two {{ if true }}\nline three",
      "{{ if true }}\n{{ else }}\n{{ else }}\n{{ end }}",
      "a\n{{ humanize\n $value }}\nb",
      "a\n\n{{ 1 \n }}\n{{ foo }}",
      "{{ printf \"%s\" \"\\q\" }}",
      "{{ .A.B.C }}{{ (.A).B }}{{ $.Labels }}",
      "{{ nil.x }}",
      "{{ \"s\".x }}",
      "{{ $value := 5 }}{{ $value }}",
      "{{ - 1 }}",
      "{{- 1 -}}{{-1}}",
      "{{ 1 }}{{ ",
      "{{ # }}",
      "{{ é }}",
      "{{ .Labels.a$ }}",
      "{{ $labels.x:= 1 }}",
      "{{ block \"b\" . }}x{{ else }}y{{ end }}",
      "{{ if 1 }}{{ else if 2 }}{{ else if 3 }}{{ end }}",
      "{{ range . }}{{ else }}{{ break }}{{ end }}");

  @Test
  void checkMatchesPromtoolCheckRules(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(PromtoolDiffKit.PROMTOOL),
        "promtool (Debian package prometheus 2.42) is not installed: apt-get install prometheus");
    StringBuilder rules = new StringBuilder("groups:\n- name: g\n  rules:\n");
    for (int i = 0; i < TEMPLATES.size(); i++) {
      rules.append("  - alert: C").append(i).append("\n    expr: up\n    annotations:\n      a: ")
          .append(PromtoolDiffKit.q(TEMPLATES.get(i))).append('\n');
    }
    Files.writeString(dir.resolve("rules.yml"), rules);
    Object[] r = PromtoolDiffKit.exec(dir, "check", "rules", "rules.yml");
    String out = (String) r[1];
    Map<Integer, String> promtool = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^rules\\.yml: group \"g\", rule \\d+, \"C(\\d+)\": annotation \"a\": (.*)$").matcher(out);
    while (m.find()) {
      promtool.put(Integer.parseInt(m.group(1)), m.group(2));
    }
    Map<Integer, String> ours = new TreeMap<>();
    List<String> all = new ArrayList<>();
    for (int i = 0; i < TEMPLATES.size(); i++) {
      String err = PromTemplate.check("__alert_C" + i, TEMPLATES.get(i));
      if (err != null) {
        ours.put(i, err);
      }
      all.add("C" + i + ": " + err);
    }
    assertEquals(promtool, ours, () -> "promtool said:\n" + out + "\nwe said:\n" + String.join("\n", all));
    // the list keeps both outcomes covered
    assertEquals(true, ours.size() > 30 && ours.size() < TEMPLATES.size(), "cases: " + ours.size());
  }
}
