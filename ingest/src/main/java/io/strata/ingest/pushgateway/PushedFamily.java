package io.strata.ingest.pushgateway;

import io.strata.ingest.exposition.MetricType;
import java.util.List;

/**
 * A metric family of a pushed group. {@code type} is COUNTER, GAUGE, SUMMARY, HISTOGRAM, GAUGEHISTOGRAM
 * or UNKNOWN (the Pushgateway's UNTYPED).
 */
public record PushedFamily(String name, MetricType type, String help, List<PushedMetric> metrics) {
  public PushedFamily {
    help = help == null ? "" : help;
    metrics = List.copyOf(metrics);
  }

  /** The Pushgateway's (and client_model's) name of the type, as its JSON API writes it. */
  public String typeName() {
    return switch (type) {
      case COUNTER -> "COUNTER";
      case GAUGE -> "GAUGE";
      case SUMMARY -> "SUMMARY";
      case HISTOGRAM -> "HISTOGRAM";
      case GAUGEHISTOGRAM -> "GAUGE_HISTOGRAM";
      default -> "UNTYPED";
    };
  }

  boolean isHistogram() {
    return type == MetricType.HISTOGRAM || type == MetricType.GAUGEHISTOGRAM;
  }
}
