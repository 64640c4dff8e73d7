package io.strata.ingest.remotewrite;

import io.strata.ingest.kafka.EncodedSeries;
import io.strata.ingest.kafka.PartitionedBatch;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape Prometheus sends, decoded straight from the byte array without protobuf's
 * {@code CodedInputStream}: a {@code WriteRequest} of TimeSeries only (field 1), each one contiguous run of
 * Label fields (1) and Sample fields (2) whose members are value (1, fixed64) and timestamp (2, varint).
 * Labels are looked up in {@link KnownSeries} by their raw bytes; an unknown series is decoded, validated
 * and inserted, as on the general path.
 *
 * <p>{@link #decode} returns null for anything else: metadata, exemplars, histograms, unknown or
 * interleaved fields, multi-byte tags, malformed varints or lengths, invalid labels. The caller then decodes
 * the whole request on the general path, which also words the error for bad input, so both paths accept
 * and reject the same requests (the decoder tests run each request through both).
 *
 * <p>With a {@link PartitionedBatch} the series go straight into it (each known series right after its
 * bytes compared equal, while its cached Avro labels are in the CPU caches) and the result carries no
 * series; without one the result lists them as {@link SeriesSamples}. An instance is reused for the
 * requests of one thread (the decoder keeps one per thread); its per-request arrays are kept unless a
 * request made them larger than {@link #MAX_KEPT_SERIES}. Not thread-safe.
 */
final class RemoteWriteV1FastPath {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final byte TAG_1_LEN = 1 << 3 | 2; // TimeSeries in WriteRequest, Label in TimeSeries
  private static final byte TAG_2_LEN = 2 << 3 | 2; // Sample in TimeSeries
  private static final byte TAG_VALUE = 1 << 3 | 1; // Sample.value, fixed64
  private static final byte TAG_TIMESTAMP = 2 << 3; // Sample.timestamp, varint
  /**
   * Series (and samples) per request whose arrays are kept for the next request (~36 B each, ~300 KB): 4x
   * Prometheus's default of 2,000 samples per send.
   */
  private static final int MAX_KEPT_SERIES = 8_192;
  private static final int INITIAL_SERIES = 256;

  private byte[] b;
  private String tenant;
  private KnownSeries cache;
  private int pos;
  private boolean malformed;
  // per series of the request: label bytes (offset, length, hash) and its samples in the columns below
  private int series;
  private int[] labelOffs;
  private int[] labelLens;
  private int[] hashes;
  private int[] sampleStarts;
  private EncodedSeries[] known;
  private int samples;
  private long[] ts;
  private double[] vs;

  RemoteWriteV1FastPath() {
    allocate();
  }

  private void allocate() {
    labelOffs = new int[INITIAL_SERIES];
    labelLens = new int[INITIAL_SERIES];
    hashes = new int[INITIAL_SERIES];
    sampleStarts = new int[INITIAL_SERIES + 1];
    known = new EncodedSeries[INITIAL_SERIES];
    ts = new long[INITIAL_SERIES];
    vs = new double[INITIAL_SERIES];
  }

  /** The request in {@code raw[0, len)}, or null when it must be decoded the general way (a fresh instance; for tests). */
  static WriteRequestData decode(byte[] raw, int len, String tenant, KnownSeries cache, int maxSeries) {
    return new RemoteWriteV1FastPath().decode(raw, len, tenant, cache, maxSeries, null);
  }

  /**
   * The request in {@code raw[0, len)}, or null when it must be decoded the general way; with {@code into}
   * (null: list the series in the result) the series are added to it, and on null it is left empty.
   */
  WriteRequestData decode(byte[] raw, int len, String tenant, KnownSeries cache, int maxSeries, PartitionedBatch into) {
    b = raw;
    this.tenant = tenant;
    this.cache = cache;
    pos = 0;
    malformed = false;
    series = 0;
    samples = 0;
    try {
      return request(len, maxSeries, into);
    } finally {
      b = null;
      if (series > 0) {
        Arrays.fill(known, 0, series, null); // no entry outlives the cache through this array
      }
      if (labelOffs.length > MAX_KEPT_SERIES || ts.length > MAX_KEPT_SERIES) {
        allocate();
      }
    }
  }

  private WriteRequestData request(int end, int maxSeries, PartitionedBatch into) {
    // 1. walk the bytes: where each series' labels are, their hash, the samples
    while (pos < end) {
      if (b[pos] != TAG_1_LEN || series == maxSeries) {
        return null;
      }
      pos++;
      int len = length(end);
      if (malformed || !timeSeries(pos + len)) {
        return null;
      }
    }
    // 2. look the label bytes up, all series at once, in passes (their cache misses overlap, see
    // KnownSeries.getAll); comparing series by series between the encoding work below waited for every miss
    // in turn and took 3x longer on the benchmark (decode 43% of the Jetty threads' time instead of 20%)
    if (known.length < series) {
      known = new EncodedSeries[labelOffs.length];
    }
    cache.getAll(tenant, b, labelOffs, labelLens, hashes, series, known);
    // 3. decode and remember the unknown ones; hand every series over (the entries just compared are still
    // in the CPU caches, so copying their Avro labels into the partition's record is cheap)
    List<SeriesSamples> out = into == null ? new ArrayList<>(series) : List.of();
    for (int i = 0; i < series; i++) {
      int off = labelOffs[i];
      int len = labelLens[i];
      EncodedSeries k = known[i];
      if (k == null) {
        Labels labels;
        try {
          labels = RemoteWriteV1Decoder.decodeLabels(b, off, off + len, i);
        } catch (IOException | BadRequestException e) {
          if (into != null) {
            into.clear();
          }
          return null; // the general path reports it
        }
        k = cache.put(tenant, b, off, len, hashes[i], labels);
      }
      int from = sampleStarts[i];
      int n = sampleStarts[i + 1] - from;
      if (into != null) {
        into.add(k, ts, vs, from, n);
      } else {
        long[] t = n == 1 ? new long[] {ts[from]} : Arrays.copyOfRange(ts, from, from + n);
        double[] v = n == 1 ? new double[] {vs[from]} : Arrays.copyOfRange(vs, from, from + n);
        out.add(new SeriesSamples(k.labels(), t, v, n, k));
      }
    }
    return new WriteRequestData(out, List.of(), samples, 0, 0);
  }

  /** One TimeSeries ending at {@code end}; leaves {@code pos} at {@code end}; false when it is not in the plain form. */
  private boolean timeSeries(int end) {
    int firstLabel = -1;
    int labelsEnd = -1;
    while (pos < end) {
      byte tag = b[pos];
      if (tag == TAG_1_LEN) {
        if (firstLabel < 0) {
          firstLabel = pos;
        } else if (pos != labelsEnd) {
          return false; // labels interleaved with samples
        }
        pos++;
        int len = length(end);
        if (malformed) {
          return false;
        }
        pos += len;
        labelsEnd = pos;
      } else if (tag == TAG_2_LEN) {
        pos++;
        int len = length(end);
        if (malformed) {
          return false;
        }
        int sampleEnd = pos + len;
        double v = 0;
        long t = 0;
        while (pos < sampleEnd) {
          byte st = b[pos];
          if (st == TAG_VALUE && sampleEnd - pos >= 9) {
            v = Double.longBitsToDouble((long) LONGS.get(b, pos + 1));
            pos += 9;
          } else if (st == TAG_TIMESTAMP) {
            pos++;
            t = varint64(sampleEnd);
            if (malformed) {
              return false;
            }
          } else {
            return false;
          }
        }
        if (samples == ts.length) {
          ts = Arrays.copyOf(ts, samples * 2);
          vs = Arrays.copyOf(vs, samples * 2);
        }
        ts[samples] = t;
        vs[samples] = v;
        samples++;
      } else {
        return false; // exemplars, histograms, unknown fields: the general path counts or skips them
      }
    }
    if (firstLabel < 0) {
      return false;
    }
    if (series + 1 == labelOffs.length) {
      int cap = labelOffs.length * 2;
      labelOffs = Arrays.copyOf(labelOffs, cap);
      labelLens = Arrays.copyOf(labelLens, cap);
      hashes = Arrays.copyOf(hashes, cap);
      sampleStarts = Arrays.copyOf(sampleStarts, cap + 1);
    }
    int len = labelsEnd - firstLabel;
    labelOffs[series] = firstLabel;
    labelLens[series] = len;
    hashes[series] = KnownSeries.hash(tenant, b, firstLabel, len);
    series++;
    sampleStarts[series] = samples;
    return true;
  }

  /** A length prefix (varint of at most 5 bytes, non-negative) that fits before {@code end}; sets malformed otherwise. */
  private int length(int end) {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos >= end) {
        break;
      }
      byte c = b[pos++];
      v |= (c & 0x7f) << shift;
      if (c >= 0) {
        if (shift == 28 && (c & 0x78) != 0 || v > end - pos) { // 2^31 or more, or past the end
          break;
        }
        return v;
      }
    }
    malformed = true;
    return 0;
  }

  /** A varint of at most 10 bytes as int64 (protobuf's int64 encoding) before {@code end}; sets malformed otherwise. */
  private long varint64(int end) {
    long v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos >= end) {
        break;
      }
      byte c = b[pos++];
      v |= (long) (c & 0x7f) << shift;
      if (c >= 0) {
        return v;
      }
    }
    malformed = true;
    return 0;
  }
}
