package io.strata.ingest.scrape.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer target for the prometheus.yml loader (issue 17 item 5): any file gives a config or a
 * {@link ConfigException} (the message `strata` prints on a bad config), never another exception. Runs on
 * the committed corpus ({@code PrometheusConfigFuzzTestInputs/}) in every build; {@code -Pfuzz} fuzzes it.
 */
class PrometheusConfigFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void loadsOrRefusesCleanly(byte[] file) {
    try {
      PrometheusConfigLoader.parse(new String(file, StandardCharsets.UTF_8));
    } catch (ConfigException refused) {
      // a clean refusal, with the line and the field
    }
  }
}
