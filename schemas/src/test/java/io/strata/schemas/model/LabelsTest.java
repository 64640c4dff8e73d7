package io.strata.schemas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LabelsTest {
  @Test
  void sortedByNameAndPrintedLikePrometheus() {
    Labels l = Labels.of("job", "api", "__name__", "http_requests_total", "code", "200");
    assertEquals("__name__", l.name(0));
    assertEquals("code", l.name(1));
    assertEquals("http_requests_total{code=\"200\", job=\"api\"}", l.toString());
    assertEquals("api", l.get("job"));
    assertNull(l.get("missing"));
  }

  @Test
  void duplicateNamesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Labels.of("a", "1", "a", "2"));
  }

  @Test
  void nameValidation() {
    assertTrue(Labels.isValidName("_ok_1"));
    assertFalse(Labels.isValidName("1bad"));
    assertFalse(Labels.isValidName("bad-name"));
    assertTrue(Labels.isValidMetricName("ns:metric_total"));
    assertFalse(Labels.isValidName("ns:metric"));
  }

  @Test
  void matchersFollowPrometheus() {
    Labels l = Labels.of("__name__", "up", "job", "node");
    assertTrue(LabelMatcher.eq("job", "node").matches(l));
    assertTrue(LabelMatcher.of(LabelMatcher.Type.RE, "job", "no.*").matches(l));
    assertFalse(LabelMatcher.of(LabelMatcher.Type.RE, "job", "no").matches(l), "regex is anchored");
    assertTrue(LabelMatcher.of(LabelMatcher.Type.NEQ, "missing", "x").matches(l));
    assertTrue(LabelMatcher.eq("missing", "").matches(l), "absent label matches the empty string");
    assertTrue(LabelMatcher.of(LabelMatcher.Type.NRE, "job", "api|web").matches(l));
    assertThrows(IllegalArgumentException.class, () -> LabelMatcher.of(LabelMatcher.Type.RE, "job", "(unclosed"));
  }
}
