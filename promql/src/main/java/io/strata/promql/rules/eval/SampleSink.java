package io.strata.promql.rules.eval;

import io.strata.schemas.model.Labels;

/**
 * Where a group evaluation writes what it produces: recording-rule samples, {@code ALERTS} and
 * {@code ALERTS_FOR_STATE} samples, and stale markers ({@link io.strata.schemas.model.StaleMarker#VALUE}).
 * Later rules of the same evaluation read the earlier rules' output through the evaluation's
 * {@link io.strata.promql.storage.Queryable}, so a sink must make a sample visible there before
 * {@link #append} returns. A sample the store refuses (out of order, duplicate) is refused by throwing;
 * the rule's health turns {@code err} with that message, as Prometheus's appender errors do.
 */
@FunctionalInterface
public interface SampleSink {
  void append(Labels labels, long timestampMs, double value);
}
