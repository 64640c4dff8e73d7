package io.strata.ingest.otlp;

import java.util.List;

/**
 * The part of an OTLP {@code ExportMetricsServiceRequest} Strata reads, decoded from protobuf or JSON
 * alike. Attribute values are already rendered as strings (as Prometheus's translator renders them).
 */
public final class OtlpModel {
  private OtlpModel() {}

  /** An attribute with its value as a string. */
  public record Attribute(String key, String value) {}

  public record Resource(List<Attribute> attributes, List<Metric> metrics) {}

  public enum Kind { GAUGE, SUM, HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY, NONE }

  /** OTLP AggregationTemporality numbers. */
  public static final int TEMPORALITY_UNSPECIFIED = 0;
  public static final int TEMPORALITY_DELTA = 1;
  public static final int TEMPORALITY_CUMULATIVE = 2;
  /** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks the series as gone (a stale marker). */
  public static final int FLAG_NO_RECORDED_VALUE = 1;

  /**
   * @param points NumberPoint, HistogramPoint or SummaryPoint by kind; exponential histograms keep only their count
   */
  public record Metric(String name, String description, String unit, Kind kind, int temporality, boolean monotonic, List<?> points,
      int exponentialPoints) {}

  public record NumberPoint(List<Attribute> attributes, long timeUnixNano, double value, int flags) {}

  public record HistogramPoint(List<Attribute> attributes, long timeUnixNano, double count, double sum, boolean hasSum, double[] bounds,
      double[] bucketCounts, int flags) {}

  public record SummaryPoint(List<Attribute> attributes, long timeUnixNano, double count, double sum, double[] quantiles, double[] values,
      int flags) {}
}
