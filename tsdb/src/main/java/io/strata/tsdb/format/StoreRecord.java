package io.strata.tsdb.format;

/**
 * The store meta under key {@code M}: a {@link Box#STORE} box with payload
 * {@code [layout version u8][block duration ms i64][max block duration ms i64]}. Block alignment
 * depends on both durations, so a store refuses to open with other values.
 */
public record StoreRecord(int layoutVersion, long blockDurationMs, long maxBlockDurationMs) {
  public static final int LAYOUT_V1 = 1;

  public byte[] encode() {
    byte[] p = new byte[17];
    p[0] = (byte) layoutVersion;
    Box.putLong(p, 1, blockDurationMs);
    Box.putLong(p, 9, maxBlockDurationMs);
    return Box.wrap(Box.STORE, p);
  }

  public static StoreRecord decode(byte[] box, String where) {
    Box.Payload p = Box.open(box, Box.STORE, where);
    if (p.length() != 17) {
      throw new StorageCorruptionException(where, p.offset(), "17 payload bytes", p.length() + " payload bytes", "store meta");
    }
    int o = p.offset();
    return new StoreRecord(box[o] & 0xFF, Box.getLong(box, o + 1), Box.getLong(box, o + 9));
  }

  /** An offset box: payload {@code [offset i64]}. */
  public static byte[] encodeOffset(long offset) {
    byte[] p = new byte[8];
    Box.putLong(p, 0, offset);
    return Box.wrap(Box.OFFSET, p);
  }

  public static long decodeOffset(byte[] box, String where) {
    Box.Payload p = Box.open(box, Box.OFFSET, where);
    if (p.length() != 8) {
      throw new StorageCorruptionException(where, p.offset(), "8 payload bytes", p.length() + " payload bytes", "offset");
    }
    return Box.getLong(box, p.offset());
  }
}
