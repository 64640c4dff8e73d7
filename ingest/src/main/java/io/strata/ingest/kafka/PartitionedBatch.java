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
  private final String tenant;
  private final String source;
  private final SampleBatchEncoder[] encoders; // per partition; null when collecting
  private final List<SeriesSamples> collected; // null when streaming
  private final Runnable onClose;
  private SeriesHasher hasher;
  private long samples;
  private boolean closed;

  PartitionedBatch(String tenant, String source, SampleBatchEncoder[] encoders, Runnable onClose) {
    this.tenant = tenant;
    this.source = source;
    this.encoders = encoders;
    this.collected = encoders == null ? new ArrayList<>() : null;
    this.onClose = onClose;
    if (encoders != null) {
      for (SampleBatchEncoder e : encoders) {
        e.beginSeries();
      }
    }
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
        e.beginSeries();
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
