package io.strata.streams.rollup;

import java.util.Arrays;

/**
 * Key of an open window in a {@code rollup-windows-<res>} store: 8 bytes of window start (big-endian,
 * sign bit flipped so that byte order is numeric order, negative timestamps included), then the series key.
 * Windows therefore sort by start, and closing every window up to a time is one range scan from the
 * beginning of the store.
 */
public final class WindowKey {
  private WindowKey() {}

  static final int START_BYTES = 8;

  public static byte[] encode(long windowStart, byte[] seriesKey) {
    byte[] k = new byte[START_BYTES + seriesKey.length];
    writeStart(k, windowStart);
    System.arraycopy(seriesKey, 0, k, START_BYTES, seriesKey.length);
    return k;
  }

  /** The smallest key of all: before every window. */
  public static byte[] lowest() {
    return new byte[START_BYTES];
  }

  /**
   * An inclusive upper bound for a range scan that returns exactly the windows starting at or before
   * {@code maxStart}: the bare 8-byte prefix of {@code maxStart + 1}, which sorts before every key with
   * that start (those are longer) and after every key with a smaller start.
   */
  public static byte[] upperBound(long maxStart) {
    byte[] k = new byte[START_BYTES];
    writeStart(k, maxStart + 1);
    return k;
  }

  public static long start(byte[] key) {
    long v = 0;
    for (int i = 0; i < START_BYTES; i++) {
      v = (v << 8) | (key[i] & 0xFF);
    }
    return v ^ Long.MIN_VALUE;
  }

  public static byte[] seriesKey(byte[] key) {
    return Arrays.copyOfRange(key, START_BYTES, key.length);
  }

  private static void writeStart(byte[] k, long start) {
    long v = start ^ Long.MIN_VALUE;
    for (int i = START_BYTES - 1; i >= 0; i--) {
      k[i] = (byte) v;
      v >>>= 8;
    }
  }
}
