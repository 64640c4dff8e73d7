package io.strata.ingest.pushgateway;

import com.google.protobuf.CodedInputStream;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a pushed protobuf body: length-delimited {@code io.prometheus.client.MetricFamily} messages
 * (Content-Type {@code application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
 * encoding=delimited}). Fields: MetricFamily name (1), help (2), type (3: COUNTER 0, GAUGE 1, SUMMARY 2,
 * UNTYPED 3, HISTOGRAM 4, GAUGE_HISTOGRAM 5), metric (4); Metric label (1: name 1, value 2), gauge (2),
 * counter (3), summary (4: sample_count 1, sample_sum 2, quantile 3 {quantile 1, value 2}), untyped (5),
 * timestamp_ms (6), histogram (7: sample_count 1, sample_sum 2, bucket 3 {cumulative_count 1,
 * upper_bound 2, cumulative_count_float 4}, sample_count_float 4). Native histogram fields are skipped.
 * A metric whose value field does not match its family's type is an inconsistency (400).
 */
public final class ProtobufPushParser {
  private ProtobufPushParser() {}

  private static final int LEN = 2;
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;

  public static TextPushParser.Result parse(byte[] body) {
    CodedInputStream in = CodedInputStream.newInstance(body);
    List<PushedFamily> out = new ArrayList<>();
    boolean[] timestamps = {false};
    try {
      while (!in.isAtEnd()) {
        int len = in.readRawVarint32();
        if (len < 0 || len > body.length - in.getTotalBytesRead()) {
          throw new BadRequestException("protobuf", "cannot decode MetricFamily " + out.size() + ": length " + len + " exceeds the body");
        }
        int limit = in.pushLimit(len);
        out.add(family(in, timestamps));
        in.popLimit(limit);
      }
    } catch (IOException e) {
      throw new BadRequestException("protobuf", "cannot decode delimited MetricFamily protobuf: " + e.getMessage());
    }
    return new TextPushParser.Result(out, timestamps[0]);
  }

  private static MetricType type(int wire, String family) {
    return switch (wire) {
      case 0 -> MetricType.COUNTER;
      case 1 -> MetricType.GAUGE;
      case 2 -> MetricType.SUMMARY;
      case 3 -> MetricType.UNKNOWN;
      case 4 -> MetricType.HISTOGRAM;
      case 5 -> MetricType.GAUGEHISTOGRAM;
      default -> throw new BadRequestException("protobuf", "metric family " + family + " has unknown type " + wire);
    };
  }

  private static PushedFamily family(CodedInputStream in, boolean[] timestamps) throws IOException {
    String name = "";
    String help = "";
    int type = 0; // proto2 default: COUNTER
    List<byte[]> metrics = new ArrayList<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      switch (tag) {
        case 1 << 3 | LEN -> name = in.readStringRequireUtf8();
        case 2 << 3 | LEN -> help = in.readStringRequireUtf8();
        case 3 << 3 | VARINT -> type = in.readEnum();
        case 4 << 3 | LEN -> metrics.add(in.readByteArray());
        default -> in.skipField(tag);
      }
    }
    if (!Labels.isValidMetricName(name)) {
      throw new BadRequestException("metric_name", "invalid metric family name \"" + name + "\"");
    }
    MetricType t = type(type, name);
    List<PushedMetric> out = new ArrayList<>(metrics.size());
    for (byte[] m : metrics) {
      out.add(metric(CodedInputStream.newInstance(m), name, t, timestamps));
    }
    return new PushedFamily(name, t, help, out);
  }

  private static PushedMetric metric(CodedInputStream in, String family, MetricType type, boolean[] timestamps) throws IOException {
    List<String> nv = new ArrayList<>();
    MetricType has = null;
    double value = 0;
    double sum = 0;
    double count = 0;
    double[] keys = PushedMetric.NONE;
    double[] values = PushedMetric.NONE;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      switch (tag) {
        case 1 << 3 | LEN -> {
          int limit = in.pushLimit(in.readRawVarint32());
          String n = "";
          String v = "";
          while (true) {
            int t = in.readTag();
            if (t == 0) {
              break;
            }
            if (t == (1 << 3 | LEN)) {
              n = in.readStringRequireUtf8();
            } else if (t == (2 << 3 | LEN)) {
              v = in.readStringRequireUtf8();
            } else {
              in.skipField(t);
            }
          }
          in.popLimit(limit);
          nv.add(n);
          nv.add(v);
        }
        case 2 << 3 | LEN, 3 << 3 | LEN, 5 << 3 | LEN -> {
          has = tag == (2 << 3 | LEN) ? MetricType.GAUGE : tag == (3 << 3 | LEN) ? MetricType.COUNTER : MetricType.UNKNOWN;
          int limit = in.pushLimit(in.readRawVarint32());
          while (true) {
            int t = in.readTag();
            if (t == 0) {
              break;
            }
            if (t == (1 << 3 | FIXED64)) {
              value = in.readDouble();
            } else {
              in.skipField(t);
            }
          }
          in.popLimit(limit);
        }
        case 4 << 3 | LEN -> {
          has = MetricType.SUMMARY;
          int limit = in.pushLimit(in.readRawVarint32());
          Pairs quantiles = new Pairs();
          while (true) {
            int t = in.readTag();
            if (t == 0) {
              break;
            }
            if (t == (1 << 3 | VARINT)) {
              count = unsigned(in.readUInt64());
            } else if (t == (2 << 3 | FIXED64)) {
              sum = in.readDouble();
            } else if (t == (3 << 3 | LEN)) {
              quantiles.read(in, 1, 2, 0); // Quantile: quantile, value
            } else {
              in.skipField(t);
            }
          }
          in.popLimit(limit);
          keys = quantiles.keys();
          values = quantiles.values();
        }
        case 7 << 3 | LEN -> {
          has = MetricType.HISTOGRAM;
          int limit = in.pushLimit(in.readRawVarint32());
          Pairs buckets = new Pairs();
          while (true) {
            int t = in.readTag();
            if (t == 0) {
              break;
            }
            if (t == (1 << 3 | VARINT)) {
              count = unsigned(in.readUInt64());
            } else if (t == (4 << 3 | FIXED64)) {
              count = in.readDouble();
            } else if (t == (2 << 3 | FIXED64)) {
              sum = in.readDouble();
            } else if (t == (3 << 3 | LEN)) {
              buckets.read(in, 2, 4, 1); // Bucket: upper_bound, cumulative_count_float or cumulative_count
            } else {
              in.skipField(t);
            }
          }
          in.popLimit(limit);
          keys = buckets.keys();
          values = buckets.values();
        }
        case 6 << 3 | VARINT -> {
          in.readInt64();
          timestamps[0] = true;
        }
        default -> in.skipField(tag);
      }
    }
    Labels labels;
    try {
      labels = Labels.of(nv.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("label_name", "metric of family " + family + ": " + e.getMessage());
    }
    MetricType expected = type == MetricType.GAUGEHISTOGRAM ? MetricType.HISTOGRAM : type;
    if (has != expected) {
      throw new BadRequestException("inconsistent", "pushed metrics are invalid or inconsistent with existing metrics: metric " + family
          + labels + " is not a " + new PushedFamily(family, type, "", List.of()).typeName()
          + (has == null ? " (it has no value)" : " (it carries a " + new PushedFamily(family, has, "", List.of()).typeName() + " value)"));
    }
    return switch (expected) {
      case SUMMARY -> new PushedMetric(labels, 0, sum, count, keys, values, PushedMetric.NONE, PushedMetric.NONE);
      case HISTOGRAM -> new PushedMetric(labels, 0, sum, count, PushedMetric.NONE, PushedMetric.NONE, keys, values);
      default -> PushedMetric.simple(labels, value);
    };
  }

  /** Growable (key, value) pairs: a summary's quantiles or a histogram's buckets. */
  private static final class Pairs {
    private double[] k = new double[8];
    private double[] v = new double[8];
    private int n;

    /**
     * Reads one length-delimited Quantile or Bucket message: the double at field {@code keyField}, the value
     * as a double at field {@code valueField} or as a uint64 at {@code intValueField} (0: none), missing = 0.
     */
    void read(CodedInputStream in, int keyField, int valueField, int intValueField) throws IOException {
      int limit = in.pushLimit(in.readRawVarint32());
      double key = 0;
      double value = 0;
      while (true) {
        int t = in.readTag();
        if (t == 0) {
          break;
        }
        if (t == (keyField << 3 | FIXED64)) {
          key = in.readDouble();
        } else if (t == (valueField << 3 | FIXED64)) {
          value = in.readDouble();
        } else if (intValueField != 0 && t == (intValueField << 3 | VARINT)) {
          value = unsigned(in.readUInt64());
        } else {
          in.skipField(t);
        }
      }
      in.popLimit(limit);
      if (n == k.length) {
        k = Arrays.copyOf(k, n * 2);
        v = Arrays.copyOf(v, n * 2);
      }
      k[n] = key;
      v[n] = value;
      n++;
    }

    double[] keys() {
      return Arrays.copyOf(k, n);
    }

    double[] values() {
      return Arrays.copyOf(v, n);
    }
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0;
  }
}
