package io.strata.ingest.limits;

import java.time.Duration;

/**
 * The write limits of one tenant (config keys {@code limits.*}, per-tenant overrides
 * {@code limits.overrides.<tenant>.*}; README "Limits"). Names and defaults follow Mimir's where Mimir has
 * the limit. A request that breaks one is refused whole: 400 (429 for the ingestion rate), nothing written.
 *
 * @param maxLabelNamesPerSeries labels of a series, {@code __name__} included ({@code limits.max_label_names_per_series})
 * @param maxLabelNameLength UTF-8 bytes of a label name ({@code limits.max_label_name_length})
 * @param maxLabelValueLength UTF-8 bytes of a label value, the metric name included ({@code limits.max_label_value_length})
 * @param maxMetadataLength UTF-8 bytes of a metadata HELP or UNIT ({@code limits.max_metadata_length})
 * @param ingestionRate samples per second a tenant may push, 0 = unlimited ({@code limits.ingestion_rate})
 * @param ingestionBurstSize samples a tenant may push at once above the rate ({@code limits.ingestion_burst_size})
 * @param pastGracePeriod with {@code outOfOrderWindow}: samples older than now minus both are out of bounds;
 *     zero turns the check off ({@code limits.past_grace_period})
 * @param outOfOrderWindow the store's out-of-order window ({@code sink.out_of_order_window}: one key, not repeated here)
 * @param creationGracePeriod samples further than this in the future are out of bounds; zero turns the check
 *     off ({@code limits.creation_grace_period})
 */
public record Limits(
    int maxLabelNamesPerSeries,
    int maxLabelNameLength,
    int maxLabelValueLength,
    int maxMetadataLength,
    double ingestionRate,
    int ingestionBurstSize,
    Duration pastGracePeriod,
    Duration outOfOrderWindow,
    Duration creationGracePeriod) {

  public static final String PREFIX = "limits.";

  public Limits {
    positive("max_label_names_per_series", maxLabelNamesPerSeries);
    positive("max_label_name_length", maxLabelNameLength);
    positive("max_label_value_length", maxLabelValueLength);
    positive("max_metadata_length", maxMetadataLength);
    if (!(ingestionRate >= 0) || Double.isInfinite(ingestionRate)) {
      throw new IllegalArgumentException(PREFIX + "ingestion_rate must be >= 0 (0 = unlimited), got " + ingestionRate);
    }
    positive("ingestion_burst_size", ingestionBurstSize);
    nonNegative("past_grace_period", pastGracePeriod);
    if (outOfOrderWindow == null || outOfOrderWindow.isNegative()) {
      throw new IllegalArgumentException("sink.out_of_order_window must be >= 0, got " + outOfOrderWindow);
    }
    nonNegative("creation_grace_period", creationGracePeriod);
  }

  /**
   * Mimir's defaults: 30 labels per series, names of 1,024 bytes, values of 2,048, metadata of 1,024, a
   * burst of 200,000 samples. The ingestion rate is unlimited (Mimir's 10,000 samples/s is a per-tenant
   * share of a multi-tenant cluster; one Prometheus alone often sends more). Past: 1 h, as far behind its
   * newest sample as Prometheus's head appends (half its 2 h block), plus the store's 10 m out-of-order
   * window. Future: 10 m, Mimir's creation grace period.
   */
  public static Limits defaults() {
    return new Limits(30, 1024, 2048, 1024, 0, 200_000, Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofMinutes(10));
  }

  /** Oldest accepted sample relative to now, or null when unchecked. */
  Duration maxSampleAge() {
    return pastGracePeriod.isZero() ? null : pastGracePeriod.plus(outOfOrderWindow);
  }

  public Limits withLabels(int names, int nameLength, int valueLength) {
    return new Limits(names, nameLength, valueLength, maxMetadataLength, ingestionRate, ingestionBurstSize, pastGracePeriod,
        outOfOrderWindow, creationGracePeriod);
  }

  public Limits withIngestionRate(double samplesPerSecond, int burst) {
    return new Limits(maxLabelNamesPerSeries, maxLabelNameLength, maxLabelValueLength, maxMetadataLength, samplesPerSecond, burst,
        pastGracePeriod, outOfOrderWindow, creationGracePeriod);
  }

  /** The accepted sample window; {@link Duration#ZERO} for {@code past} or {@code future} turns that side off. */
  public Limits withSampleWindow(Duration past, Duration outOfOrder, Duration future) {
    return new Limits(maxLabelNamesPerSeries, maxLabelNameLength, maxLabelValueLength, maxMetadataLength, ingestionRate,
        ingestionBurstSize, past, outOfOrder, future);
  }

  /** The store's out-of-order window ({@code sink.out_of_order_window}), which the oldest accepted sample depends on. */
  public Limits withOutOfOrderWindow(Duration window) {
    return withSampleWindow(pastGracePeriod, window, creationGracePeriod);
  }

  /** No sample window (tests and tools that write fixed historical timestamps). */
  public Limits withoutSampleWindow() {
    return withSampleWindow(Duration.ZERO, outOfOrderWindow, Duration.ZERO);
  }

  private static void positive(String key, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(PREFIX + key + " must be > 0, got " + v);
    }
  }

  private static void nonNegative(String key, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(PREFIX + key + " must be >= 0, got " + d);
    }
  }
}
