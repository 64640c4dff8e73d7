package io.strata.streams.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import org.junit.jupiter.api.Test;

class SeriesKeysTest {

  @Test
  void readsBackTenantAndLabelsOfTheSharedEncoding() {
    String longValue = "x".repeat(300); // length needs two LEB128 bytes
    Labels labels = Labels.of("__name__", "http_requests_total", "path", longValue, "zone", "zürich");
    byte[] key = SeriesKey.encode("team-ä", labels);
    assertEquals("team-ä", SeriesKeys.tenant(key));
    assertEquals(labels, SeriesKeys.labels(key));
  }

  @Test
  void manyLabelsReadBack() {
    String[] pairs = new String[40];
    for (int i = 0; i < 20; i++) {
      pairs[2 * i] = "l" + (char) ('a' + i);
      pairs[2 * i + 1] = "v" + i;
    }
    Labels labels = Labels.of(pairs);
    assertEquals(labels, SeriesKeys.labels(SeriesKey.encode("t", labels)));
  }

  @Test
  void aTruncatedKeyIsReportedNotMisread() {
    byte[] key = SeriesKey.encode("t", Labels.of("__name__", "m"));
    byte[] cut = java.util.Arrays.copyOf(key, key.length - 1);
    var e = assertThrows(IllegalStateException.class, () -> SeriesKeys.labels(cut));
    assertEquals(true, e.getMessage().startsWith("corrupt series key"));
  }
}
