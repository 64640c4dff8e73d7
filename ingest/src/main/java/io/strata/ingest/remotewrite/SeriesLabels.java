package io.strata.ingest.remotewrite;

import io.strata.avro.Label;
import io.strata.ingest.exposition.MetricType;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.List;

/** Label checks shared by the remote_write decoders: Prometheus's rules for a series received over the wire. */
final class SeriesLabels {
  private SeriesLabels() {}

  /**
   * A metric name, valid label names, empty values dropped (an empty value is an absent label), no
   * duplicates. {@code pairs} holds name, value, name, value... as received.
   */
  static Labels valid(List<String> pairs, int index) {
    List<Label> kept = new ArrayList<>(pairs.size() / 2);
    String metric = null;
    boolean sorted = true;
    String previous = null;
    for (int i = 0; i < pairs.size(); i += 2) {
      String name = pairs.get(i);
      String value = pairs.get(i + 1);
      if (!Labels.isValidName(name)) {
        throw new BadRequestException("label_name", "series " + index + ": invalid label name \"" + name + "\"");
      }
      if (name.equals(Labels.METRIC_NAME)) {
        metric = value;
      }
      if (!value.isEmpty()) {
        if (previous != null && name.compareTo(previous) <= 0) {
          sorted = false;
        }
        previous = name;
        kept.add(new Label(name, value));
      }
    }
    if (metric == null || metric.isEmpty()) {
      throw new BadRequestException("metric_name", "series " + index + ": missing metric name (label __name__)");
    }
    if (!Labels.isValidMetricName(metric)) {
      throw new BadRequestException("metric_name", "series " + index + ": invalid metric name \"" + metric + "\"");
    }
    if (sorted) {
      return Labels.fromAvro(kept); // senders sort labels: no TreeMap on the common path
    }
    String[] nv = new String[kept.size() * 2];
    for (int i = 0; i < kept.size(); i++) {
      nv[2 * i] = kept.get(i).getName();
      nv[2 * i + 1] = kept.get(i).getValue();
    }
    try {
      return Labels.of(nv);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("label_name", "series " + index + ": " + e.getMessage());
    }
  }

  /** The remote_write metadata type enum (1.0 MetricMetadata.MetricType and 2.0 Metadata.MetricType share the numbers). */
  static MetricType type(int wire) {
    return switch (wire) {
      case 1 -> MetricType.COUNTER;
      case 2 -> MetricType.GAUGE;
      case 3 -> MetricType.HISTOGRAM;
      case 4 -> MetricType.GAUGEHISTOGRAM;
      case 5 -> MetricType.SUMMARY;
      case 6 -> MetricType.INFO;
      case 7 -> MetricType.STATESET;
      default -> MetricType.UNKNOWN;
    };
  }

  /** The family a series belongs to: histogram and summary series drop their {@code _bucket}/{@code _sum}/{@code _count} suffix. */
  static String family(String metric, MetricType type) {
    if (type == MetricType.HISTOGRAM || type == MetricType.GAUGEHISTOGRAM) {
      for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
        if (metric.endsWith(suffix) && metric.length() > suffix.length()) {
          return metric.substring(0, metric.length() - suffix.length());
        }
      }
    } else if (type == MetricType.SUMMARY) {
      for (String suffix : new String[] {"_sum", "_count"}) {
        if (metric.endsWith(suffix) && metric.length() > suffix.length()) {
          return metric.substring(0, metric.length() - suffix.length());
        }
      }
    }
    return metric;
  }
}
