package io.strata.ingest.pushgateway;

import io.strata.ingest.exposition.ExpositionParseException;
import io.strata.ingest.exposition.ExpositionParser;
import io.strata.ingest.exposition.Format;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.exposition.SampleView;
import io.strata.ingest.exposition.SampleVisitor;
import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a pushed text-format (0.0.4) body into metric families the way the Pushgateway's parser
 * (client_golang's expfmt) groups them: a sample belongs to the family of its name; {@code _sum} and
 * {@code _count} (and {@code _bucket}) samples belong to a summary (histogram) family of the base name;
 * summary quantiles and histogram buckets with equal other labels form one metric; samples of an
 * undeclared name form an untyped family. Parse errors are {@link BadRequestException}s reading
 * {@code text format parsing error in line N: ...}.
 */
public final class TextPushParser {
  private TextPushParser() {}

  /** The parsed families, and whether any sample carried a timestamp (which a push must not). */
  public record Result(List<PushedFamily> families, boolean hasTimestamps) {}

  private static final class Builder {
    final String name;
    MetricType type;
    String help = "";
    final List<PushedMetric> simpleList = new ArrayList<>();
    // summary/histogram metrics by their labels without quantile/le, in input order
    final Map<Labels, Composite> composites = new LinkedHashMap<>();
    boolean hasSamples;

    Builder(String name, MetricType type) {
      this.name = name;
      this.type = type;
    }
  }

  private static final class Composite {
    double sum = Double.NaN;
    double count = Double.NaN;
    final TreeMap<Double, Double> points = new TreeMap<>(); // le or quantile -> value
  }

  public static Result parse(byte[] body) {
    Map<String, Builder> families = new LinkedHashMap<>();
    boolean[] timestamps = {false};
    SampleVisitor visitor = new SampleVisitor() {
      @Override
      public void help(String family, String help) {
        families.computeIfAbsent(family, n -> new Builder(n, null)).help = help;
      }

      @Override
      public void type(String family, MetricType type) {
        Builder b = families.computeIfAbsent(family, n -> new Builder(n, null));
        if (b.hasSamples) {
          throw new BadRequestException("parse", "text format parsing error: TYPE line for metric name " + family + " after its samples");
        }
        b.type = type;
      }

      @Override
      public void sample(SampleView s) {
        if (s.hasTimestamp()) {
          timestamps[0] = true;
        }
        String name = s.metricName();
        Builder b = families.get(name);
        String role = "";
        if (b == null || b.type == MetricType.SUMMARY || b.type == MetricType.HISTOGRAM) {
          // a family of that exact name wins; otherwise try summary/histogram parts of a base name
          if (b == null) {
            String base = strip(name, "_sum", "_count");
            Builder cand = base == null ? null : families.get(base);
            if (cand != null && (cand.type == MetricType.SUMMARY || cand.type == MetricType.HISTOGRAM)) {
              b = cand;
              role = name.substring(base.length());
            } else {
              base = strip(name, "_bucket");
              cand = base == null ? null : families.get(base);
              if (cand != null && cand.type == MetricType.HISTOGRAM) {
                b = cand;
                role = "_bucket";
              }
            }
          }
        }
        if (b == null) {
          b = new Builder(name, null);
          families.put(name, b);
        }
        b.hasSamples = true;
        add(b, role, s);
      }
    };
    try {
      new ExpositionParser().keepCreatedSeries(true).parse(body, Format.PROMETHEUS_TEXT_0_0_4, visitor);
    } catch (ExpositionParseException e) {
      throw new BadRequestException("parse", e.getMessage());
    }
    List<PushedFamily> out = new ArrayList<>(families.size());
    for (Builder b : families.values()) {
      if (!b.hasSamples && b.type == null && b.help.isEmpty()) {
        continue;
      }
      out.add(build(b));
    }
    return new Result(out, timestamps[0]);
  }

  private static String strip(String name, String... suffixes) {
    for (String s : suffixes) {
      if (name.endsWith(s) && name.length() > s.length()) {
        return name.substring(0, name.length() - s.length());
      }
    }
    return null;
  }

  private static void add(Builder b, String role, SampleView s) {
    MetricType type = b.type == null ? MetricType.UNKNOWN : b.type;
    String special = type == MetricType.SUMMARY && role.isEmpty() ? "quantile" : type == MetricType.HISTOGRAM && role.equals("_bucket") ? "le" : null;
    String specialValue = null;
    List<String> nv = new ArrayList<>(2 * s.labelCount());
    for (int i = 0; i < s.labelCount(); i++) {
      String n = s.labelName(i);
      String v = s.labelValue(i);
      if (v.indexOf('\uFFFD') >= 0) {
        throw new BadRequestException("parse", "text format parsing error: invalid label value \"" + v + "\" (not UTF-8)");
      }
      if (n.equals(special)) {
        specialValue = v;
      } else {
        nv.add(n);
        nv.add(v);
      }
    }
    Labels labels;
    try {
      labels = Labels.of(nv.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("parse", "text format parsing error: " + e.getMessage());
    }
    if (special == null && (type == MetricType.SUMMARY || type == MetricType.HISTOGRAM) && role.isEmpty()) {
      throw new BadRequestException("parse", "text format parsing error: sample " + s.metricName() + " of " + type.name().toLowerCase()
          + " " + b.name + " needs a suffix");
    }
    if (type != MetricType.SUMMARY && type != MetricType.HISTOGRAM) {
      b.simpleList.add(PushedMetric.simple(labels, s.value()));
      return;
    }
    Composite c = b.composites.computeIfAbsent(labels, k -> new Composite());
    switch (role) {
      case "_sum" -> c.sum = s.value();
      case "_count" -> c.count = s.value();
      default -> {
        if (specialValue == null) {
          throw new BadRequestException("parse", "text format parsing error: " + s.metricName() + " lacks the " + special + " label");
        }
        double key;
        try {
          key = parseGoFloat(specialValue);
        } catch (NumberFormatException e) {
          throw new BadRequestException("parse", "text format parsing error: expected float as value for '" + special + "' label, got \""
              + specialValue + "\"");
        }
        c.points.put(key, s.value());
      }
    }
  }

  static double parseGoFloat(String s) {
    return switch (s) {
      case "+Inf", "Inf", "+inf", "inf" -> Double.POSITIVE_INFINITY;
      case "-Inf", "-inf" -> Double.NEGATIVE_INFINITY;
      case "NaN", "nan" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  private static PushedFamily build(Builder b) {
    MetricType type = b.type == null ? MetricType.UNKNOWN : b.type;
    List<PushedMetric> metrics = new ArrayList<>(b.simpleList);
    for (var e : b.composites.entrySet()) {
      Composite c = e.getValue();
      double[] keys = new double[c.points.size()];
      double[] values = new double[c.points.size()];
      int i = 0;
      for (var p : c.points.entrySet()) {
        keys[i] = p.getKey();
        values[i] = p.getValue();
        i++;
      }
      double sum = Double.isNaN(c.sum) ? 0 : c.sum;
      double count = Double.isNaN(c.count) ? 0 : c.count;
      metrics.add(type == MetricType.SUMMARY
          ? new PushedMetric(e.getKey(), 0, sum, count, keys, values, PushedMetric.NONE, PushedMetric.NONE)
          : new PushedMetric(e.getKey(), 0, sum, count, PushedMetric.NONE, PushedMetric.NONE, keys, values));
    }
    return new PushedFamily(b.name, type, b.help, metrics);
  }
}
