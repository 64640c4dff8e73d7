package io.strata.flink.rules;

import java.nio.charset.StandardCharsets;

/**
 * The alert fingerprint: 64-bit FNV-1a over the alert labels sorted by name, each name and value as UTF-8
 * followed by the separator byte 0xff, printed as 16 lower-case hex digits. This is Prometheus's
 * {@code model.LabelSet.Fingerprint()} (prometheus/common signature.go), so the value equals the
 * fingerprint Alertmanager shows for the same alert.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /** FNV-1a 64-bit offset basis. */
  static final long OFFSET64 = 0xcbf29ce484222325L;
  /** FNV-1a 64-bit prime. */
  static final long PRIME64 = 0x100000001b3L;
  private static final int SEPARATOR = 0xff;

  /** The hash of sorted label pairs (name0, value0, name1, value1, ...). */
  public static long hash(String[] sortedPairs) {
    long h = OFFSET64;
    for (String s : sortedPairs) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      for (byte x : b) {
        h ^= (x & 0xff);
        h *= PRIME64;
      }
      h ^= SEPARATOR;
      h *= PRIME64;
    }
    return h;
  }

  public static String hex(long hash) {
    String s = Long.toHexString(hash);
    return "0".repeat(16 - s.length()) + s;
  }

  public static String of(String[] sortedPairs) {
    return hex(hash(sortedPairs));
  }
}
