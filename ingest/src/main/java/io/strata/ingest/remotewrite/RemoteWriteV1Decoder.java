package io.strata.ingest.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.kafka.EncodedSeries;
import io.strata.ingest.kafka.PartitionedBatch;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a Prometheus remote_write 1.0 request: snappy block compression around a
 * {@code prometheus.WriteRequest} protobuf. Fields read: WriteRequest.timeseries (1) and metadata (3);
 * TimeSeries.labels (1) and samples (2); Label.name (1), value (2); Sample.value (1, double), timestamp
 * (2, int64 ms); MetricMetadata.type (1), metric_family_name (2), help (4), unit (5). Exemplars (3) and
 * native histograms (4) are counted and skipped. The whole request is validated before anything is
 * returned, so a bad request writes nothing. With a tenant (the server's path), requests in the shape
 * Prometheus sends go through {@link RemoteWriteV1FastPath} and the series cache; anything else, and every
 * bad request, is decoded here, which words the error.
 */
public final class RemoteWriteV1Decoder {
  // protobuf tags: field number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited)
  private static final int TAG_1_LEN = 1 << 3 | 2;
  private static final int TAG_2_LEN = 2 << 3 | 2;
  private static final int TAG_3_LEN = 3 << 3 | 2;
  private static final int TAG_4_LEN = 4 << 3 | 2;
  private static final int TAG_5_LEN = 5 << 3 | 2;
  private static final int TAG_1_VARINT = 1 << 3;

  /**
   * 1 MiB: decompressed bodies up to this size are decoded in a buffer kept per thread (a 2,000-sample
   * request of node_exporter-like series is ~300 KB); larger ones get an array of their own, so a rare
   * huge request does not pin its size per Jetty thread.
   */
  private static final int MAX_KEPT_BODY_BYTES = 1 << 20;

  /** What one thread reuses from request to request: the decompression buffer and the fast path's arrays. */
  private static final class Scratch {
    byte[] raw = new byte[64 * 1024];
    final RemoteWriteV1FastPath fast = new RemoteWriteV1FastPath();
  }

  private final int maxDecompressedBytes;
  private final int maxSeries;
  private final KnownSeries known;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  public RemoteWriteV1Decoder(int maxDecompressedBytes) {
    this(maxDecompressedBytes, Integer.MAX_VALUE);
  }

  public RemoteWriteV1Decoder(int maxDecompressedBytes, int maxSeries) {
    this(maxDecompressedBytes, maxSeries, KnownSeries.DEFAULT_MAX_BYTES);
  }

  /**
   * @param seriesCacheBytes heap budget of the cache of known series used by {@link #decodeRequest(String, byte[])}
   *     (0 turns it off); see {@link KnownSeries}
   */
  public RemoteWriteV1Decoder(int maxDecompressedBytes, int maxSeries, long seriesCacheBytes) {
    if (seriesCacheBytes < 0) {
      throw new IllegalArgumentException("series cache budget must be >= 0 bytes, got " + seriesCacheBytes);
    }
    this.maxDecompressedBytes = maxDecompressedBytes;
    this.maxSeries = maxSeries;
    this.known = seriesCacheBytes == 0 ? null : new KnownSeries(seriesCacheBytes);
  }

  /** The float series of the request (what most callers need). */
  public List<SeriesSamples> decode(byte[] snappyBody) {
    return decodeRequest(snappyBody).series();
  }

  /** Series, metadata and counts of skipped data; no series cache (the tenant is not known). */
  public WriteRequestData decodeRequest(byte[] snappyBody) {
    return decodeRequest(null, snappyBody);
  }

  /**
   * Series, metadata and counts of skipped data of a request of {@code tenant} (null: no series cache).
   * Series whose label bytes were seen before come from the cache with their {@link
   * io.strata.ingest.kafka.EncodedSeries} for that tenant.
   */
  public WriteRequestData decodeRequest(String tenant, byte[] snappyBody) {
    return decodeRequest(tenant, snappyBody, null);
  }

  /**
   * As {@link #decodeRequest(String, byte[])}, but with {@code into} (non-null) the float series are added to
   * that batch instead of being listed in the result (whose {@code series()} is then empty); on the fast
   * path each series goes in as soon as it is resolved, encoded into its partition's record. On a bad
   * request ({@link BadRequestException}) the batch may hold part of the request: drop it, send nothing.
   */
  public WriteRequestData decodeRequest(String tenant, byte[] snappyBody, PartitionedBatch into) {
    Scratch s = scratch.get();
    int len = SnappyBodies.uncompressedLength(snappyBody, maxDecompressedBytes);
    byte[] raw;
    if (len <= MAX_KEPT_BODY_BYTES) {
      if (s.raw.length < len) {
        s.raw = new byte[Math.min(MAX_KEPT_BODY_BYTES, Math.max(len, s.raw.length * 2))];
      }
      raw = s.raw; // nothing decoded refers to it: labels are copied into Strings or the cache, samples into arrays
    } else {
      raw = new byte[len];
    }
    SnappyBodies.uncompress(snappyBody, raw);
    KnownSeries cache = tenant == null ? null : known;
    if (cache != null) {
      WriteRequestData fast = s.fast.decode(raw, len, tenant, cache, maxSeries, into);
      if (fast != null) {
        return fast;
      }
    }
    WriteRequestData data;
    try {
      data = parseWriteRequest(CodedInputStream.newInstance(raw, 0, len), raw, tenant, cache);
    } catch (InvalidProtocolBufferException e) {
      throw new BadRequestException("protobuf", "cannot decode WriteRequest protobuf: " + e.getMessage());
    } catch (IOException e) {
      throw new BadRequestException("protobuf", "cannot decode WriteRequest protobuf: " + e);
    }
    if (into == null) {
      return data;
    }
    for (SeriesSamples series : data.series()) {
      into.add(series);
    }
    return new WriteRequestData(List.of(), data.metadata(), data.samples(), data.histogramsSkipped(), data.exemplarsSkipped());
  }

  /** Number of series in the cache (for tests). */
  int knownSeries() {
    return known == null ? 0 : known.size();
  }

  private WriteRequestData parseWriteRequest(CodedInputStream in, byte[] raw, String tenant, KnownSeries cache) throws IOException {
        List<SeriesSamples> out = new ArrayList<>();
    Map<String, FamilyMetadata> metadata = new LinkedHashMap<>();
    int[] skipped = new int[2]; // histograms, exemplars
    long samples = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (tag == TAG_1_LEN) {
        if (out.size() == maxSeries) {
          throw new BadRequestException("too_many_series", "request has more than " + maxSeries + " series (ingest.max_series_per_request)");
        }
        int limit = in.pushLimit(in.readRawVarint32());
        SeriesSamples s = parseTimeSeries(in, raw, out.size(), skipped, tenant, cache);
        in.popLimit(limit);
        out.add(s);
        samples += s.count();
      } else if (tag == TAG_3_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        FamilyMetadata m = parseMetadata(in, metadata.size());
        in.popLimit(limit);
        metadata.put(m.name(), m);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new WriteRequestData(out, new ArrayList<>(metadata.values()), samples, skipped[0], skipped[1]);
  }

  private static FamilyMetadata parseMetadata(CodedInputStream in, int index) throws IOException {
    int type = 0;
    String name = "";
    String help = "";
    String unit = "";
    while (true) {
      int t = in.readTag();
      if (t == 0) {
        break;
      }
      switch (t) {
        case TAG_1_VARINT -> type = in.readEnum();
        case TAG_2_LEN -> name = in.readStringRequireUtf8();
        case TAG_4_LEN -> help = in.readStringRequireUtf8();
        case TAG_5_LEN -> unit = in.readStringRequireUtf8();
        default -> {
          if (!in.skipField(t)) {
            return new FamilyMetadata(validFamily(name, index), SeriesLabels.type(type), help, unit);
          }
        }
      }
    }
    return new FamilyMetadata(validFamily(name, index), SeriesLabels.type(type), help, unit);
  }

  private static String validFamily(String name, int index) {
    if (!Labels.isValidMetricName(name)) {
      throw new BadRequestException("metric_name", "metadata " + index + ": invalid metric family name \"" + name + "\"");
    }
    return name;
  }

  /**
   * One TimeSeries. Labels are skipped on the first pass, noting where their fields lie; when they are
   * one contiguous run (as every sender writes them) and the cache knows those bytes, they are not decoded
   * at all; otherwise they are decoded from the message's bytes, validated, and cached.
   */
  private static SeriesSamples parseTimeSeries(CodedInputStream in, byte[] raw, int index, int[] skipped, String tenant,
      KnownSeries cache) throws IOException {
    int start = in.getTotalBytesRead();
    int firstLabel = -1;
    int labelsEnd = -1;
    boolean contiguous = true;
    SampleColumns samples = new SampleColumns();
    while (true) {
      int at = in.getTotalBytesRead();
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (tag == TAG_1_LEN) {
        if (firstLabel < 0) {
          firstLabel = at;
        } else if (at != labelsEnd) {
          contiguous = false;
        }
        in.skipField(tag);
        labelsEnd = in.getTotalBytesRead();
      } else if (tag == TAG_2_LEN) {
        samples.readSample(in);
      } else if (tag == TAG_3_LEN) {
        skipped[1]++;
        in.skipField(tag);
      } else if (tag == TAG_4_LEN) {
        skipped[0]++;
        in.skipField(tag);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    int end = in.getTotalBytesRead();
    if (cache != null && firstLabel >= 0 && contiguous) {
      int len = labelsEnd - firstLabel;
      int hash = KnownSeries.hash(tenant, raw, firstLabel, len);
      EncodedSeries k = cache.get(tenant, raw, firstLabel, len, hash);
      if (k == null) {
        k = cache.put(tenant, raw, firstLabel, len, hash, decodeLabels(raw, firstLabel, labelsEnd, index));
      }
      return new SeriesSamples(k.labels(), samples.timestamps, samples.values, samples.size, k);
    }
    return new SeriesSamples(decodeLabels(raw, start, end, index), samples.timestamps, samples.values, samples.size);
  }

  /** Decodes and validates the Label fields (1) found in raw[from, to), a part of one TimeSeries message. */
  static Labels decodeLabels(byte[] raw, int from, int to, int index) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(raw, from, to - from);
    List<String> pairs = new ArrayList<>(16);
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (tag == TAG_1_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        String name = "";
        String value = "";
        while (true) {
          int t = in.readTag();
          if (t == 0) {
            break;
          }
          if (t == TAG_1_LEN) {
            name = in.readStringRequireUtf8();
          } else if (t == TAG_2_LEN) {
            value = in.readStringRequireUtf8();
          } else if (!in.skipField(t)) {
            break;
          }
        }
        in.popLimit(limit);
        pairs.add(name);
        pairs.add(value);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return SeriesLabels.valid(pairs, index);
  }
}
