package io.strata.promql.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.strata.promql.template.PromtoolDiffKit.Case;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against Prometheus itself: every case is expanded by {@link PromTemplate} and by
 * Debian's {@code promtool test rules} 2.42 (Go 1.19.8's text/template), which must agree.
 */
class PromtoolTemplateDiffTest {
  private static final String ONE = "up{instance=\"web-1.example.com:9090\"}";

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    // ---- $value printing (%v of float64) and the humanize family over many numbers ----
    String[] values = {"0", "1", "0.95", "999", "1000", "999999", "1234567", "12345678", "0.001234", "1e-30", "1e30",
        "-1234", "-0.5", "NaN", "+Inf", "-Inf", "1.5e-7", "123456789012", "1e27", "1e-28", "1023", "1024", "1048576",
        "2.5", "0.00001", "100000", "1e21", "59.9", "3599", "86400", "90061.5", "-90061", "1e-6", "1679000000.123",
        "0.0005", "12.3456789", "1099511627776", "5e-324", "1.7976931348623157e308"};
    for (String v : values) {
      c.add(new Case("vector(" + v + ")",
          "v={{ $value }} h={{ humanize $value }} h1024={{ humanize1024 $value }} d={{ humanizeDuration $value }}"
              + " p={{ humanizePercentage $value }}"));
    }
    for (String v : new String[] {"0", "1.5", "1679000000.123", "-1.5", "NaN", "+Inf", "1e20", "1e9", "253402300799"}) {
      c.add(new Case("vector(" + v + ")", "{{ humanizeTimestamp $value }}"));
    }
    c.add(new Case("vector(1)", "{{ humanize \"1234.5\" }} {{ humanize 2048 }} {{ humanize1024 \"3e9\" }}"));
    c.add(new Case("vector(1)", "{{ humanize \"x\" }}"));
    c.add(new Case("vector(1)", "{{ humanize \"1e500\" }}"));
    c.add(new Case("vector(1)", "{{ humanizeDuration true }}"));
    c.add(new Case("vector(1)", "{{ humanize (safeHtml \"1\") }}"));
    // ---- printf verbs ----
    c.add(new Case(ONE, "{{ printf \"%.2f\" $value }}|{{ printf \"%5.1f|%-8.3e|%g|%G\" 3.14159 1234.5678 0.000012 1e21 }}"));
    c.add(new Case(ONE, "{{ printf \"%d %5d %-5d| %05d %x %X %o %b %+d %c %q %U\" 42 42 42 -42 255 255 8 5 3 65 66 67 }}"));
    c.add(new Case(ONE, "{{ printf \"%s|%q|%v|%10s|%-10s|%.3s|%x|% x|%X\" \"héllo\" \"a\\\"b\" \"v\" \"r\" \"l\" \"abcdef\" \"hi\" \"hi\" \"hi\" }}"));
    c.add(new Case(ONE, "{{ printf \"%d\" \"str\" }}|{{ printf \"%s\" 1.5 }}|{{ printf \"%d %d\" 1 }}|{{ printf \"%d\" 1 2 }}|{{ printf \"%!\" }}|{{ printf \"%z\" 3 }}"));
    c.add(new Case(ONE, "{{ printf \"%v %v %v %v\" $labels $value true nil }}"));
    c.add(new Case(ONE, "{{ printf \"%t %v %08.3f %+.2e %#v %T %T\" true false -3.14159 12345.678 \"q\" 1.5 $labels }}"));
    c.add(new Case(ONE, "{{ printf \"%[2]d %[1]d %6.2f%% %*d\" 1 2 99.5 4 7 }}"));
    c.add(new Case("vector(1234.5678)", "{{ printf \"%.0f %.1f %.10f %e %.3g %g\" $value $value $value $value $value $value }}"));
    c.add(new Case("vector(0.125)", "{{ printf \"%.2f %.1f %.0f\" $value 0.25 2.5 }}"));
    c.add(new Case(ONE, "{{ print 1 2 \"a\" \"b\" 3 nil true }}|{{ println \"x\" 1 }}|{{ print }}"));
    // ---- labels, variables, missing keys ----
    c.add(new Case(ONE, "{{ $labels.instance }} {{ .Labels.job }} {{ $labels.missing }}|{{ .Labels.__name__ }}"));
    c.add(new Case(ONE, "{{ $externalLabels.cluster }} {{ .ExternalLabels.replica }} {{ $externalURL }} {{ .ExternalURL }}"));
    c.add(new Case(ONE, "{{ $x := 1 }}{{ $x }}{{ $x = \"two\" }}{{ $x }}{{ with $y := $labels.job }}{{ $y }}{{ end }}"));
    c.add(new Case(ONE, "{{ . }}"));
    c.add(new Case(ONE, "{{ $labels }} {{ $ }}"));
    c.add(new Case(ONE, "{{ .Foo }}"));
    c.add(new Case(ONE, "{{ $labels.instance.foo }}"));
    c.add(new Case(ONE, "{{ (args 1 \"x\").arg0 }} {{ (args 1).arg5 }} {{ print (args 1).arg5 }} {{ args 1 2.5 \"s\" }}"));
    // ---- if / else if / else / with / range ----
    c.add(new Case(ONE, "{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}mid{{ else }}low{{ end }}"));
    c.add(new Case("http_latency_seconds", "{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}mid{{ else }}low{{ end }} {{ $labels.path }}"));
    c.add(new Case(ONE, "{{ if $labels.missing }}yes{{ else }}no{{ end }} {{ if and $labels.job (eq $labels.job \"api\") }}api{{ end }}"));
    c.add(new Case(ONE, "{{ with $labels.missing }}set{{ else }}unset{{ end }} {{ with $labels.job }}job={{ . }}{{ end }}"));
    c.add(new Case(ONE, "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}"));
    c.add(new Case(ONE, "{{ range $labels }}[{{ . }}]{{ end }}{{ range $i, $e := sortByLabel \"instance\" (query \"up\") }}{{ $i }}:{{ $e.Labels.instance }} {{ end }}"));
    c.add(new Case(ONE, "{{ range query \"nonexistent_metric\" }}x{{ else }}empty{{ end }}"));
    c.add(new Case(ONE, "{{ range $i, $s := query \"up\" }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ if eq $i 0 }}{{ continue }}{{ end }}{{ $i }}{{ end }}"));
    c.add(new Case(ONE, "{{ range 5 }}{{ . }}{{ end }}"));
    c.add(new Case(ONE, "{{ if 1.5 }}a{{ end }}{{ if 0 }}b{{ end }}{{ if \"\" }}c{{ end }}{{ if nil }}d{{ end }}{{ if $labels }}e{{ end }}"));
    // ---- trim markers, comments, raw strings, define/template/block ----
    c.add(new Case(ONE, "a  {{- 1 -}}  b {{/* comment */}} c {{- /* trimmed */ -}} d"));
    c.add(new Case(ONE, "{{ `raw \\n string` }} {{ \"esc\\tape\\u00e9\" }} {{ 'a' }} {{ 0x1F }} {{ 1e3 }} {{ 0o17 }} {{ 1_000 }}"));
    c.add(new Case(ONE, "{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" $labels.job }}{{ block \"b\" 5 }}<{{ . }}>{{ end }}"));
    c.add(new Case(ONE, "{{ template \"nope\" }}"));
    c.add(new Case(ONE, "line1\n{{ $labels.job }}\n  {{- \" trimmed\" }}\n{{ \"x\" -}}\n\n end"));
    // ---- comparisons and logic ----
    c.add(new Case(ONE, "{{ eq 1 1 }} {{ eq \"a\" \"b\" \"a\" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 2.5 }}"));
    c.add(new Case(ONE, "{{ eq $value 1 }}"));
    c.add(new Case(ONE, "{{ lt true false }}"));
    c.add(new Case(ONE, "{{ eq $labels $labels }}"));
    c.add(new Case(ONE, "{{ and 1 0 2 }} {{ or 0 \"\" \"x\" }} {{ not 0 }} {{ and }}"));
    c.add(new Case(ONE, "{{ or 0 (index $labels \"job\") }} {{ and 1 nil }} {{ eq nil nil }}"));
    // ---- len, index, slice, html, js, urlquery, call ----
    c.add(new Case(ONE, "{{ len $labels }} {{ len \"héllo\" }} {{ index $labels \"job\" }} {{ index \"abc\" 1 }} {{ slice \"abcdef\" 1 3 }}"));
    c.add(new Case(ONE, "{{ len (query \"up\") }} {{ (index (sortByLabel \"instance\" (query \"up\")) 0).Labels.instance }} {{ len (slice (query \"up\") 1) }}"));
    c.add(new Case(ONE, "{{ index (query \"up\") 10 }}"));
    c.add(new Case(ONE, "{{ len 3 }}"));
    c.add(new Case(ONE, "{{ html \"<a href='x'>&\\\"</a>\" }} {{ js \"it's <b> = \\\"q\\\" \\\\ é\" }} {{ urlquery \"a b&c=d/é\" }}"));
    c.add(new Case(ONE, "{{ html 1 2 }} {{ urlquery \"x\" 3 }} {{ call nil }}"));
    // ---- Prometheus functions over query ----
    c.add(new Case(ONE, "{{ with query \"http_latency_seconds\" }}{{ . | first | value | humanize }}s {{ . | first | label \"path\" }}{{ end }}"));
    c.add(new Case(ONE, "{{ range query \"sort_desc(disk_free_bytes)\" }}{{ .Labels.mount }}: {{ .Value | humanize1024 }}B; {{ end }}"));
    c.add(new Case(ONE, "{{ range sortByLabel \"instance\" (query \"up\") }}{{ .Labels.instance }},{{ end }}"));
    c.add(new Case(ONE, "{{ (query \"scalar(up{job='node', instance='10.0.0.1:80'})\" | first).Value }} {{ query \"1 + 1\" | first | value }}"));
    c.add(new Case(ONE, "{{ query \"nonexistent_metric\" | first | value }}"));
    c.add(new Case(ONE, "{{ query \"sum(up\" }}"));
    c.add(new Case(ONE, "{{ query \"up[5m]\" }}"));
    c.add(new Case(ONE, "{{ range sortByLabel \"instance\" (query \"up\") }}{{ strvalue . }}|{{ label \"job\" . }}|{{ value . }};{{ end }}"));
    c.add(new Case(ONE, "{{ first (query \"temperature_celsius\") }}"));
    c.add(new Case(ONE, "{{ label \"x\" nil }}"));
    // ---- strings and regexes ----
    c.add(new Case(ONE, "{{ reReplaceAll \"(.*):(\\\\d+)\" \"$1 port $2\" $labels.instance }}"));
    c.add(new Case(ONE, "{{ reReplaceAll \"a*\" \"-\" \"baaac\" }} {{ reReplaceAll \"\" \"x\" \"héllo\" }} {{ reReplaceAll \"(?P<w>\\\\w+)\" \"<${w}>$$\" \"ab cd\" }} {{ reReplaceAll \"(b)\" \"$1x|$2|${1}x\" \"abc\" }}"));
    c.add(new Case(ONE, "{{ reReplaceAll \"(\" \"x\" \"y\" }}"));
    c.add(new Case(ONE, "{{ match \"^web-\\\\d\" $labels.instance }} {{ match \"x\" \"y\" }} {{ match \"[\" \"y\" }}"));
    c.add(new Case(ONE, "{{ title \"hello wORLD foo_bar o'neil 1st ébc\" }} {{ toUpper \"straße ä\" }} {{ toLower \"ÀB\" }}"));
    c.add(new Case(ONE, "{{ graphLink \"rate(x{a=\\\"b\\\"}[5m]) > 1\" }} {{ tableLink \"up == 0\" }}"));
    c.add(new Case(ONE, "{{ safeHtml \"<b>\" }} {{ toUpper (safeHtml \"x\") }}"));
    c.add(new Case("up", "{{ stripPort $labels.instance }} {{ stripDomain $labels.instance }}"));
    c.add(new Case(ONE, "{{ stripPort \"host\" }} {{ stripPort \"[::1]:80\" }} {{ stripDomain \"a.b.c\" }} {{ stripDomain \"1.2.3.4:5\" }} {{ stripDomain \"[2001:db8::1]:443\" }} {{ stripDomain \"host.example.com:8080\" }}"));
    c.add(new Case(ONE, "{{ parseDuration \"1h30m\" }} {{ parseDuration \"1.5s\" }}"));
    c.add(new Case(ONE, "{{ parseDuration \"5x\" }}"));
    c.add(new Case(ONE, "{{ toTime 1679000000.5 }} {{ (toTime 1679000000.5).Unix }} {{ (toTime 86400).Format \"2006-01-02T15:04:05Z07:00 Mon Jan\" }}"));
    c.add(new Case(ONE, "{{ toTime \"abc\" }}"));
    // ---- execution errors ----
    c.add(new Case(ONE, "{{ $labels.job | printf \"%s-%d\" 5 }}"));
    c.add(new Case(ONE, "{{ printf $value }}"));
    c.add(new Case(ONE, "{{ humanize }}"));
    c.add(new Case(ONE, "{{ reReplaceAll \"a\" 1 \"b\" }}"));
    c.add(new Case(ONE, "{{ 1 2 }}"));
    c.add(new Case(ONE, "{{ nil }}"));
    c.add(new Case(ONE, "{{ $value.Foo }}"));
    c.add(new Case(ONE, "{{ first 1 }}"));
    c.add(new Case(ONE, "{{ index $labels 1 }}"));
    c.add(new Case(ONE, "{{ slice \"abc\" 2 1 }}"));
    c.add(new Case(ONE, "multi\nline\n{{ humanize \"bad\" }}"));
    // ---- several alerts from one rule ----
    c.add(new Case("http_latency_seconds > 0", "{{ $labels.instance }} is slow: {{ humanizeDuration $value }} ({{ printf \"%.1f\" $value }})"));
    c.add(new Case("disk_free_bytes", "{{ humanize1024 $value }}B free on {{ $labels.device }}{{ if lt $value 1e6 }} LOW{{ end }}"));
    c.add(new Case("temperature_celsius", "{{ $value }} {{ humanize $value }} {{ printf \"%+.1f°C\" $value }} {{ $labels.location | title }}"));
    c.add(new Case("build_info", "{{ reReplaceAll \"^go\" \"\" $labels.goversion }} {{ $labels.version | toUpper }}"));
    return c;
  }

  @Test
  void promtoolExpandsEveryCaseAsWeDo(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(PromtoolDiffKit.PROMTOOL),
        "promtool (Debian package prometheus 2.42) is not installed: apt-get install prometheus");
    List<Case> cases = cases();
    Object[] r = new PromtoolDiffKit().run(dir, cases);
    String out = (String) r[1];
    assertEquals(0, (int) r[0], () -> "promtool test rules failed for " + cases.size() + " cases:\n" + out);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
