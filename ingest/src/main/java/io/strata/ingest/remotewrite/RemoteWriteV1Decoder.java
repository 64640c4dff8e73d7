package io.strata.ingest.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * Decodes a Prometheus remote_write 1.0 request: snappy block compression around a
 * {@code prometheus.WriteRequest} protobuf. Fields read: WriteRequest.timeseries (1); TimeSeries.labels (1)
 * and samples (2); Label.name (1), value (2); Sample.value (1, double), timestamp (2, int64 ms). Exemplars,
 * native histograms and metadata are skipped. The whole request is validated before anything is returned,
 * so a bad request writes nothing.
 */
public final class RemoteWriteV1Decoder {
  // protobuf tags: field number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited)
  private static final int TAG_1_LEN = 1 << 3 | 2;
  private static final int TAG_2_LEN = 2 << 3 | 2;
  private static final int TAG_1_FIXED64 = 1 << 3 | 1;
  private static final int TAG_2_VARINT = 2 << 3;

  private final int maxDecompressedBytes;

  public RemoteWriteV1Decoder(int maxDecompressedBytes) {
    this.maxDecompressedBytes = maxDecompressedBytes;
  }

  public List<SeriesSamples> decode(byte[] snappyBody) {
    byte[] raw;
    try {
      if (!Snappy.isValidCompressedBuffer(snappyBody)) {
        throw new BadRequestException("snappy", "body is not valid snappy block-compressed data");
      }
      int len = Snappy.uncompressedLength(snappyBody);
      if (len > maxDecompressedBytes) {
        throw new BadRequestException("too_large", "decompressed body of " + len + " bytes exceeds the limit of " + maxDecompressedBytes);
      }
      raw = Snappy.uncompress(snappyBody);
    } catch (IOException e) {
      throw new BadRequestException("snappy", "cannot decompress snappy body: " + e.getMessage());
    }
    try {
      return parseWriteRequest(CodedInputStream.newInstance(raw));
    } catch (InvalidProtocolBufferException e) {
      throw new BadRequestException("protobuf", "cannot decode WriteRequest protobuf: " + e.getMessage());
    } catch (IOException e) {
      throw new BadRequestException("protobuf", "cannot decode WriteRequest protobuf: " + e);
    }
  }

  private static List<SeriesSamples> parseWriteRequest(CodedInputStream in) throws IOException {
    List<SeriesSamples> out = new ArrayList<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return out;
      }
      if (tag == TAG_1_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        out.add(parseTimeSeries(in, out.size()));
        in.popLimit(limit);
      } else if (!in.skipField(tag)) {
        return out;
      }
    }
  }

  private static SeriesSamples parseTimeSeries(CodedInputStream in, int index) throws IOException {
    List<String> pairs = new ArrayList<>(16);
    long[] ts = new long[4];
    double[] vs = new double[4];
    int n = 0;
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
      } else if (tag == TAG_2_LEN) {
        int limit = in.pushLimit(in.readRawVarint32());
        double v = 0;
        long t = 0;
        while (true) {
          int st = in.readTag();
          if (st == 0) {
            break;
          }
          if (st == TAG_1_FIXED64) {
            v = in.readDouble();
          } else if (st == TAG_2_VARINT) {
            t = in.readInt64();
          } else if (!in.skipField(st)) {
            break;
          }
        }
        in.popLimit(limit);
        if (n == ts.length) {
          ts = Arrays.copyOf(ts, n * 2);
          vs = Arrays.copyOf(vs, n * 2);
        }
        ts[n] = t;
        vs[n] = v;
        n++;
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return new SeriesSamples(validLabels(pairs, index), ts, vs, n);
  }

  /** Prometheus's checks: a metric name, valid label names, no empty values kept, no duplicates. */
  static Labels validLabels(List<String> pairs, int index) {
    List<String> kept = new ArrayList<>(pairs.size());
    String metric = null;
    for (int i = 0; i < pairs.size(); i += 2) {
      String name = pairs.get(i);
      String value = pairs.get(i + 1);
      if (!Labels.isValidName(name)) {
        throw new BadRequestException("label_name", "series " + index + ": invalid label name \"" + name + "\"");
      }
      if (name.equals(Labels.METRIC_NAME)) {
        metric = value;
      }
      if (!value.isEmpty()) { // an empty value is the same as an absent label
        kept.add(name);
        kept.add(value);
      }
    }
    if (metric == null || metric.isEmpty()) {
      throw new BadRequestException("metric_name", "series " + index + ": missing metric name (label __name__)");
    }
    if (!Labels.isValidMetricName(metric)) {
      throw new BadRequestException("metric_name", "series " + index + ": invalid metric name \"" + metric + "\"");
    }
    try {
      return Labels.of(kept.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("label_name", "series " + index + ": " + e.getMessage());
    }
  }
}
