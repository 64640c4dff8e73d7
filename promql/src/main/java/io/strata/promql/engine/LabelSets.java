package io.strata.promql.engine;

import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Label-set operations the evaluator needs: dropping the name, grouping keys. */
final class LabelSets {
  private LabelSets() {}

  static Labels dropName(Labels l) {
    return l.get(Labels.METRIC_NAME) == null ? l : l.without(Labels.METRIC_NAME);
  }

  /** Only the given names (those present). */
  static Labels keep(Labels l, Collection<String> names) {
    List<String> kv = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      if (names.contains(l.name(i))) {
        kv.add(l.name(i));
        kv.add(l.value(i));
      }
    }
    return kv.size() == l.size() * 2 ? l : Labels.of(kv.toArray(new String[0]));
  }

  /** Without the given names, and without {@code __name__} when {@code dropName}. */
  static Labels remove(Labels l, Collection<String> names, boolean dropName) {
    List<String> kv = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      String n = l.name(i);
      if (names.contains(n) || (dropName && n.equals(Labels.METRIC_NAME))) {
        continue;
      }
      kv.add(n);
      kv.add(l.value(i));
    }
    return kv.size() == l.size() * 2 ? l : Labels.of(kv.toArray(new String[0]));
  }

  /** A key identifying the labels {@code on} lists, or all but the {@code ignoring} ones and the name. */
  static String signature(Labels l, boolean on, Collection<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < l.size(); i++) {
      String n = l.name(i);
      boolean include = on ? names.contains(n) : !(names.contains(n) || n.equals(Labels.METRIC_NAME));
      if (include) {
        sb.append(n).append('\u0000').append(l.value(i)).append('\u0001');
      }
    }
    return sb.toString();
  }

  /** The labels of the {@code on}/{@code ignoring} group, as Prometheus prints them in errors. */
  static Labels matchLabels(Labels l, boolean on, Collection<String> names) {
    return on ? keep(l, names) : remove(l, names, true);
  }

  /** Throws Prometheus's error when two elements share a label set. */
  static void checkUnique(InstantVector v) {
    if (v.size < 2) {
      return;
    }
    Set<Labels> seen = new HashSet<>(v.size * 2);
    for (int i = 0; i < v.size; i++) {
      if (!seen.add(v.labels[i])) {
        throw new QueryExecutionException("vector cannot contain metrics with the same labelset");
      }
    }
  }
}
