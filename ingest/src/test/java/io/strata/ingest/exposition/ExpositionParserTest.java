package io.strata.ingest.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpositionParserTest {
  private static final Format TEXT = Format.PROMETHEUS_TEXT_0_0_4;
  private static final Format OM = Format.OPENMETRICS_1_0;

  private static ParsedExposition parse(String text, Format f) throws ExpositionParseException {
    return ExpositionParser.collect(text.getBytes(StandardCharsets.UTF_8), f);
  }

  private static ExpositionParseException fails(String text, Format f) {
    return assertThrows(ExpositionParseException.class, () -> parse(text, f));
  }

  @Test
  void metadataReachesVisitorPerFamily() throws Exception {
    ParsedExposition p = parse("""
        # TYPE a_seconds counter
        # UNIT a_seconds seconds
        # HELP a_seconds Time with "quotes" and \\\\ backslash.
        a_seconds_total 1
        # EOF
        """, OM);
    assertEquals(List.of(new FamilyMetadata("a_seconds", MetricType.COUNTER, "Time with \"quotes\" and \\ backslash.", "seconds")),
        p.families());
  }

  @Test
  void helpUnescapesBackslashAndNewlineIn004() throws Exception {
    ParsedExposition p = parse("# HELP m line1\\nline2 \\\\ end\n# TYPE m gauge\nm 1\n", TEXT);
    assertEquals("line1\nline2 \\ end", p.families().get(0).help());
    assertEquals(MetricType.GAUGE, p.families().get(0).type());
  }

  @Test
  void visitorSeesFamilyTypeAndRawSeriesBytes() throws Exception {
    List<String> seen = new ArrayList<>();
    byte[] buf = "# TYPE req counter\nreq_total{code=\"200\"} 3\nother 1\n".getBytes(StandardCharsets.UTF_8);
    new ExpositionParser().parse(buf, TEXT, s -> seen.add(
        new String(s.buffer(), s.seriesStart(), s.seriesEnd() - s.seriesStart(), StandardCharsets.UTF_8) + " " + s.familyType()));
    assertEquals(List.of("req_total{code=\"200\"} COUNTER", "other UNKNOWN"), seen);
  }

  @Test
  void openMetricsCreatedSeriesSkippedByDefaultAndKeptOnRequest() throws Exception {
    String text = "# TYPE c counter\nc_total 1\nc_created 1.7e9\n# TYPE g gauge\ng_created 5\n# EOF\n";
    List<String> names = new ArrayList<>();
    for (ParsedSample s : parse(text, OM).samples()) {
      names.add(s.labels().metricName());
    }
    // A gauge whose name ends in _created is an ordinary series.
    assertEquals(List.of("c_total", "g_created"), names);
    List<String> kept = new ArrayList<>();
    new ExpositionParser().keepCreatedSeries(true).parse(text.getBytes(StandardCharsets.UTF_8), OM, s -> kept.add(s.metricName()));
    assertEquals(List.of("c_total", "c_created", "g_created"), kept);
  }

  @Test
  void createdLinesIn004AreOrdinarySamples() throws Exception {
    ParsedExposition p = parse("# TYPE c counter\nc_total 1\nc_created 1.7e9\n", TEXT);
    assertEquals(2, p.samples().size());
  }

  @Test
  void openMetricsTimestampIsSecondsWithFraction() throws Exception {
    ParsedSample s = parse("m 1 1700000000.5\n# EOF\n", OM).samples().get(0);
    assertEquals(1_700_000_000_500L, s.timestampMs());
  }

  @Test
  void textTimestampIsMilliseconds() throws Exception {
    ParsedSample s = parse("m 1 1700000000500\n", TEXT).samples().get(0);
    assertEquals(1_700_000_000_500L, s.timestampMs());
  }

  @Test
  void escapedLabelValuesLongerThanScratchSurvive() throws Exception {
    String big = "x\\\"".repeat(300);
    ParsedSample s = parse("m{a=\"" + big + "\",b=\"plain\",c=\"" + big + "\"} 1\n", TEXT).samples().get(0);
    assertEquals("x\"".repeat(300), s.labels().get("a"));
    assertEquals("plain", s.labels().get("b"));
    assertEquals("x\"".repeat(300), s.labels().get("c"));
  }

  @Test
  void utf8LabelValues() throws Exception {
    ParsedSample s = parse("m{city=\"Zürich ☃\"} 1\n", TEXT).samples().get(0);
    assertEquals(Labels.of("__name__", "m", "city", "Zürich ☃"), s.labels());
  }

  @Test
  void escapedValueBeforeTrailingComma() throws Exception {
    // the label set closed after a trailing comma once left escaped values pointing nowhere
    assertEquals(Labels.of("__name__", "m", "a", "x\"y", "b", "z"), parse("m{a=\"x\\\"y\",b=\"z\",} 1\n", TEXT).samples().get(0).labels());
  }

  @Test
  void manyLabelsGrowArrays() throws Exception {
    StringBuilder sb = new StringBuilder("m{");
    for (int i = 0; i < 40; i++) {
      sb.append("l").append(i).append("=\"v").append(i).append("\",");
    }
    sb.append("} 1\n");
    assertEquals(41, parse(sb.toString(), TEXT).samples().get(0).labels().size());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "1|1.0", "-0|-0.0", "1e3|1000.0", "1.5E+2|150.0", "0.000123|1.23E-4", "NaN|NaN", "nan|NaN",
    "+Inf|Infinity", "-Inf|-Infinity", "inf|Infinity", "Infinity|Infinity", "123456789012345678901234567890|1.2345678901234568E29",
    "1e-400|0.0", "4.9e-324|4.9E-324", "010|10.0", "9007199254740993|9.007199254740992E15",
  })
  void parsesValuesAsGoDoes(String text, String expected) throws Exception {
    double v = parse("m " + text + "\n", TEXT).samples().get(0).value();
    assertEquals(expected, Double.toString(v));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    // input | line | message fragment
    "m 1\\nm{a=\"1\",a=\"2\"} 2|2|label name \"a\" is not unique",
    "m{__name__=\"x\"} 1|1|label name \"__name__\" is not unique",
    "m 1\\n\\n1abc 2|3|invalid metric name",
    "m{1a=\"x\"} 1|1|invalid label name",
    "m{a-b=\"x\"} 1|1|expected equal sign after label name \"a\"",
    "m{a=x} 1|1|expected quoted label value",
    "m{a=\"x} 1|1|unterminated label value",
    "m 1x|1|invalid value \"1x\"",
    "m 1d|1|invalid value \"1d\"",
    "m 0x1p-2|1|invalid value \"0x1p-2\"",
    "m 1e400|1|invalid value \"1e400\"",
    "m|1|expected value after metric",
    "m 1 12.5|1|invalid timestamp \"12.5\"",
    "m 1 2 3|1|expected end of line after sample",
    "# TYPE m bogus|1|unknown metric type \"bogus\"",
    "# TYPE m|1|expected exactly one type",
    "m{a=\"1\" b=\"2\"} 1|1|expected comma or closing brace",
  })
  void rejectsBadTextFormat(String input, int line, String fragment) {
    ExpositionParseException e = fails(input.replace("\\n", "\n") + "\n", TEXT);
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith("text format parsing error in line " + line + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "m 1|1|data does not end with # EOF",
    "m 1\\n# EOF\\nm 2|3|unexpected data after # EOF",
    "m 1\\n\\n# EOF|2|unexpected empty line",
    "# random comment\\n# EOF|1|invalid comment line",
    "# TYPE m untyped\\n# EOF|1|unknown metric type \"untyped\"",
    "# UNIT m_bytes seconds\\n# EOF|1|unit \"seconds\" not a suffix of metric \"m_bytes\"",
    "m 1 # bad\\n# EOF|1|invalid exemplar",
    "m 1 1.5 # {a=\"b\"}\\n# EOF|1|invalid exemplar, expected a value",
    "m 1 NaN\\n# EOF|1|invalid timestamp \"NaN\"",
  })
  void rejectsBadOpenMetrics(String input, int line, String fragment) {
    ExpositionParseException e = fails(input.replace("\\n", "\n") + "\n", OM);
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void emptyTextBodyHasNoSamples() throws Exception {
    assertEquals(0, parse("", TEXT).samples().size());
  }

  @Test
  void offsetAndLengthLimitParsing() throws Exception {
    byte[] buf = "garbage m 7\n trailing garbage".getBytes(StandardCharsets.UTF_8);
    List<Double> values = new ArrayList<>();
    new ExpositionParser().parse(buf, 8, 4, TEXT, s -> values.add(s.value()));
    assertEquals(List.of(7.0), values);
  }

  @Test
  void parserInstanceIsReusableAfterAnError() throws Exception {
    ExpositionParser p = new ExpositionParser();
    assertThrows(ExpositionParseException.class, () -> p.parse("# TYPE c counter\nc_total{\n".getBytes(StandardCharsets.UTF_8), TEXT, s -> {}));
    List<MetricType> types = new ArrayList<>();
    p.parse("c_total 1\n".getBytes(StandardCharsets.UTF_8), TEXT, s -> types.add(s.familyType()));
    assertEquals(List.of(MetricType.UNKNOWN), types);
  }
}
