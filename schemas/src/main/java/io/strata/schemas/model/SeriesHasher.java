package io.strata.schemas.model;

import io.strata.avro.Label;
import java.util.List;

/**
 * The partition of a series as {@link SeriesPartitioner} computes it (Kafka's murmur2 over the
 * {@link SeriesKey} bytes, made positive, modulo the partition count), but encoding the key into a reused
 * buffer instead of allocating it per series: for the per-series paths (ingest's producer, the series check of
 * every stage reading {@code metrics.samples}). Not thread-safe.
 */
public final class SeriesHasher {
  private byte[] buf = new byte[256];
  private int len;

  public int partition(String tenant, Labels labels, int numPartitions) {
    len = 0;
    writeString(tenant);
    for (int i = 0; i < labels.size(); i++) {
      writeString(labels.name(i));
      writeString(labels.value(i));
    }
    return (murmur2(buf, len) & 0x7fffffff) % numPartitions;
  }

  /** The same for Avro labels that are already sorted by name (the caller checks). */
  public int partitionOfSorted(String tenant, List<Label> sortedLabels, int numPartitions) {
    len = 0;
    writeString(tenant);
    for (int i = 0; i < sortedLabels.size(); i++) {
      writeString(sortedLabels.get(i).getName());
      writeString(sortedLabels.get(i).getValue());
    }
    return (murmur2(buf, len) & 0x7fffffff) % numPartitions;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  /** SeriesKey's string encoding: unsigned LEB128 byte length, then UTF-8. */
  private void writeString(String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      writeLength(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
      return;
    }
    writeLength(n);
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  private void writeLength(int n) {
    ensure(5);
    while ((n & ~0x7F) != 0) {
      buf[len++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    buf[len++] = (byte) n;
  }

  /** Kafka's murmur2 (seed 0x9747b28c) over data[0, length), equal to {@code Utils.murmur2} on a copy. */
  public static int murmur2(byte[] data, int length) {
    final int m = 0x5bd1e995;
    final int r = 24;
    int h = 0x9747b28c ^ length;
    int length4 = length / 4;
    for (int i = 0; i < length4; i++) {
      int i4 = i * 4;
      int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
      k *= m;
      k ^= k >>> r;
      k *= m;
      h *= m;
      h ^= k;
    }
    int tail = length & ~3;
    switch (length % 4) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= m;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= m;
    h ^= h >>> 15;
    return h;
  }
}
