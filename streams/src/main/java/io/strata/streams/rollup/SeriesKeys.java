package io.strata.streams.rollup;

import io.strata.schemas.model.Labels;
import java.nio.charset.StandardCharsets;

/**
 * Reads back the series key of {@link io.strata.schemas.model.SeriesKey}: strings as unsigned LEB128
 * length plus UTF-8 bytes, the tenant first, then name and value of each label in name order. The window
 * stores hold only series keys, so the labels of a closed window come from here.
 */
public final class SeriesKeys {
  private SeriesKeys() {}

  public static String tenant(byte[] key) {
    int[] pos = {0};
    return readString(key, pos);
  }

  public static Labels labels(byte[] key) {
    int[] pos = {0};
    readString(key, pos); // tenant
    int n = 0;
    String[] pairs = new String[16];
    while (pos[0] < key.length) {
      if (n == pairs.length) {
        pairs = java.util.Arrays.copyOf(pairs, n * 2);
      }
      pairs[n++] = readString(key, pos);
    }
    if (n % 2 != 0) {
      throw new IllegalStateException("corrupt series key in state store: odd number of label strings (" + n + ")");
    }
    return Labels.of(java.util.Arrays.copyOf(pairs, n));
  }

  private static String readString(byte[] key, int[] pos) {
    int p = pos[0];
    int len = 0;
    int shift = 0;
    while (true) {
      if (p >= key.length || shift > 28) {
        throw new IllegalStateException("corrupt series key in state store: bad length at byte " + p);
      }
      int b = key[p++] & 0xFF;
      len |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    if (len < 0 || p + len > key.length) {
      throw new IllegalStateException("corrupt series key in state store: string of " + len + " bytes at byte " + p
          + " runs past the key's " + key.length + " bytes");
    }
    pos[0] = p + len;
    return new String(key, p, len, StandardCharsets.UTF_8);
  }
}
