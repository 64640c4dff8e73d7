package io.strata.ingest.exposition;

import java.util.Locale;

/** A metric family type as written in a {@code # TYPE} line. */
public enum MetricType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  GAUGEHISTOGRAM,
  SUMMARY,
  INFO,
  STATESET,
  /** {@code untyped} in the 0.0.4 format, {@code unknown} in OpenMetrics, and the type of families without TYPE. */
  UNKNOWN;

  /** The type named in a TYPE line, or null when the format has no such type. */
  static MetricType parse(String word, Format format) {
    String w = word.toLowerCase(Locale.ROOT);
    if (format == Format.PROMETHEUS_TEXT_0_0_4) {
      switch (w) {
        case "counter": return COUNTER;
        case "gauge": return GAUGE;
        case "histogram": return HISTOGRAM;
        case "summary": return SUMMARY;
        case "untyped": return UNKNOWN;
        default: return null;
      }
    }
    if (!w.equals(word)) {
      return null; // OpenMetrics types are lower case
    }
    switch (w) {
      case "counter": return COUNTER;
      case "gauge": return GAUGE;
      case "histogram": return HISTOGRAM;
      case "gaugehistogram": return GAUGEHISTOGRAM;
      case "summary": return SUMMARY;
      case "info": return INFO;
      case "stateset": return STATESET;
      case "unknown": return UNKNOWN;
      default: return null;
    }
  }
}
