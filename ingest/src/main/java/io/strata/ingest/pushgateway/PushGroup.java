package io.strata.ingest.pushgateway;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of one Pushgateway group: its metric families (labels already sanitised: grouping labels set,
 * {@code instance} present), when it was last pushed successfully ({@code push_time_seconds}, 0 if never)
 * and unsuccessfully ({@code push_failure_time_seconds}, 0 if never), per-family push times for the JSON
 * API, and the optional TTL. Immutable.
 *
 * @param ttlMs 0 = kept until deleted; otherwise the group is removed this long after its last push
 */
public record PushGroup(String tenant, GroupingKey key, Map<String, PushedFamily> families, Map<String, Long> familyTimesMs,
    long pushTimeMs, long failureTimeMs, boolean lastPushSuccessful, long ttlMs) {
  public PushGroup {
    families = Collections.unmodifiableMap(new TreeMap<>(families));
    familyTimesMs = Collections.unmodifiableMap(new TreeMap<>(familyTimesMs));
  }

  /** When the group expires, or Long.MAX_VALUE without a TTL. */
  public long expiresAtMs() {
    return ttlMs <= 0 ? Long.MAX_VALUE : Math.max(pushTimeMs, failureTimeMs) + ttlMs;
  }

  static PushGroup empty(String tenant, GroupingKey key) {
    return new PushGroup(tenant, key, Map.of(), Map.of(), 0, 0, true, 0);
  }
}
