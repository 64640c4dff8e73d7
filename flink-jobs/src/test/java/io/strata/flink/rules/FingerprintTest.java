package io.strata.flink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FingerprintTest {
  /** The vectors of prometheus/common's TestMetricToFingerprint (labelSetToFingerprint). */
  @Test
  void matchesPrometheusLabelSetFingerprint() {
    assertEquals(Long.parseUnsignedLong("14695981039346656037"), Fingerprint.hash(new String[0]));
    String[] sorted = {"fear", "love is not enough", "name", "garland, briggs"};
    assertEquals(Long.parseUnsignedLong("5799056148416392346"), Fingerprint.hash(sorted));
    assertEquals(String.format("%016x", Long.parseUnsignedLong("5799056148416392346")), Fingerprint.of(sorted));
  }

  @Test
  void hexHasSixteenDigits() {
    assertEquals("000000000000000a", Fingerprint.hex(10));
    assertEquals(16, Fingerprint.of(new String[] {"alertname", "X"}).length());
  }

  @Test
  void differentLabelsGiveDifferentFingerprints() {
    // the separator byte keeps "a"+"bc" and "ab"+"c" apart
    assertEquals(false, Fingerprint.of(new String[] {"a", "bc"}).equals(Fingerprint.of(new String[] {"ab", "c"})));
  }
}
