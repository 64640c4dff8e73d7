package io.strata.ingest.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The 8-bytes-per-step scans against plain loops, on random bytes (high bytes included) and every offset. */
class ByteScanTest {
  private static final byte[] ALPHABET = "ab_:9\n\"\\ {}=,\t".getBytes(StandardCharsets.ISO_8859_1);

  private static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      // mostly the parser's interesting bytes, sometimes anything (0x80-0xff must not confuse the zero-byte test)
      b[i] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return b;
  }

  @Test
  void scansAgreeWithPlainLoops() {
    SplittableRandom r = new SplittableRandom(5);
    for (int round = 0; round < 3000; round++) {
      byte[] b = randomBytes(r, r.nextInt(0, 40));
      for (int i = 0; i <= b.length; i++) {
        int e = r.nextInt(i, b.length + 1);
        assertEquals(plainIndexOf(b, i, e, '\n', '\n'), ByteScan.newline(b, i, e), "newline");
        assertEquals(plainIndexOf(b, i, e, '"', '\\'), ByteScan.quoteOrBackslash(b, i, e), "quote or backslash");
        assertEquals(plainNameEnd(b, i, e, true), ByteScan.metricNameEnd(b, i, e), "metric name");
        assertEquals(plainNameEnd(b, i, e, false), ByteScan.labelNameEnd(b, i, e), "label name");
      }
    }
  }

  @Test
  void equalTextsHashEquallyAtAnyOffset() {
    byte[] a = "xxnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1".getBytes(StandardCharsets.US_ASCII);
    assertEquals(ByteScan.hash(a, 2, a.length), ByteScan.hash(b, 0, b.length - 2));
    byte[] c = "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"}".getBytes(StandardCharsets.US_ASCII);
    assertNotEquals(ByteScan.hash(b, 0, b.length - 2), ByteScan.hash(c, 0, c.length));
    // a change in the tail (past the last full 8-byte word) or in the length changes the hash
    assertNotEquals(ByteScan.hash(c, 0, c.length), ByteScan.hash(c, 0, c.length - 1));
  }

  @Test
  void hashSpreadsSimilarSeries() {
    java.util.Set<Integer> low = new java.util.HashSet<>();
    for (int i = 0; i < 4096; i++) {
      byte[] s = ("node_cpu_seconds_total{cpu=\"" + i + "\",mode=\"idle\"}").getBytes(StandardCharsets.US_ASCII);
      low.add(ByteScan.hash(s, 0, s.length) & 0xffff);
    }
    // 4096 keys in 65536 buckets: a decent hash leaves ~3970 distinct buckets; a weak one collapses them
    assertEquals(true, low.size() > 3800, "distinct low 16 bits: " + low.size());
  }

  private static int plainIndexOf(byte[] b, int i, int e, char c1, char c2) {
    for (int k = i; k < e; k++) {
      if (b[k] == c1 || b[k] == c2) {
        return k;
      }
    }
    return e;
  }

  private static int plainNameEnd(byte[] b, int i, int e, boolean metric) {
    int k = i;
    while (k < e) {
      int c = b[k] & 0xff;
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':') || (k > i && c >= '0' && c <= '9');
      if (!ok) {
        break;
      }
      k++;
    }
    return k;
  }
}
