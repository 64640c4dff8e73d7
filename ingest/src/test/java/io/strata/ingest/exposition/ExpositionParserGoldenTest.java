package io.strata.ingest.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parses hand-written expositions under test resources and compares with hand-written expected samples. */
class ExpositionParserGoldenTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "node_exporter.prom, node_exporter.expected, PROMETHEUS_TEXT_0_0_4",
    "histogram.prom, histogram.expected, PROMETHEUS_TEXT_0_0_4",
    "openmetrics.om, openmetrics.expected, OPENMETRICS_1_0",
  })
  void parsesGoldenFile(String input, String expected, Format format) throws Exception {
    ParsedExposition parsed = ExpositionParser.collect(resource(input), format);
    List<String> actual = new ArrayList<>();
    for (ParsedSample s : parsed.samples()) {
      actual.add(render(s));
    }
    List<String> want = new String(resource(expected), StandardCharsets.UTF_8).lines().toList();
    assertEquals(String.join("\n", want), String.join("\n", actual));
  }

  static String render(ParsedSample s) {
    String labels = s.labels().toString();
    return labels + " " + s.value() + (s.hasTimestamp() ? " @" + s.timestampMs() : "");
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = ExpositionParserGoldenTest.class.getResourceAsStream("/exposition/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /exposition/" + name);
      }
      return in.readAllBytes();
    }
  }
}
