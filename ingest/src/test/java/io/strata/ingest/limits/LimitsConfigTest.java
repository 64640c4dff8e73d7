package io.strata.ingest.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitsConfigTest {
  private static final Duration OOO = Duration.ofMinutes(10);

  @Test
  void noSectionIsMimirsDefaults() {
    LimitsConfig c = LimitsConfig.parse(null, Duration.ofMinutes(30));
    assertEquals(Limits.defaults().withOutOfOrderWindow(Duration.ofMinutes(30)), c.defaults());
    assertEquals(Map.of(), c.overrides());
  }

  @Test
  void overridesStartFromTheSectionsDefaults() {
    LimitsConfig c = LimitsConfig.parse(Map.of("max_label_names_per_series", 40, "ingestion_rate", 50000, "past_grace_period", "2h",
        "overrides", Map.of("team-a", Map.of("ingestion_rate", 200000.5, "creation_grace_period", "0"))), OOO);
    assertEquals(40, c.defaults().maxLabelNamesPerSeries());
    assertEquals(50000, c.defaults().ingestionRate());
    assertEquals(Duration.ofHours(2), c.defaults().pastGracePeriod());
    Limits a = c.overrides().get("team-a");
    assertEquals(40, a.maxLabelNamesPerSeries());
    assertEquals(200000.5, a.ingestionRate());
    assertEquals(Duration.ofHours(2), a.pastGracePeriod());
    assertEquals(Duration.ZERO, a.creationGracePeriod());
    assertEquals(OOO, a.outOfOrderWindow());
  }

  @Test
  void unknownKeysAndBadValuesNameTheirKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LimitsConfig.parse(Map.of("max_labels", 3), OOO));
    assertTrue(e.getMessage().startsWith("limits.max_labels is not a limit"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LimitsConfig.parse(Map.of("overrides", Map.of("t", Map.of("max_label_name_length", 0))), OOO));
    assertEquals("limits.overrides.t.max_label_name_length must be > 0, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LimitsConfig.parse(Map.of("past_grace_period", "soon"), OOO));
    assertTrue(e.getMessage().startsWith("limits.past_grace_period: \"soon\" is not a duration"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LimitsConfig.parse(Map.of("max_label_value_length", "big"), OOO));
    assertEquals("limits.max_label_value_length must be an integer, got big", e.getMessage());
  }

  @Test
  void everyKeyIsInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (String k : LimitsConfig.KEYS) {
      assertTrue(readme.contains("`limits." + k + "`"), "ingest/README.md documents limits." + k);
    }
  }
}
