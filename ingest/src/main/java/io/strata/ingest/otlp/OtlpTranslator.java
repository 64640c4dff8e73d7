package io.strata.ingest.otlp;

import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.otlp.OtlpModel.Attribute;
import io.strata.ingest.otlp.OtlpModel.HistogramPoint;
import io.strata.ingest.otlp.OtlpModel.Metric;
import io.strata.ingest.otlp.OtlpModel.NumberPoint;
import io.strata.ingest.otlp.OtlpModel.Resource;
import io.strata.ingest.otlp.OtlpModel.SummaryPoint;
import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OTLP metrics to Prometheus series, as Prometheus 2.x's OTLP receiver translates them:
 * <ul>
 *   <li>resource {@code service.name} (prefixed with {@code service.namespace/} when set) becomes
 *       {@code job}, {@code service.instance.id} becomes {@code instance}; the other resource attributes
 *       are not put on the series but on one {@code target_info} gauge (value 1, with job and instance) per
 *       resource, at the resource's latest point time; scope attributes are dropped;</li>
 *   <li>point attributes become labels (names normalised; names that collide after normalisation get their
 *       values joined with {@code ;} in key order; empty values dropped);</li>
 *   <li>gauges and non-monotonic sums are gauges; cumulative monotonic sums are counters named with
 *       {@code _total}; cumulative histograms become {@code _bucket} (cumulative, {@code le} as plain
 *       decimal, {@code +Inf} = count), {@code _sum} (when set) and {@code _count}; summaries become
 *       quantile series, {@code _sum}, {@code _count};</li>
 *   <li>a point flagged "no recorded value" writes stale markers;</li>
 *   <li>delta (or unspecified) temporality sums and histograms, and exponential histograms, are refused:
 *       their points are counted in {@code partial_success.rejected_data_points} with the reason.</li>
 * </ul>
 */
public final class OtlpTranslator {
  private OtlpTranslator() {}

  /** What a request translated to. */
  public record Result(List<SeriesSamples> series, List<FamilyMetadata> metadata, long rejectedPoints, String errorMessage) {}

  public static Result translate(List<Resource> resources, int maxSeries) {
    List<SeriesSamples> out = new ArrayList<>();
    Map<String, FamilyMetadata> metadata = new LinkedHashMap<>();
    long rejected = 0;
    List<String> reasons = new ArrayList<>();
    for (Resource r : resources) {
      String job = null;
      String namespace = null;
      String instance = null;
      List<Attribute> other = new ArrayList<>();
      for (Attribute a : r.attributes()) {
        switch (a.key()) {
          case "service.name" -> job = a.value();
          case "service.namespace" -> namespace = a.value();
          case "service.instance.id" -> instance = a.value();
          default -> other.add(a);
        }
      }
      if (job != null && namespace != null && !namespace.isEmpty()) {
        job = namespace + "/" + job;
      }
      long latestMs = Long.MIN_VALUE;
      for (Metric m : r.metrics()) {
        String problem = problem(m);
        if (problem != null) {
          rejected += m.points().size() + m.exponentialPoints();
          if (reasons.size() < 10) {
            reasons.add(problem);
          }
          continue;
        }
        boolean counter = m.kind() == OtlpModel.Kind.SUM && m.monotonic();
        boolean gauge = m.kind() == OtlpModel.Kind.GAUGE || (m.kind() == OtlpModel.Kind.SUM && !m.monotonic());
        String name = OtlpNames.metricName(m.name(), m.unit(), counter, gauge);
        if (!Labels.isValidMetricName(name)) {
          throw new BadRequestException("metric_name", "OTLP metric \"" + m.name() + "\" has no usable Prometheus name (got \"" + name + "\")");
        }
        MetricType type = counter ? MetricType.COUNTER : gauge ? MetricType.GAUGE
            : m.kind() == OtlpModel.Kind.HISTOGRAM ? MetricType.HISTOGRAM : MetricType.SUMMARY;
        metadata.putIfAbsent(name, new FamilyMetadata(name, type, m.description(), OtlpNames.unit(m.unit())));
        for (Object p : m.points()) {
          long ms = pointTime(p) / 1_000_000L;
          latestMs = Math.max(latestMs, ms);
          switch (m.kind()) {
            case GAUGE, SUM -> {
              NumberPoint np = (NumberPoint) p;
              add(out, labels(name, np.attributes(), job, instance, null, null), ms, value(np.value(), np.flags()), maxSeries);
            }
            case HISTOGRAM -> histogram(out, name, (HistogramPoint) p, job, instance, ms, maxSeries);
            case SUMMARY -> summary(out, name, (SummaryPoint) p, job, instance, ms, maxSeries);
            default -> throw new IllegalStateException("BUG: unexpected kind " + m.kind());
          }
        }
      }
      if (!other.isEmpty() && latestMs != Long.MIN_VALUE) {
        add(out, labels("target_info", other, job, instance, null, null), latestMs, 1, maxSeries);
        metadata.putIfAbsent("target_info", new FamilyMetadata("target_info", MetricType.GAUGE, "Target metadata", ""));
      }
    }
    return new Result(out, new ArrayList<>(metadata.values()), rejected, String.join("; ", reasons));
  }

  private static String problem(Metric m) {
    return switch (m.kind()) {
      case NONE -> m.points().isEmpty() ? null : "metric " + m.name() + " has no data type";
      case EXPONENTIAL_HISTOGRAM -> "metric " + m.name() + ": exponential histograms are not supported (Strata stores float samples only)";
      case SUM, HISTOGRAM -> m.temporality() == OtlpModel.TEMPORALITY_CUMULATIVE ? null
          : "metric " + m.name() + ": " + (m.temporality() == OtlpModel.TEMPORALITY_DELTA ? "delta" : "unspecified")
              + " temporality is not supported, send cumulative " + (m.kind() == OtlpModel.Kind.SUM ? "sums" : "histograms")
              + " (e.g. the collector's deltatocumulative processor)";
      default -> null;
    };
  }

  private static long pointTime(Object p) {
    if (p instanceof NumberPoint n) {
      return n.timeUnixNano();
    }
    if (p instanceof HistogramPoint h) {
      return h.timeUnixNano();
    }
    return ((SummaryPoint) p).timeUnixNano();
  }

  private static double value(double v, int flags) {
    return (flags & OtlpModel.FLAG_NO_RECORDED_VALUE) != 0 ? StaleMarker.VALUE : v;
  }

  private static void histogram(List<SeriesSamples> out, String name, HistogramPoint p, String job, String instance, long ms, int max) {
    double cumulative = 0;
    for (int i = 0; i < p.bounds().length && i < p.bucketCounts().length; i++) {
      cumulative += p.bucketCounts()[i];
      add(out, labels(name + "_bucket", p.attributes(), job, instance, "le", plain(p.bounds()[i])), ms, value(cumulative, p.flags()), max);
    }
    add(out, labels(name + "_bucket", p.attributes(), job, instance, "le", "+Inf"), ms, value(p.count(), p.flags()), max);
    if (p.hasSum()) {
      add(out, labels(name + "_sum", p.attributes(), job, instance, null, null), ms, value(p.sum(), p.flags()), max);
    }
    add(out, labels(name + "_count", p.attributes(), job, instance, null, null), ms, value(p.count(), p.flags()), max);
  }

  private static void summary(List<SeriesSamples> out, String name, SummaryPoint p, String job, String instance, long ms, int max) {
    for (int i = 0; i < p.quantiles().length; i++) {
      add(out, labels(name, p.attributes(), job, instance, "quantile", plain(p.quantiles()[i])), ms, value(p.values()[i], p.flags()), max);
    }
    add(out, labels(name + "_sum", p.attributes(), job, instance, null, null), ms, value(p.sum(), p.flags()), max);
    add(out, labels(name + "_count", p.attributes(), job, instance, null, null), ms, value(p.count(), p.flags()), max);
  }

  /** Go's strconv.FormatFloat(v, 'f', -1, 64), which Prometheus's translator uses for le and quantile. */
  static String plain(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (Double.isNaN(v)) {
      return "NaN";
    }
    String s = new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }

  private static void add(List<SeriesSamples> out, Labels l, long ms, double v, int max) {
    if (out.size() == max) {
      throw new BadRequestException("too_many_series", "request translates to more than " + max + " series (ingest.max_series_per_request)");
    }
    out.add(SeriesSamples.of(l, ms, v));
  }

  private static Labels labels(String name, List<Attribute> attrs, String job, String instance, String extra, String extraValue) {
    TreeMap<String, String> m = new TreeMap<>();
    List<Attribute> sorted = new ArrayList<>(attrs);
    sorted.sort(Comparator.comparing(Attribute::key));
    for (Attribute a : sorted) {
      String key = OtlpNames.labelName(a.key());
      if (key.isEmpty()) {
        continue;
      }
      String prev = m.get(key);
      m.put(key, prev == null ? a.value() : prev + ";" + a.value());
    }
    if (job != null) {
      m.put("job", job);
    }
    if (instance != null) {
      m.put("instance", instance);
    }
    if (extra != null) {
      m.put(extra, extraValue);
    }
    m.put(Labels.METRIC_NAME, name);
    m.values().removeIf(String::isEmpty);
    for (String k : m.keySet()) {
      if (!Labels.isValidName(k)) {
        throw new BadRequestException("label_name", "attribute becomes the invalid label name \"" + k + "\"");
      }
    }
    if (!m.containsKey(Labels.METRIC_NAME)) {
      throw new BadRequestException("metric_name", "OTLP metric without a name");
    }
    return Labels.fromMap(m);
  }
}
