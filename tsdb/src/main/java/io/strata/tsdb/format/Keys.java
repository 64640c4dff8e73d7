package io.strata.tsdb.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The RocksDB key layout (docs/format/keys.md). Integers are big-endian; times are written with the sign
 * bit flipped so that byte order is time order for negative times too. Resolutions are their window
 * length in milliseconds (0 = raw).
 *
 * <pre>
 * 'M'                                                   store meta
 * 'O' topic/partition (UTF-8)                           committed offset
 * 'S' seriesId u64                                      series (tenant + labels)
 * 'B' res u64  blockStart t64                           block meta
 * 'C' res u64  blockStart t64  seriesId u64  minT t64   persisted chunk
 * 'H' res u64  seriesId u64                             head checkpoint (the open chunk at the last commit)
 * 'T' seriesId u64                                     tombstones (deleted time ranges) of a series
 * </pre>
 */
public final class Keys {
  private Keys() {}

  public static final byte STORE = 'M';
  public static final byte OFFSET = 'O';
  public static final byte SERIES = 'S';
  public static final byte BLOCK = 'B';
  public static final byte CHUNK = 'C';
  public static final byte HEAD = 'H';
  public static final byte TOMBSTONE = 'T';

  public static final int CHUNK_KEY_LENGTH = 33;

  public static long flip(long t) {
    return t ^ Long.MIN_VALUE;
  }

  public static byte[] store() {
    return new byte[] {STORE};
  }

  public static byte[] offset(String topicPartition) {
    byte[] s = topicPartition.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + s.length];
    k[0] = OFFSET;
    System.arraycopy(s, 0, k, 1, s.length);
    return k;
  }

  public static byte[] series(long id) {
    byte[] k = new byte[9];
    k[0] = SERIES;
    Box.putLong(k, 1, id);
    return k;
  }

  public static byte[] tombstone(long seriesId) {
    byte[] k = new byte[9];
    k[0] = TOMBSTONE;
    Box.putLong(k, 1, seriesId);
    return k;
  }

  public static byte[] block(long res, long blockStart) {
    byte[] k = new byte[17];
    k[0] = BLOCK;
    Box.putLong(k, 1, res);
    Box.putLong(k, 9, flip(blockStart));
    return k;
  }

  public static byte[] chunk(long res, long blockStart, long seriesId, long minT) {
    byte[] k = new byte[CHUNK_KEY_LENGTH];
    k[0] = CHUNK;
    Box.putLong(k, 1, res);
    Box.putLong(k, 9, flip(blockStart));
    Box.putLong(k, 17, seriesId);
    Box.putLong(k, 25, flip(minT));
    return k;
  }

  /** Prefix of every chunk of one series in one block (25 bytes). */
  public static byte[] chunkPrefix(long res, long blockStart, long seriesId) {
    byte[] k = new byte[25];
    k[0] = CHUNK;
    Box.putLong(k, 1, res);
    Box.putLong(k, 9, flip(blockStart));
    Box.putLong(k, 17, seriesId);
    return k;
  }

  /** Prefix of every chunk of one block (17 bytes). */
  public static byte[] blockChunks(long res, long blockStart) {
    byte[] k = new byte[17];
    k[0] = CHUNK;
    Box.putLong(k, 1, res);
    Box.putLong(k, 9, flip(blockStart));
    return k;
  }

  public static byte[] head(long res, long seriesId) {
    byte[] k = new byte[17];
    k[0] = HEAD;
    Box.putLong(k, 1, res);
    Box.putLong(k, 9, seriesId);
    return k;
  }

  /** The first key after every key starting with prefix (prefix with its last byte incremented, carrying). */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] e = prefix.clone();
    for (int i = e.length - 1; i >= 0; i--) {
      if (e[i] != (byte) 0xFF) {
        e[i]++;
        return java.util.Arrays.copyOf(e, i + 1);
      }
    }
    throw new IllegalStateException("BUG: no key follows prefix of 0xFF bytes");
  }

  public static boolean hasPrefix(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  public static long chunkRes(byte[] k) {
    return Box.getLong(k, 1);
  }

  public static long chunkBlock(byte[] k) {
    return flip(Box.getLong(k, 9));
  }

  public static long chunkSeries(byte[] k) {
    return Box.getLong(k, 17);
  }

  public static long chunkMinT(byte[] k) {
    return flip(Box.getLong(k, 25));
  }

  public static long headRes(byte[] k) {
    return Box.getLong(k, 1);
  }

  public static long headSeries(byte[] k) {
    return Box.getLong(k, 9);
  }

  public static long blockRes(byte[] k) {
    return Box.getLong(k, 1);
  }

  public static long blockStart(byte[] k) {
    return flip(Box.getLong(k, 9));
  }

  /** A readable name of a key for errors and the inspector, e.g. {@code C/raw/2026-01-01T00:00:00Z/42/...}. */
  public static String describe(byte[] k) {
    if (k.length == 0) {
      return "<empty key>";
    }
    try {
      return switch (k[0]) {
        case CHUNK -> k.length == CHUNK_KEY_LENGTH
            ? "chunk res=" + res(chunkRes(k)) + " block=" + Instant.ofEpochMilli(chunkBlock(k)) + " series=" + chunkSeries(k) + " minT=" + chunkMinT(k)
            : "chunk key of " + k.length + " bytes";
        case BLOCK -> "block res=" + res(blockRes(k)) + " start=" + Instant.ofEpochMilli(blockStart(k));
        case HEAD -> "head res=" + res(headRes(k)) + " series=" + headSeries(k);
        case SERIES -> "series " + Box.getLong(k, 1);
        case TOMBSTONE -> "tombstones of series " + Box.getLong(k, 1);
        case OFFSET -> "offset " + new String(k, 1, k.length - 1, StandardCharsets.UTF_8);
        case STORE -> "store meta";
        default -> "key 0x" + java.util.HexFormat.of().formatHex(k);
      };
    } catch (RuntimeException e) {
      return "key 0x" + java.util.HexFormat.of().formatHex(k);
    }
  }

  static String res(long millis) {
    return millis == 0 ? "raw" : millis + "ms";
  }
}
