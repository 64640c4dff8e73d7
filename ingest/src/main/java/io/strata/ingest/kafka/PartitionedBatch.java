package io.strata.ingest.kafka;

import io.strata.schemas.model.SeriesHasher;
import java.util.ArrayList;
import java.util.List;

/**
 * The series of one request on their way to {@code metrics.samples}, encoded as they arrive: every series
 * is appended at once to the {@code SampleBatch} record of its partition ({@link SampleBatchEncoder}, one
 * per partition), so a decoder that resolves a known series hands over its cached Avro labels while they
 * are still in the CPU caches, and no per-series objects or sample arrays are built. Nothing is sent until
 * {@link SampleBatchProducer#send(PartitionedBatch, List)}: a decoder that finds the request bad throws and
 * the batch is dropped, so a bad request writes nothing.
 *
 * <p>A batch made by {@link SampleBatchProducer#batch} when the partitions of the topic cannot be read, or
 * when the producer is set to another encoder, only collects {@link SeriesSamples} and the producer sends
 * them the way it sends any list (so a bad request still answers 400 before Kafka is asked anything).
 *
 * <p>Not thread-safe: one batch per request, used by one thread at a time. {@link #close()} returns the
 * encoders to the producer's per-thread pool; use try-with-resources.
 */
public final class PartitionedBatch implements AutoCloseable {
  /**
   * Largest record written: Kafka's defaults take a record batch of up to 1,048,588 bytes (broker
   * {@code message.max.bytes}, topic {@code max.message.bytes}) and a produce request of up to 1,048,576
   * (producer {@code max.request.size}); 1,000,000 leaves room for the batch and record headers and for
   * lz4's worst-case growth (~0.4 %), so the samples topic works with an unchanged broker. The series of a
   * partition that pass it go into further records of the same partition, in order.
   */
  public static final int MAX_RECORD_BYTES = 1_000_000;

  private final String tenant;
  private final String source;
  private final SampleBatchEncoder[] encoders; // per partition; null when collecting
  private final List<SeriesSamples> collected; // null when streaming
  private final Runnable onClose;
  private SeriesHasher hasher;
  private final int maxBody;
  private SeriesCheck check;
  private long samples;
  private boolean closed;

  PartitionedBatch(String tenant, String source, SampleBatchEncoder[] encoders, Runnable onClose) {
    this(tenant, source, encoders, onClose, MAX_RECORD_BYTES);
  }

  PartitionedBatch(String tenant, String source, SampleBatchEncoder[] encoders, Runnable onClose, int maxRecordBytes) {
    this.tenant = tenant;
    this.source = source;
    this.encoders = encoders;
    this.collected = encoders == null ? new ArrayList<>() : null;
    this.onClose = onClose;
    // the header: magic and schema id (5), tenant and source (varint length + UTF-8), series count, closing 0
    this.maxBody = maxRecordBytes - 5 - (10 + 4 * tenant.length()) - (10 + 4 * source.length()) - 10 - 1;
    if (encoders != null) {
      for (SampleBatchEncoder e : encoders) {
        e.beginSeries(maxBody);
      }
    }
  }

  /** A batch encoding into records of at most {@code maxRecordBytes} (tests of the split). */
  static PartitionedBatch encoding(String tenant, String source, int partitions, int maxRecordBytes) {
    SampleBatchEncoder[] encoders = new SampleBatchEncoder[partitions];
    for (int p = 0; p < partitions; p++) {
      encoders[p] = new SampleBatchEncoder(1024);
    }
    return new PartitionedBatch(tenant, source, encoders, null, maxRecordBytes);
  }

  /**
   * Every series added from now on is first given to {@code check}, which throws to refuse the request
   * (limits, sample timestamps); null checks nothing.
   */
  public PartitionedBatch check(SeriesCheck check) {
    this.check = check;
    return this;
  }

  /** A batch encoding into {@code partitions} records, with its own buffers (tests, tools; the server uses the producer's). */
  public static PartitionedBatch encoding(String tenant, String source, int partitions) {
    SampleBatchEncoder[] encoders = new SampleBatchEncoder[partitions];
    for (int p = 0; p < partitions; p++) {
      encoders[p] = new SampleBatchEncoder(1024);
    }
    return new PartitionedBatch(tenant, source, encoders, null);
  }

  /** A batch that only collects the series (the producer encodes them when sent). */
  public static PartitionedBatch collecting(String tenant, String source) {
    return new PartitionedBatch(tenant, source, null, null);
  }

  public String tenant() {
    return tenant;
  }

  public String source() {
    return source;
  }

  /** True when series are encoded as they are added, false when they are only collected. */
  public boolean encodes() {
    return encoders != null;
  }

  /**
   * A series whose labels {@code encoded} describes (for this batch's tenant; for another tenant the labels
   * are hashed again), with the samples {@code ts/vs[from, from+n)}. A series without samples writes nothing.
   */
  public void add(EncodedSeries encoded, long[] ts, double[] vs, int from, int n) {
    if (check != null) {
      Object rules = check.labelRules();
      if (!encoded.passed(rules)) {
        check.checkLabels(encoded.labels(), n);
        encoded.markPassed(rules);
      }
      check.checkSamples(encoded.labels(), ts, from, n);
    }
    if (encoders == null) {
      long[] t = new long[n];
      double[] v = new double[n];
      System.arraycopy(ts, from, t, 0, n);
      System.arraycopy(vs, from, v, 0, n);
      collected.add(new SeriesSamples(encoded.labels(), t, v, n, encoded));
      samples += n;
      return;
    }
    if (n == 0) {
      return;
    }
    int partition = encoded.partition(tenant, encoders.length);
    if (partition < 0) {
      partition = hasher().partition(tenant, encoded.labels(), encoders.length);
    }
    encoders[partition].series(encoded, ts, vs, from, n);
    samples += n;
  }

  /** A decoded series (its {@link SeriesSamples#encoded()} is used when present). A series without samples writes nothing. */
  public void add(SeriesSamples s) {
    if (check != null) {
      check.check(s.labels(), s.timestamps(), 0, s.count());
    }
    if (encoders == null) {
      collected.add(s);
      samples += s.count();
      return;
    }
    if (s.count() == 0) {
      return;
    }
    EncodedSeries encoded = s.encoded();
    int partition = encoded == null ? -1 : encoded.partition(tenant, encoders.length);
    if (partition < 0) {
      partition = hasher().partition(tenant, s.labels(), encoders.length);
    }
    encoders[partition].series(s);
    samples += s.count();
  }

  /** Forgets every series added so far. */
  public void clear() {
    samples = 0;
    if (encoders == null) {
      collected.clear();
    } else {
      for (SampleBatchEncoder e : encoders) {
        e.beginSeries(maxBody);
      }
    }
  }

  /** Samples added (series without samples count nothing). */
  public long samples() {
    return samples;
  }

  /** Partitions this batch encodes for (0 when collecting). */
  public int partitions() {
    return encoders == null ? 0 : encoders.length;
  }

  /**
   * The {@code SampleBatch} record of a partition (Confluent framing with {@code schemaId}), or null when no
   * series went to it; the same bytes {@link SampleBatchEncoder#begin}/{@code series}/{@code finish} write for
   * those series in the order they were added.
   */
  public byte[] record(int partition, int schemaId) {
    if (encoders == null) {
      throw new IllegalStateException("BUG: a collecting batch has no records");
    }
    SampleBatchEncoder e = encoders[partition];
    return e.seriesCount() == 0 ? null : e.finish(schemaId, tenant, source);
  }

  /**
   * The records of a partition, in order (none when no series went to it): one, unless its series pass
   * {@link #MAX_RECORD_BYTES}, then as many as they need, each series whole in one of them.
   */
  public List<byte[]> records(int partition, int schemaId) {
    if (encoders == null) {
      throw new IllegalStateException("BUG: a collecting batch has no records");
    }
    SampleBatchEncoder e = encoders[partition];
    int n = e.records();
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(e.record(i, schemaId, tenant, source));
    }
    return out;
  }

  /** The series of a collecting batch. */
  List<SeriesSamples> collected() {
    return collected;
  }

  private SeriesHasher hasher() {
    if (hasher == null) {
      hasher = new SeriesHasher();
    }
    return hasher;
  }

  /** Returns the encoders to the pool they came from; the batch must not be used afterwards. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (onClose != null) {
        onClose.run();
      }
    }
  }
}
