package io.strata.tsdb.format;

/**
 * The deleted time ranges of one series under key {@code T seriesId}: a {@link Box#TOMBSTONE} box with payload
 * {@code [minT i64][maxT i64]...}, inclusive ranges sorted by minT, neither overlapping nor touching.
 */
public final class TombstoneRecord {
  private TombstoneRecord() {}

  public static byte[] encode(long[] intervals) {
    byte[] p = new byte[intervals.length * 8];
    for (int i = 0; i < intervals.length; i++) {
      Box.putLong(p, i * 8, intervals[i]);
    }
    return Box.wrap(Box.TOMBSTONE, p);
  }

  public static long[] decode(byte[] box, String where) {
    Box.Payload p = Box.open(box, Box.TOMBSTONE, where);
    if (p.length() == 0 || p.length() % 16 != 0) {
      throw new StorageCorruptionException(where, p.offset(), "a positive multiple of 16 payload bytes", p.length() + " payload bytes", "tombstones");
    }
    long[] out = new long[p.length() / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = Box.getLong(box, p.offset() + i * 8);
    }
    for (int i = 0; i < out.length; i += 2) {
      if (out[i] > out[i + 1] || (i > 0 && out[i] <= out[i - 1] + 1)) {
        throw new StorageCorruptionException(where, p.offset() + i * 8, "sorted disjoint ranges", "[" + out[i] + ", " + out[i + 1] + "]", "tombstones");
      }
    }
    return out;
  }
}
