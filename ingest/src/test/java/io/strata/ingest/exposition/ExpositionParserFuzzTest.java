package io.strata.ingest.exposition;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for the exposition-format parser (text 0.0.4 and OpenMetrics; issue 17 item 5): any scrape
 * body either parses or is refused with an {@link ExpositionParseException}, never another exception.
 * Runs on the committed corpus ({@code ExpositionParserFuzzTestInputs/}) in every build; {@code -Pfuzz}
 * fuzzes it.
 */
class ExpositionParserFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void parsesOrRefusesCleanly(byte[] body) {
    for (Format f : Format.values()) {
      try {
        ExpositionParser.collect(body, f);
      } catch (ExpositionParseException refused) {
        // a clean refusal: the scrape fails with this message
      }
    }
  }
}
