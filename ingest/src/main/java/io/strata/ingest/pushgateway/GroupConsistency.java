package io.strata.ingest.pushgateway;

import io.strata.ingest.exposition.MetricType;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Pushgateway's treatment of a push: labels sanitised (every metric gets the grouping labels, whatever
 * the body said, and an {@code instance} label, empty when the grouping key has none; pushed
 * {@code push_time_seconds}/{@code push_failure_time_seconds} families are dropped), then the consistency
 * checks it runs over everything it would expose after the push: no timestamps, label names valid and not
 * reserved ({@code __}), no metric twice (same family name and labels) in this group or across groups,
 * one type per family name across groups. Help texts may differ (the Pushgateway accepts that too).
 */
public final class GroupConsistency {
  public static final String PUSH_TIME = "push_time_seconds";
  public static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";
  static final String PREFIX = "pushed metrics are invalid or inconsistent with existing metrics: ";

  private GroupConsistency() {}

  /** The labels every metric of the group carries: the grouping key plus {@code instance} (empty when not in the key). */
  public static Labels groupLabels(GroupingKey key) {
    return key.labels().get("instance") == null ? key.labels().with("instance", "") : key.labels();
  }

  public static List<PushedFamily> sanitize(List<PushedFamily> pushed, GroupingKey key) {
    Labels group = key.labels();
    List<PushedFamily> out = new ArrayList<>(pushed.size());
    for (PushedFamily f : pushed) {
      if (f.name().equals(PUSH_TIME) || f.name().equals(PUSH_FAILURE_TIME)) {
        continue;
      }
      List<PushedMetric> metrics = new ArrayList<>(f.metrics().size());
      for (PushedMetric m : f.metrics()) {
        TreeMap<String, String> l = new TreeMap<>(m.labels().toMap());
        for (int i = 0; i < group.size(); i++) {
          l.put(group.name(i), group.value(i));
        }
        l.putIfAbsent("instance", "");
        metrics.add(m.withLabels(Labels.fromMap(l)));
      }
      out.add(new PushedFamily(f.name(), f.type(), f.help(), metrics));
    }
    return out;
  }

  /** Null when the candidate group may replace its old version next to {@code others}; else what is inconsistent. */
  public static String check(PushGroup candidate, boolean hasTimestamps, Collection<PushGroup> others) {
    if (hasTimestamps) {
      return PREFIX + "pushed metrics must not have timestamps";
    }
    Labels groupLabels = groupLabels(candidate.key());
    for (PushedFamily f : candidate.families().values()) {
      Set<Labels> seen = new HashSet<>();
      for (PushedMetric m : f.metrics()) {
        for (int i = 0; i < m.labels().size(); i++) {
          String n = m.labels().name(i);
          if (!Labels.isValidName(n) || n.startsWith("__")) {
            return PREFIX + "collected metric \"" + f.name() + "\" " + m.labels() + " has a label with an invalid name: " + n;
          }
          if ((n.equals("le") && f.isHistogram()) || (n.equals("quantile") && f.type() == MetricType.SUMMARY)) {
            return PREFIX + "collected metric \"" + f.name() + "\" " + m.labels() + " has the label " + n + ", reserved for its type";
          }
        }
        if (!seen.add(m.labels())) {
          return PREFIX + "collected metric \"" + f.name() + "\" " + m.labels() + " was collected before with the same name and label values";
        }
      }
    }
    for (PushGroup other : others) {
      if (other.key().equals(candidate.key())) {
        continue;
      }
      if (groupLabels(other.key()).equals(groupLabels)) {
        return PREFIX + "collected metric \"" + PUSH_TIME + "\" " + groupLabels + " was collected before with the same name and label values"
            + " (group " + other.key() + " exposes the same labels)";
      }
      for (Map.Entry<String, PushedFamily> e : candidate.families().entrySet()) {
        PushedFamily theirs = other.families().get(e.getKey());
        if (theirs == null) {
          continue;
        }
        PushedFamily mine = e.getValue();
        if (theirs.type() != mine.type()) {
          return PREFIX + "metric family \"" + mine.name() + "\" is " + mine.typeName() + " in group " + candidate.key() + " but "
              + theirs.typeName() + " in group " + other.key();
        }
        Set<Labels> theirLabels = new HashSet<>();
        theirs.metrics().forEach(m -> theirLabels.add(m.labels()));
        for (PushedMetric m : mine.metrics()) {
          if (theirLabels.contains(m.labels())) {
            return PREFIX + "collected metric \"" + mine.name() + "\" " + m.labels() + " was collected before with the same name and label"
                + " values (in group " + other.key() + ")";
          }
        }
      }
    }
    return null;
  }
}
