package io.strata.ingest.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;

/**
 * Decodes OTLP/JSON ({@code application/json}): the protobuf JSON mapping with lowerCamelCase field names
 * (snake_case accepted too), 64-bit integers as strings or numbers, enums as integers.
 */
public final class OtlpJsonDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OtlpJsonDecoder() {}

  public static List<Resource> decode(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("json", "cannot parse OTLP JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestException("json", "cannot parse OTLP JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequestException("json", "OTLP JSON body must be an object");
    }
    List<Resource> out = new ArrayList<>();
    try {
      for (JsonNode rm : array(root, "resourceMetrics", "resource_metrics")) {
        List<Attribute> attrs = attributes(field(field(rm, "resource"), "attributes"));
        List<Metric> metrics = new ArrayList<>();
        for (JsonNode sm : array(rm, "scopeMetrics", "scope_metrics")) {
          for (JsonNode m : array(sm, "metrics")) {
            metrics.add(metric(m));
          }
        }
        out.add(new Resource(attrs, metrics));
      }
    } catch (NumberFormatException e) {
      throw new BadRequestException("json", "OTLP JSON has an invalid number: " + e.getMessage());
    }
    return out;
  }

  private static JsonNode field(JsonNode n, String... names) {
    if (n == null) {
      return null;
    }
    for (String name : names) {
      JsonNode v = n.get(name);
      if (v != null && !v.isNull()) {
        return v;
      }
    }
    return null;
  }

  private static Iterable<JsonNode> array(JsonNode n, String... names) {
    JsonNode a = field(n, names);
    if (a == null) {
      return List.of();
    }
    if (!a.isArray()) {
      throw new BadRequestException("json", "OTLP JSON field " + names[0] + " must be an array");
    }
    return a;
  }

  private static String text(JsonNode n, String... names) {
    JsonNode v = field(n, names);
    return v == null ? "" : v.asText();
  }

  private static long int64(JsonNode n, String... names) {
    JsonNode v = field(n, names);
    if (v == null) {
      return 0;
    }
    return v.isNumber() ? v.asLong() : Long.parseUnsignedLong(v.asText());
  }

  private static double number(JsonNode v) {
    if (v == null) {
      return 0;
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    String s = v.asText();
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  private static List<Attribute> attributes(JsonNode a) {
    List<Attribute> out = new ArrayList<>();
    if (a == null) {
      return out;
    }
    for (JsonNode kv : a) {
      out.add(new Attribute(text(kv, "key"), anyValue(field(kv, "value"))));
    }
    return out;
  }

  private static String anyValue(JsonNode v) {
    if (v == null) {
      return "";
    }
    JsonNode x;
    if ((x = field(v, "stringValue", "string_value")) != null) {
      return x.asText();
    }
    if ((x = field(v, "boolValue", "bool_value")) != null) {
      return Boolean.toString(x.asBoolean());
    }
    if ((x = field(v, "intValue", "int_value")) != null) {
      return Long.toString(x.isNumber() ? x.asLong() : Long.parseLong(x.asText()));
    }
    if ((x = field(v, "doubleValue", "double_value")) != null) {
      return AttributeValues.formatDouble(number(x));
    }
    if ((x = field(v, "arrayValue", "array_value")) != null) {
      List<String> items = new ArrayList<>();
      for (JsonNode item : array(x, "values")) {
        JsonNode s = field(item, "stringValue", "string_value");
        items.add(s != null ? AttributeValues.jsonString(s.asText()) : anyValue(item));
      }
      return "[" + String.join(",", items) + "]";
    }
    if ((x = field(v, "kvlistValue", "kvlist_value")) != null) {
      List<String> items = new ArrayList<>();
      for (Attribute a : attributes(field(x, "values"))) {
        items.add(AttributeValues.jsonString(a.key()) + ":" + AttributeValues.jsonString(a.value()));
      }
      return "{" + String.join(",", items) + "}";
    }
    if ((x = field(v, "bytesValue", "bytes_value")) != null) {
      return x.asText();
    }
    return "";
  }

  private static Metric metric(JsonNode m) {
    String name = text(m, "name");
    String description = text(m, "description");
    String unit = text(m, "unit");
    JsonNode d;
    if ((d = field(m, "gauge")) != null) {
      return new Metric(name, description, unit, Kind.GAUGE, 0, false, numberPoints(d), 0);
    }
    if ((d = field(m, "sum")) != null) {
      JsonNode mono = field(d, "isMonotonic", "is_monotonic");
      return new Metric(name, description, unit, Kind.SUM, (int) int64(d, "aggregationTemporality", "aggregation_temporality"),
          mono != null && mono.asBoolean(), numberPoints(d), 0);
    }
    if ((d = field(m, "histogram")) != null) {
      List<HistogramPoint> points = new ArrayList<>();
      for (JsonNode p : array(d, "dataPoints", "data_points")) {
        JsonNode sum = field(p, "sum");
        points.add(new HistogramPoint(attributes(field(p, "attributes")), int64(p, "timeUnixNano", "time_unix_nano"),
            unsignedCount(p, "count"), number(sum), sum != null, doubles(field(p, "explicitBounds", "explicit_bounds")),
            doubles(field(p, "bucketCounts", "bucket_counts")), (int) int64(p, "flags")));
      }
      return new Metric(name, description, unit, Kind.HISTOGRAM, (int) int64(d, "aggregationTemporality", "aggregation_temporality"), false,
          points, 0);
    }
    if ((d = field(m, "exponentialHistogram", "exponential_histogram")) != null) {
      int n = 0;
      for (JsonNode ignored : array(d, "dataPoints", "data_points")) {
        n++;
      }
      return new Metric(name, description, unit, Kind.EXPONENTIAL_HISTOGRAM, (int) int64(d, "aggregationTemporality", "aggregation_temporality"),
          false, List.of(), n);
    }
    if ((d = field(m, "summary")) != null) {
      List<SummaryPoint> points = new ArrayList<>();
      for (JsonNode p : array(d, "dataPoints", "data_points")) {
        List<Double> qs = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        for (JsonNode q : array(p, "quantileValues", "quantile_values")) {
          qs.add(number(field(q, "quantile")));
          vs.add(number(field(q, "value")));
        }
        points.add(new SummaryPoint(attributes(field(p, "attributes")), int64(p, "timeUnixNano", "time_unix_nano"), unsignedCount(p, "count"),
            number(field(p, "sum")), toArray(qs), toArray(vs), (int) int64(p, "flags")));
      }
      return new Metric(name, description, unit, Kind.SUMMARY, 0, false, points, 0);
    }
    return new Metric(name, description, unit, Kind.NONE, 0, false, List.of(), 0);
  }

  private static double unsignedCount(JsonNode p, String name) {
    return OtlpProtobufDecoder.unsigned(int64(p, name));
  }

  private static List<NumberPoint> numberPoints(JsonNode d) {
    List<NumberPoint> out = new ArrayList<>();
    for (JsonNode p : array(d, "dataPoints", "data_points")) {
      JsonNode i = field(p, "asInt", "as_int");
      double v = i != null ? (i.isNumber() ? i.asLong() : Long.parseLong(i.asText())) : number(field(p, "asDouble", "as_double"));
      out.add(new NumberPoint(attributes(field(p, "attributes")), int64(p, "timeUnixNano", "time_unix_nano"), v, (int) int64(p, "flags")));
    }
    return out;
  }

  private static double[] doubles(JsonNode a) {
    if (a == null) {
      return new double[0];
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < a.size(); i++) {
      out[i] = number(a.get(i));
    }
    return out;
  }

  private static double[] toArray(List<Double> l) {
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.get(i);
    }
    return out;
  }
}
