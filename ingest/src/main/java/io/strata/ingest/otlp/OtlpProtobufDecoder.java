package io.strata.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import io.strata.ingest.otlp.OtlpModel.Attribute;
import io.strata.ingest.otlp.OtlpModel.HistogramPoint;
import io.strata.ingest.otlp.OtlpModel.Kind;
import io.strata.ingest.otlp.OtlpModel.Metric;
import io.strata.ingest.otlp.OtlpModel.NumberPoint;
import io.strata.ingest.otlp.OtlpModel.Resource;
import io.strata.ingest.otlp.OtlpModel.SummaryPoint;
import io.strata.ingest.remotewrite.BadRequestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes {@code opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest} by field number:
 * resource_metrics (1) → resource (1: attributes 1), scope_metrics (2) → metrics (2) → name 1,
 * description 2, unit 3, gauge 5, sum 7, histogram 9, exponential_histogram 10, summary 11; Sum/Histogram
 * data_points 1, aggregation_temporality 2, is_monotonic 3 (Sum). NumberDataPoint: attributes 7, time 3
 * (fixed64), as_double 4, as_int 6 (sfixed64), flags 8. HistogramDataPoint: attributes 9, time 3, count 4
 * (fixed64), sum 5, bucket_counts 6 (packed fixed64), explicit_bounds 7 (packed double), flags 10.
 * SummaryDataPoint: attributes 7, time 3, count 4, sum 5, quantile_values 6 (quantile 1, value 2), flags 8.
 * KeyValue: key 1, value 2 (AnyValue: string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7).
 */
public final class OtlpProtobufDecoder {
  private OtlpProtobufDecoder() {}

  public static List<Resource> decode(byte[] body) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(body);
      List<Resource> out = new ArrayList<>();
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return out;
        }
        if (tag == (1 << 3 | 2)) {
          out.add(resourceMetrics(sub(in)));
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new BadRequestException("protobuf", "cannot decode ExportMetricsServiceRequest protobuf: " + e.getMessage());
    }
  }

  private static CodedInputStream sub(CodedInputStream in) throws IOException {
    return CodedInputStream.newInstance(in.readByteArray());
  }

  private static Resource resourceMetrics(CodedInputStream in) throws IOException {
    List<Attribute> attrs = new ArrayList<>();
    List<Metric> metrics = new ArrayList<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return new Resource(attrs, metrics);
      }
      if (tag == (1 << 3 | 2)) {
        CodedInputStream r = sub(in);
        for (int t = r.readTag(); t != 0; t = r.readTag()) {
          if (t == (1 << 3 | 2)) {
            attrs.add(keyValue(sub(r)));
          } else {
            r.skipField(t);
          }
        }
      } else if (tag == (2 << 3 | 2)) {
        CodedInputStream s = sub(in);
        for (int t = s.readTag(); t != 0; t = s.readTag()) {
          if (t == (2 << 3 | 2)) {
            metrics.add(metric(sub(s)));
          } else {
            s.skipField(t); // the instrumentation scope: Prometheus 2.x does not turn it into labels
          }
        }
      } else {
        in.skipField(tag);
      }
    }
  }

  private static Metric metric(CodedInputStream in) throws IOException {
    String name = "";
    String description = "";
    String unit = "";
    Kind kind = Kind.NONE;
    int temporality = 0;
    boolean monotonic = false;
    List<Object> points = new ArrayList<>();
    int exponential = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int field = tag >>> 3;
      switch (field) {
        case 1 -> name = in.readStringRequireUtf8();
        case 2 -> description = in.readStringRequireUtf8();
        case 3 -> unit = in.readStringRequireUtf8();
        case 5, 7, 9, 10, 11 -> {
          kind = switch (field) {
            case 5 -> Kind.GAUGE;
            case 7 -> Kind.SUM;
            case 9 -> Kind.HISTOGRAM;
            case 10 -> Kind.EXPONENTIAL_HISTOGRAM;
            default -> Kind.SUMMARY;
          };
          CodedInputStream d = sub(in);
          for (int t = d.readTag(); t != 0; t = d.readTag()) {
            if (t == (1 << 3 | 2)) {
              CodedInputStream p = sub(d);
              switch (kind) {
                case GAUGE, SUM -> points.add(numberPoint(p));
                case HISTOGRAM -> points.add(histogramPoint(p));
                case SUMMARY -> points.add(summaryPoint(p));
                default -> exponential++;
              }
            } else if (t == (2 << 3) && kind != Kind.GAUGE && kind != Kind.SUMMARY) {
              temporality = d.readEnum();
            } else if (t == (3 << 3) && kind == Kind.SUM) {
              monotonic = d.readBool();
            } else {
              d.skipField(t);
            }
          }
        }
        default -> in.skipField(tag);
      }
    }
    return new Metric(name, description, unit, kind, temporality, monotonic, points, exponential);
  }

  private static NumberPoint numberPoint(CodedInputStream in) throws IOException {
    List<Attribute> attrs = new ArrayList<>();
    long time = 0;
    double value = 0;
    int flags = 0;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (t) {
        case 7 << 3 | 2 -> attrs.add(keyValue(sub(in)));
        case 3 << 3 | 1 -> time = in.readFixed64();
        case 4 << 3 | 1 -> value = in.readDouble();
        case 6 << 3 | 1 -> value = in.readSFixed64();
        case 8 << 3 -> flags = in.readUInt32();
        default -> in.skipField(t);
      }
    }
    return new NumberPoint(attrs, time, value, flags);
  }

  private static HistogramPoint histogramPoint(CodedInputStream in) throws IOException {
    List<Attribute> attrs = new ArrayList<>();
    long time = 0;
    double count = 0;
    double sum = 0;
    boolean hasSum = false;
    double[] bounds = new double[8];
    int nb = 0;
    double[] counts = new double[8];
    int nc = 0;
    int flags = 0;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (t) {
        case 9 << 3 | 2 -> attrs.add(keyValue(sub(in)));
        case 3 << 3 | 1 -> time = in.readFixed64();
        case 4 << 3 | 1 -> count = unsigned(in.readFixed64());
        case 5 << 3 | 1 -> {
          sum = in.readDouble();
          hasSum = true;
        }
        case 6 << 3 | 2 -> {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            if (nc == counts.length) {
              counts = Arrays.copyOf(counts, nc * 2);
            }
            counts[nc++] = unsigned(in.readFixed64());
          }
          in.popLimit(limit);
        }
        case 6 << 3 | 1 -> {
          if (nc == counts.length) {
            counts = Arrays.copyOf(counts, nc * 2);
          }
          counts[nc++] = unsigned(in.readFixed64());
        }
        case 7 << 3 | 2 -> {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            if (nb == bounds.length) {
              bounds = Arrays.copyOf(bounds, nb * 2);
            }
            bounds[nb++] = in.readDouble();
          }
          in.popLimit(limit);
        }
        case 7 << 3 | 1 -> {
          if (nb == bounds.length) {
            bounds = Arrays.copyOf(bounds, nb * 2);
          }
          bounds[nb++] = in.readDouble();
        }
        case 10 << 3 -> flags = in.readUInt32();
        default -> in.skipField(t);
      }
    }
    return new HistogramPoint(attrs, time, count, sum, hasSum, Arrays.copyOf(bounds, nb), Arrays.copyOf(counts, nc), flags);
  }

  private static SummaryPoint summaryPoint(CodedInputStream in) throws IOException {
    List<Attribute> attrs = new ArrayList<>();
    long time = 0;
    double count = 0;
    double sum = 0;
    double[] qs = new double[4];
    double[] vs = new double[4];
    int n = 0;
    int flags = 0;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (t) {
        case 7 << 3 | 2 -> attrs.add(keyValue(sub(in)));
        case 3 << 3 | 1 -> time = in.readFixed64();
        case 4 << 3 | 1 -> count = unsigned(in.readFixed64());
        case 5 << 3 | 1 -> sum = in.readDouble();
        case 6 << 3 | 2 -> {
          CodedInputStream q = sub(in);
          double qq = 0;
          double qv = 0;
          for (int qt = q.readTag(); qt != 0; qt = q.readTag()) {
            if (qt == (1 << 3 | 1)) {
              qq = q.readDouble();
            } else if (qt == (2 << 3 | 1)) {
              qv = q.readDouble();
            } else {
              q.skipField(qt);
            }
          }
          if (n == qs.length) {
            qs = Arrays.copyOf(qs, n * 2);
            vs = Arrays.copyOf(vs, n * 2);
          }
          qs[n] = qq;
          vs[n] = qv;
          n++;
        }
        case 8 << 3 -> flags = in.readUInt32();
        default -> in.skipField(t);
      }
    }
    return new SummaryPoint(attrs, time, count, sum, Arrays.copyOf(qs, n), Arrays.copyOf(vs, n), flags);
  }

  private static Attribute keyValue(CodedInputStream in) throws IOException {
    String key = "";
    String value = "";
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == (1 << 3 | 2)) {
        key = in.readStringRequireUtf8();
      } else if (t == (2 << 3 | 2)) {
        value = anyValue(sub(in));
      } else {
        in.skipField(t);
      }
    }
    return new Attribute(key, value);
  }

  /** Renders an AnyValue as Prometheus's translator does ({@code pcommon.Value.AsString}). */
  private static String anyValue(CodedInputStream in) throws IOException {
    String out = "";
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (t) {
        case 1 << 3 | 2 -> out = in.readStringRequireUtf8();
        case 2 << 3 -> out = Boolean.toString(in.readBool());
        case 3 << 3 -> out = Long.toString(in.readInt64());
        case 4 << 3 | 1 -> out = AttributeValues.formatDouble(in.readDouble());
        case 5 << 3 | 2 -> {
          CodedInputStream a = sub(in);
          List<String> items = new ArrayList<>();
          for (int at = a.readTag(); at != 0; at = a.readTag()) {
            if (at == (1 << 3 | 2)) {
              items.add(AttributeValues.jsonOf(anyValueTyped(sub(a))));
            } else {
              a.skipField(at);
            }
          }
          out = "[" + String.join(",", items) + "]";
        }
        case 6 << 3 | 2 -> {
          CodedInputStream kv = sub(in);
          List<String> items = new ArrayList<>();
          for (int kt = kv.readTag(); kt != 0; kt = kv.readTag()) {
            if (kt == (1 << 3 | 2)) {
              Attribute inner = keyValue(sub(kv));
              items.add(AttributeValues.jsonString(inner.key()) + ":" + AttributeValues.jsonString(inner.value()));
            } else {
              kv.skipField(kt);
            }
          }
          out = "{" + String.join(",", items) + "}";
        }
        case 7 << 3 | 2 -> out = java.util.Base64.getEncoder().encodeToString(in.readByteArray());
        default -> in.skipField(t);
      }
    }
    return out;
  }

  /** An AnyValue inside an array: strings stay strings (quoted in the JSON rendering), other scalars raw. */
  private static Object anyValueTyped(CodedInputStream in) throws IOException {
    Object out = null;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (t) {
        case 1 << 3 | 2 -> out = in.readStringRequireUtf8();
        case 2 << 3 -> out = in.readBool();
        case 3 << 3 -> out = in.readInt64();
        case 4 << 3 | 1 -> out = in.readDouble();
        default -> in.skipField(t);
      }
    }
    return out;
  }

  static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0;
  }
}
