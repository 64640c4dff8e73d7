package io.strata.query.dedup;

import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deduplicates the series of HA pairs, as Thanos Query does with {@code --query.replica-label}: series whose
 * labels differ only in the replica labels are one series, without those labels. Their samples are merged
 * the way Thanos merges replicas: from the replica with the earliest next sample, and after taking a sample
 * from one replica the other is only read again from {@code 2 × (gap since the previous sample)} later
 * (5 s before anything was taken), so two replicas scraping at different phases do not double the sample
 * rate, and a gap in one replica is filled from the other. Three or more replicas are merged pairwise in
 * label order. A series without any replica label passes unchanged.
 *
 * <p>Like Thanos's default (non-counter) merge, a switch between replicas of a counter can show a small
 * reset when the replicas' values differ; rate over a deduplicated counter is as exact as the replicas
 * agree.
 */
public final class ReplicaDedup implements Queryable {
  /** Penalty before any sample was taken, in ms (Thanos's constant: scrape intervals are seconds long). */
  static final long INITIAL_PENALTY_MS = 5_000;
  private static final Comparator<SeriesData> BY_LABELS = Comparator.comparing(SeriesData::labels);

  private final Queryable inner;
  private final Set<String> replicaLabels;

  public ReplicaDedup(Queryable inner, Set<String> replicaLabels) {
    this.inner = inner;
    this.replicaLabels = Set.copyOf(replicaLabels);
  }

  @Override
  public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
    Map<Labels, List<SeriesData>> groups = new LinkedHashMap<>();
    for (SeriesData s : inner.select(hints, matchers)) {
      groups.computeIfAbsent(strip(s.labels(), replicaLabels), k -> new ArrayList<>(2)).add(s);
    }
    List<SeriesData> out = new ArrayList<>(groups.size());
    for (Map.Entry<Labels, List<SeriesData>> g : groups.entrySet()) {
      List<SeriesData> replicas = g.getValue();
      replicas.sort(BY_LABELS);
      SeriesData merged = replicas.get(0);
      for (int i = 1; i < replicas.size(); i++) {
        merged = merge(merged, replicas.get(i));
      }
      out.add(new SeriesData(g.getKey(), merged.timestamps(), merged.values(), merged.size()));
    }
    return out;
  }

  /** The labels without the replica labels (the same object when it has none of them). */
  public static Labels strip(Labels labels, Set<String> replicaLabels) {
    for (String name : replicaLabels) {
      if (labels.get(name) != null) {
        return labels.without(replicaLabels.toArray(new String[0]));
      }
    }
    return labels;
  }

  /** Thanos's penalty merge of two replicas' samples (labels of the result are {@code a}'s; callers replace them). */
  static SeriesData merge(SeriesData a, SeriesData b) {
    long[] at = a.timestamps();
    long[] bt = b.timestamps();
    int na = a.size();
    int nb = b.size();
    long[] t = new long[na + nb];
    double[] v = new double[na + nb];
    int n = 0;
    int ia = 0;
    int ib = 0;
    long lastT = Long.MIN_VALUE;
    long penA = 0;
    long penB = 0;
    while (true) {
      // read each replica again only from lastT + 1 + its penalty on
      long fromA = lastT == Long.MIN_VALUE ? Long.MIN_VALUE : lastT + 1 + penA;
      long fromB = lastT == Long.MIN_VALUE ? Long.MIN_VALUE : lastT + 1 + penB;
      while (ia < na && at[ia] < fromA) {
        ia++;
      }
      while (ib < nb && bt[ib] < fromB) {
        ib++;
      }
      boolean useA;
      if (ia >= na && ib >= nb) {
        break;
      } else if (ia >= na) {
        useA = false;
      } else if (ib >= nb) {
        useA = true;
      } else {
        useA = at[ia] <= bt[ib];
        long taken = useA ? at[ia] : bt[ib];
        long penalty = lastT == Long.MIN_VALUE ? INITIAL_PENALTY_MS : 2 * (taken - lastT);
        if (useA) {
          penB = penalty;
        } else {
          penA = penalty;
        }
      }
      if (useA) {
        penA = 0;
        lastT = at[ia];
        t[n] = at[ia];
        v[n] = a.values()[ia];
      } else {
        penB = 0;
        lastT = bt[ib];
        t[n] = bt[ib];
        v[n] = b.values()[ib];
      }
      n++;
    }
    return new SeriesData(a.labels(), t, v, n);
  }
}
