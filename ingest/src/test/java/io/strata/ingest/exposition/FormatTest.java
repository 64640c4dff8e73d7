package io.strata.ingest.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
    "application/openmetrics-text; version=1.0.0; charset=utf-8|OPENMETRICS_1_0",
    "application/openmetrics-text;version=0.0.1|OPENMETRICS_1_0",
    "Application/OpenMetrics-Text|OPENMETRICS_1_0",
    "text/plain; version=0.0.4; charset=utf-8|PROMETHEUS_TEXT_0_0_4",
    "text/html|PROMETHEUS_TEXT_0_0_4",
    "null|PROMETHEUS_TEXT_0_0_4",
  })
  void picksParserFromContentType(String contentType, Format expected) {
    assertEquals(expected, Format.forContentType(contentType));
  }

  @Test
  void acceptHeaderIsPrometheus() {
    assertEquals("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", Format.SCRAPE_ACCEPT_HEADER);
  }
}
