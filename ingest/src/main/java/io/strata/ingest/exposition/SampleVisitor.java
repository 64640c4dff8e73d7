package io.strata.ingest.exposition;

/**
 * Receives what {@link ExpositionParser} reads, in input order. Metadata callbacks are per family; the
 * sample callback gets a reused {@link SampleView} that is valid only during the call.
 */
public interface SampleVisitor {
  /** A {@code # HELP} line, text unescaped. */
  default void help(String family, String help) {}

  /** A {@code # TYPE} line. */
  default void type(String family, MetricType type) {}

  /** A {@code # UNIT} line (OpenMetrics only). */
  default void unit(String family, String unit) {}

  /** One sample. Do not keep {@code sample}: the parser reuses it for the next line. */
  void sample(SampleView sample);
}
