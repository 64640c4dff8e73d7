package io.strata.promql.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One construct or function at a time, expected strings from Go 1.19 text/template and Prometheus 2.42
 * (the same outputs {@link PromtoolTemplateDiffTest} checks against promtool where promtool is installed).
 */
class PromTemplateTest {
  private static final Map<String, String> LABELS =
      Map.of("__name__", "up", "instance", "web-1.example.com:9090", "job", "api");
  private static final QueryRunner QUERY = (expr, t) -> switch (expr) {
    case "up" -> List.of(new QueryResult(Map.of("instance", "b:1", "job", "x"), 0, t),
        new QueryResult(Map.of("instance", "a:1", "job", "y"), 1, t));
    case "none" -> List.of();
    default -> throw new Exception("1:1: parse error: bad");
  };

  private static String expand(String text, double value) throws TemplateException {
    return PromTemplate.expand("__alert_A", text,
        new TemplateContext(LABELS, value, Map.of("cluster", "eu"), "http://prom:9090/p", 120_000, QUERY));
  }

  private static String expand(String text) throws TemplateException {
    return expand(text, 0.95);
  }

  private static String error(String text) {
    return assertThrows(TemplateException.class, () -> expand(text)).getMessage();
  }

  @Test
  void valuesPrintAsGoPrintsFloat64() throws Exception {
    assertEquals("0.95", expand("{{ $value }}"));
    assertEquals("1e+06", expand("{{ $value }}", 1e6));
    assertEquals("1.2345678e+07", expand("{{ .Value }}", 12345678));
    assertEquals("+Inf NaN", expand("{{ $value }} {{ humanize \"NaN\" }}", Double.POSITIVE_INFINITY));
    assertEquals("5e-324", expand("{{ $value }}", Double.MIN_VALUE));
  }

  @Test
  void labelsAndMissingKeys() throws Exception {
    assertEquals("web-1.example.com:9090 api  up", expand("{{ $labels.instance }} {{ .Labels.job }} {{ $labels.nope }} {{ .Labels.__name__ }}"));
    assertEquals("eu http://prom:9090/p", expand("{{ $externalLabels.cluster }} {{ $externalURL }}"));
    assertEquals("1 <no value> <nil>", expand("{{ (args 1).arg0 }} {{ (args 1).arg5 }} {{ print (args 1).arg5 }}"));
  }

  @Test
  void controlStructures() throws Exception {
    assertEquals("high", expand("{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}mid{{ else }}low{{ end }}"));
    assertEquals("mid", expand("{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}mid{{ else }}low{{ end }}", 0.2));
    assertEquals("unset job=api", expand("{{ with $labels.nope }}set{{ else }}unset{{ end }} {{ with $labels.job }}job={{ . }}{{ end }}"));
    assertEquals("__name__=up;instance=web-1.example.com:9090;job=api;", expand("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}"));
    assertEquals("empty", expand("{{ range query \"none\" }}x{{ else }}empty{{ end }}"));
    assertEquals("1", expand("{{ range $i, $s := query \"up\" }}{{ if eq $i 0 }}{{ continue }}{{ end }}{{ $i }}{{ break }}{{ end }}"));
    assertEquals("1twoapi", expand("{{ $x := 1 }}{{ $x }}{{ $x = \"two\" }}{{ $x }}{{ with $y := $labels.job }}{{ $y }}{{ end }}"));
    assertEquals("[api]<5>", expand("{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" $labels.job }}{{ block \"b\" 5 }}<{{ . }}>{{ end }}"));
  }

  @Test
  void trimMarkersAndComments() throws Exception {
    assertEquals("a1b  cd", expand("a  {{- 1 -}}  b {{/* comment */}} c {{- /* trimmed */ -}} d"));
  }

  @Test
  void printfVerbs() throws Exception {
    assertEquals("0.95", expand("{{ printf \"%.2f\" $value }}"));
    assertEquals("1.00|  3.1|1.235e+03|1.2e-05|1E+21",
        expand("{{ printf \"%.2f|%5.1f|%-8.3e|%g|%G\" 1.0 3.14159 1234.5678 0.000012 1e21 }}").replace("1.235e+03", "1.235e+03"));
    assertEquals("42    42 42   | -0042 ff FF 10 101 +3 A 'B' U+0043",
        expand("{{ printf \"%d %5d %-5d| %05d %x %X %o %b %+d %c %q %U\" 42 42 42 -42 255 255 8 5 3 65 66 67 }}"));
    assertEquals("%!d(string=str)|%!s(float64=1.5)|1 %!d(MISSING)|1%!(EXTRA int=2)",
        expand("{{ printf \"%d\" \"str\" }}|{{ printf \"%s\" 1.5 }}|{{ printf \"%d %d\" 1 }}|{{ printf \"%d\" 1 2 }}"));
    assertEquals("1235 1234.6 1.234568e+03 1.23e+03", expand("{{ printf \"%.0f %.1f %e %.3g\" $value $value $value $value }}", 1234.5678));
    assertEquals("0.12 0.2 2", expand("{{ printf \"%.2f %.1f %.0f\" 0.125 0.25 2.5 }}"));
  }

  @Test
  void humanizeFamily() throws Exception {
    assertEquals("1.235M 1.177Mi 14d 6h 56m 7s 1.235e+08%",
        expand("{{ humanize $value }} {{ humanize1024 $value }} {{ humanizeDuration $value }} {{ humanizePercentage $value }}", 1234567));
    assertEquals("950m 950ms 95%", expand("{{ humanize $value }} {{ humanizeDuration $value }} {{ humanizePercentage $value }}"));
    assertEquals("1000k 1e+06Y 1e-06y", expand("{{ humanize 999999 }} {{ humanize 1e30 }} {{ humanize 1e-30 }}"));
    assertEquals("-1d 1h 1m 1s 0s", expand("{{ humanizeDuration -90061 }} {{ humanizeDuration 0 }}"));
    assertEquals("2023-03-16 20:53:20.122 +0000 UTC", expand("{{ humanizeTimestamp $value }}", 1679000000.123));
    assertEquals("1.234k", expand("{{ humanize \"1234.5\" }}"));
  }

  @Test
  void queryFunctions() throws Exception {
    assertEquals("0 b:1", expand("{{ with query \"up\" }}{{ . | first | value }} {{ . | first | label \"instance\" }}{{ end }}"));
    assertEquals("a:1,b:1,", expand("{{ range sortByLabel \"instance\" (query \"up\") }}{{ .Labels.instance }},{{ end }}"));
    assertEquals(2, Integer.parseInt(expand("{{ len (query \"up\") }}")));
  }

  @Test
  void stringFunctions() throws Exception {
    assertEquals("web-1.example.com port 9090", expand("{{ reReplaceAll \"(.*):(\\\\d+)\" \"$1 port $2\" $labels.instance }}"));
    assertEquals("-b-c- <ab>$ a||bxc", expand("{{ reReplaceAll \"a*\" \"-\" \"baaac\" }} {{ reReplaceAll \"(?P<w>\\\\w+)\" \"<${w}>$$\" \"ab\" }} {{ reReplaceAll \"(b)\" \"$1x|$2|${1}x\" \"abc\" }}"));
    assertEquals("true false", expand("{{ match \"^web-\\\\d\" $labels.instance }} {{ match \"x\" \"y\" }}"));
    assertEquals("Hello WORLD Foo_bar O'Neil STRAßE àb", expand("{{ title \"hello wORLD foo_bar o'neil\" }} {{ toUpper \"straße\" }} {{ toLower \"ÀB\" }}"));
    assertEquals("web-1.example.com web-1:9090 ::1 1.2.3.4:5",
        expand("{{ stripPort $labels.instance }} {{ stripDomain $labels.instance }} {{ stripPort \"[::1]:80\" }} {{ stripDomain \"1.2.3.4:5\" }}"));
    assertEquals("/graph?g0.expr=up+%3D%3D+0&g0.tab=1 /p http://prom:9090/p", expand("{{ tableLink \"up == 0\" }} {{ pathPrefix }} {{ externalURL }}"));
    assertEquals("&lt;b&gt; it\\'s a+b%26c", expand("{{ html \"<b>\" }} {{ js \"it's\" }} {{ urlquery \"a b&c\" }}"));
    assertEquals("5400", expand("{{ parseDuration \"1h30m\" }}"));
  }

  @Test
  void executionErrorsCarryGoText() {
    assertEquals("error executing template __alert_A: template: __alert_A:1:115: executing \"__alert_A\" at <humanize \"x\">:"
        + " error calling humanize: strconv.ParseFloat: parsing \"x\": invalid syntax", error("{{ humanize \"x\" }}"));
    assertEquals("error executing template __alert_A: template: __alert_A:1:115: executing \"__alert_A\" at <eq $value 1>:"
        + " error calling eq: incompatible types for comparison", error("{{ eq $value 1 }}"));
    assertEquals("error executing template __alert_A: template: __alert_A:3:18: executing \"__alert_A\" at <first>:"
        + " error calling first: first() called on vector with no elements", error("a\nb\n{{ query \"none\" | first }}"));
    assertEquals("error executing template __alert_A: template: __alert_A:1:115: executing \"__alert_A\" at <query \"bad\">:"
        + " error calling query: 1:1: parse error: bad", error("{{ query \"bad\" }}"));
    assertEquals("error executing template __alert_A: template: __alert_A:1:122: executing \"__alert_A\" at <$value>:"
        + " wrong type for value; expected string; got float64", error("{{ printf $value }}"));
  }

  @Test
  void endlessRecursionIsAnErrorNotACrash() {
    assertEquals("error executing template __alert_A: template: __alert_A: exceeded maximum template depth (100000)",
        error("{{ define \"a\" }}{{ template \"a\" }}{{ end }}{{ template \"a\" }}"));
  }

  @Test
  void parseErrorsCarryGoText() {
    assertEquals("error parsing template __alert_A: template: __alert_A:1: function \"foo\" not defined", error("{{ foo }}"));
    assertEquals("template: __alert_X:1: function \"foo\" not defined", PromTemplate.check("__alert_X", "{{ foo }}"));
    assertEquals("template: __alert_X:2: unexpected \"}\" in operand", PromTemplate.check("__alert_X", "a\n{{ humanize $value }"));
    assertEquals("template: __alert_X:1: undefined variable \"$x\"", PromTemplate.check("__alert_X", "{{ $x }}"));
    assertEquals("template: __alert_X:1: unexpected EOF", PromTemplate.check("__alert_X", "{{ if 1 }}"));
    assertNull(PromTemplate.check("__alert_X", "{{ range $i, $e := . }}{{ break }}{{ end }}"));
  }

  @Test
  void cachedTemplatesExpandAgainWithNewData() throws Exception {
    String t = "{{ $labels.job }}={{ $value }}";
    assertEquals("api=0.95", expand(t));
    assertEquals("api=2", expand(t, 2));
    TemplateContext other = new TemplateContext(Map.of("job", "db"), 3, Map.of(), null, 0, null);
    assertEquals("db=3", PromTemplate.expand("__alert_B", t, other));
    assertEquals("error executing template __alert_B: template: __alert_B:1:115: executing \"__alert_B\" at <query \"up\">:"
        + " error calling query: runtime error: invalid memory address or nil pointer dereference",
        assertThrows(TemplateException.class, () -> PromTemplate.expand("__alert_B", "{{ query \"up\" }}", other)).getMessage());
  }
}
