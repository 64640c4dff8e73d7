package io.strata.flink.job;

import io.strata.promql.storage.Queryable;
import io.strata.schemas.model.Labels;
import java.io.Serializable;
import java.util.List;

/**
 * Where a group that starts without state finds its alerts' {@code ALERTS_FOR_STATE} series to restore their
 * {@code for} progress (the storage Prometheus's {@code RestoreForState} queries). The rule job reads them back
 * from the samples topic it wrote them to ({@code io.strata.flink.kafka.ForStateReader}).
 */
public interface ForStateSource extends Serializable {
  /**
   * The samples of {@code series} (tenant {@code tenant}) in {@code [mintMs, maxtMs]}, stale markers included,
   * as a store {@code GroupEvaluator.restoreForState} reads.
   */
  Queryable read(String tenant, List<Labels> series, long mintMs, long maxtMs) throws Exception;

  /**
   * Restoring on: the source and Prometheus's {@code --rules.alert.for-outage-tolerance} and
   * {@code --rules.alert.for-grace-period}.
   */
  record Restore(ForStateSource source, long outageToleranceMs, long gracePeriodMs) implements Serializable {}
}
