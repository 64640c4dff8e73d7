package io.strata.promql.rules.eval;

import io.strata.promql.engine.Sample;
import io.strata.promql.rules.Rule;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Prometheus's {@code RecordingRule.Eval}: the result renamed, rule labels set, duplicates and limit checked. */
final class RecordingRuleEval {
  private RecordingRuleEval() {}

  static List<Sample> eval(Rule rule, List<Sample> result, int limit) {
    List<Sample> out = new ArrayList<>(result.size());
    Set<Labels> seen = new HashSet<>();
    boolean duplicate = false;
    for (Sample s : result) {
      TreeMap<String, String> lb = new TreeMap<>(s.labels().toMap());
      lb.put(Labels.METRIC_NAME, rule.name());
      for (Map.Entry<String, String> l : rule.labels().entrySet()) {
        set(lb, l.getKey(), l.getValue());
      }
      Labels labels = Labels.fromMap(lb);
      duplicate |= !seen.add(labels);
      out.add(new Sample(labels, s.timestampMs(), s.value()));
    }
    if (duplicate) {
      throw new RuleEvaluationException("vector contains metrics with the same labelset after applying rule labels");
    }
    if (limit > 0 && out.size() > limit) {
      throw new RuleEvaluationException("exceeded limit of " + limit + " with " + out.size() + " series");
    }
    return out;
  }

  /** Go's {@code labels.Builder.Set}: an empty value removes the label. */
  static void set(Map<String, String> lb, String name, String value) {
    if (value.isEmpty()) {
      lb.remove(name);
    } else {
      lb.put(name, value);
    }
  }
}
