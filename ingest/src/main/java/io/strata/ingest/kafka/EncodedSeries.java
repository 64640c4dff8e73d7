package io.strata.ingest.kafka;

import io.strata.schemas.model.SeriesHasher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import java.util.Arrays;

/**
 * What the producer computes for a series on every send, computed once and kept with a known series
 * (the remote_write decoder's series cache): the murmur2 hash of its {@link SeriesKey} for one tenant
 * (the partition is that hash made positive modulo the partition count, as
 * {@link io.strata.schemas.model.SeriesPartitioner}), and the Avro binary of its label array as
 * {@link SampleBatchEncoder} writes it. Optionally also the bytes the series was decoded from (its
 * "source", e.g. the protobuf Label fields of a remote_write TimeSeries) and their hash, so a cache can
 * find it by those bytes. The Avro labels and the source share one array: a cache hit that compared the
 * source has the Avro bytes in neighbouring cache lines. Immutable (final fields), shared by concurrent
 * requests; the one mutable field, {@link #labelsPassed}, only remembers the result of a pure function of
 * the labels (a racing reader sees null or a published immutable object, and at worst checks again).
 */
public final class EncodedSeries {
  private final Labels labels;
  private final String tenant;
  private final int keyHash;
  private final int avroLength;
  private final int sourceHash;
  private final byte[] data; // Avro label array [0, avroLength), then the source bytes
  private Object labelsPassed; // the label rules these labels last passed (SeriesCheck.labelRules())

  private EncodedSeries(Labels labels, String tenant, int keyHash, byte[] data, int avroLength, int sourceHash) {
    this.labels = labels;
    this.tenant = tenant;
    this.keyHash = keyHash;
    this.data = data;
    this.avroLength = avroLength;
    this.sourceHash = sourceHash;
  }

  /** Encodes the series key of {@code labels} under {@code tenant} and their Avro label array. */
  public static EncodedSeries of(String tenant, Labels labels) {
    return decodedFrom(tenant, labels, new byte[0], 0, 0, 0);
  }

  /**
   * As {@link #of}, remembering that {@code labels} were decoded from {@code source[off, off+len)}
   * (copied), whose hash is {@code sourceHash}.
   */
  public static EncodedSeries decodedFrom(String tenant, Labels labels, byte[] source, int off, int len, int sourceHash) {
    byte[] key = SeriesKey.encode(tenant, labels);
    byte[] avro = SampleBatchEncoder.labelArray(labels);
    byte[] data = Arrays.copyOf(avro, avro.length + len);
    System.arraycopy(source, off, data, avro.length, len);
    return new EncodedSeries(labels, tenant, SeriesHasher.murmur2(key, key.length), data, avro.length, sourceHash);
  }

  /** The labels this describes. */
  public Labels labels() {
    return labels;
  }

  /** True when the labels passed {@code rules} before ({@link #passed}): a known series is not checked again. */
  boolean passed(Object rules) {
    return labelsPassed == rules;
  }

  /** Remembers that the labels passed {@code rules} (an immutable object compared by identity). */
  void markPassed(Object rules) {
    labelsPassed = rules;
  }

  /** The hash given to {@link #decodedFrom}. */
  public int sourceHash() {
    return sourceHash;
  }

  /** Length of the bytes given to {@link #decodedFrom} (0 for {@link #of}). */
  public int sourceLength() {
    return data.length - avroLength;
  }

  /** True when this was decoded from exactly {@code buf[off, off+len)} for {@code requestTenant}. */
  public boolean sameSource(String requestTenant, byte[] buf, int off, int len) {
    return data.length - avroLength == len
        && Arrays.equals(data, avroLength, data.length, buf, off, off + len)
        && tenant.equals(requestTenant);
  }

  /** The partition for {@code requestTenant}, or -1 when this was encoded for another tenant. */
  int partition(String requestTenant, int numPartitions) {
    if (!tenant.equals(requestTenant)) {
      return -1;
    }
    return (keyHash & 0x7fffffff) % numPartitions;
  }

  /** Appends the Avro label array (block count, names and values, closing 0) at {@code pos}. */
  int copyAvroLabels(byte[] dst, int pos) {
    System.arraycopy(data, 0, dst, pos, avroLength);
    return pos + avroLength;
  }

  int avroLength() {
    return avroLength;
  }
}
