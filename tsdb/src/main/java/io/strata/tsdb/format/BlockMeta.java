package io.strata.tsdb.format;

/**
 * A block: the chunks of one resolution whose first sample falls in [start, start + duration). Stored
 * under its {@code B} key as a {@link Box#BLOCK} box with a payload of big-endian fields:
 * {@code start i64, duration i64, level u8, flags u8, chunks u64, samples u64, bytes u64, minT i64,
 * maxT i64, series u64}. Level 0 is written by head flushes; level 1 by compaction. Flag bit 0 set means
 * compacted: no overlapping chunks, every series in chunks of the compacted size. Counters are kept up
 * to date by every writer; {@code series} is exact only for compacted blocks (0 = unknown).
 */
public record BlockMeta(long res, long start, long duration, int level, boolean compacted, long chunks, long samples, long bytes, long minT, long maxT, long series) {
  public static final int PAYLOAD_BYTES = 8 + 8 + 1 + 1 + 8 * 6;

  public long end() {
    return start + duration;
  }

  public boolean contains(long t) {
    return t >= start && t < start + duration;
  }

  public boolean overlaps(long mint, long maxt) {
    return start <= maxt && start + duration > mint;
  }

  public BlockMeta plus(long chunkCount, long sampleCount, long byteCount, long cMinT, long cMaxT) {
    return new BlockMeta(res, start, duration, level, compacted, chunks + chunkCount, samples + sampleCount, bytes + byteCount,
        chunks == 0 ? cMinT : Math.min(minT, cMinT), chunks == 0 ? cMaxT : Math.max(maxT, cMaxT), series);
  }

  public BlockMeta withCompacted(boolean c) {
    return new BlockMeta(res, start, duration, level, c, chunks, samples, bytes, minT, maxT, series);
  }

  public byte[] encode() {
    byte[] p = new byte[PAYLOAD_BYTES];
    Box.putLong(p, 0, start);
    Box.putLong(p, 8, duration);
    p[16] = (byte) level;
    p[17] = (byte) (compacted ? 1 : 0);
    Box.putLong(p, 18, chunks);
    Box.putLong(p, 26, samples);
    Box.putLong(p, 34, bytes);
    Box.putLong(p, 42, minT);
    Box.putLong(p, 50, maxT);
    Box.putLong(p, 58, series);
    return Box.wrap(Box.BLOCK, p);
  }

  public static BlockMeta decode(long res, byte[] box, String where) {
    Box.Payload p = Box.open(box, Box.BLOCK, where);
    if (p.length() != PAYLOAD_BYTES) {
      throw new StorageCorruptionException(where, p.offset(), PAYLOAD_BYTES + " payload bytes", p.length() + " payload bytes", "block meta");
    }
    byte[] b = box;
    int o = p.offset();
    return new BlockMeta(res, Box.getLong(b, o), Box.getLong(b, o + 8), b[o + 16] & 0xFF, (b[o + 17] & 1) != 0, Box.getLong(b, o + 18),
        Box.getLong(b, o + 26), Box.getLong(b, o + 34), Box.getLong(b, o + 42), Box.getLong(b, o + 50), Box.getLong(b, o + 58));
  }
}
