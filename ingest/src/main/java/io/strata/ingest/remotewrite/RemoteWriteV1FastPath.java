package io.strata.ingest.remotewrite;

import io.strata.ingest.kafka.EncodedSeries;
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
 * and reject the same requests (the decoder tests run each request through both). One instance per
 * request (not thread-safe).
 */
final class RemoteWriteV1FastPath {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final byte TAG_1_LEN = 1 << 3 | 2; // TimeSeries in WriteRequest, Label in TimeSeries
  private static final byte TAG_2_LEN = 2 << 3 | 2; // Sample in TimeSeries
  private static final byte TAG_VALUE = 1 << 3 | 1; // Sample.value, fixed64
  private static final byte TAG_TIMESTAMP = 2 << 3; // Sample.timestamp, varint

  private final byte[] b;
  private final String tenant;
  private final KnownSeries cache;
  private int pos;
  private boolean malformed;
  // per series of the request: label bytes (offset, length, hash) and its samples in the columns below
  private int series;
  private int[] labelOffs = new int[256];
  private int[] labelLens = new int[256];
  private int[] hashes = new int[256];
  private int[] sampleStarts = new int[257];
  private int samples;
  private long[] ts = new long[256];
  private double[] vs = new double[256];

  private RemoteWriteV1FastPath(byte[] b, String tenant, KnownSeries cache) {
    this.b = b;
    this.tenant = tenant;
    this.cache = cache;
  }

  /** The request in {@code raw[0, len)}, or null when it must be decoded the general way. */
  static WriteRequestData decode(byte[] raw, int len, String tenant, KnownSeries cache, int maxSeries) {
    return new RemoteWriteV1FastPath(raw, tenant, cache).request(len, maxSeries);
  }

  private WriteRequestData request(int end, int maxSeries) {
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
    // 2. look the label bytes up, all series at once
    EncodedSeries[] known = new EncodedSeries[series];
    cache.getAll(tenant, b, labelOffs, labelLens, hashes, series, known);
    // 3. decode and remember the unknown ones; build the result
    List<SeriesSamples> out = new ArrayList<>(series);
    for (int i = 0; i < series; i++) {
      EncodedSeries k = known[i];
      if (k == null) {
        int off = labelOffs[i];
        Labels labels;
        try {
          labels = RemoteWriteV1Decoder.decodeLabels(b, off, off + labelLens[i], i);
        } catch (IOException | BadRequestException e) {
          return null; // the general path reports it
        }
        k = cache.put(tenant, b, off, labelLens[i], hashes[i], labels);
      }
      int from = sampleStarts[i];
      int n = sampleStarts[i + 1] - from;
      long[] t = n == 1 ? new long[] {ts[from]} : Arrays.copyOfRange(ts, from, from + n);
      double[] v = n == 1 ? new double[] {vs[from]} : Arrays.copyOfRange(vs, from, from + n);
      out.add(new SeriesSamples(k.labels(), t, v, n, k));
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
