package io.strata.promql.ast;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An instant vector selector. {@code name} is the metric name written before the braces ("" when
 * absent); {@code matchers} holds every matcher including the {@code __name__} equality for that name.
 * {@code offsetMs} may be negative; {@code at} is null when absent.
 */
public record VectorSelector(String name, List<LabelMatcher> matchers, long offsetMs, AtModifier at) implements Expr {
  public VectorSelector {
    Objects.requireNonNull(name, "name");
    matchers = List.copyOf(matchers);
  }

  public VectorSelector withOffset(long newOffsetMs) {
    return new VectorSelector(name, matchers, newOffsetMs, at);
  }

  public VectorSelector withAt(AtModifier newAt) {
    return new VectorSelector(name, matchers, offsetMs, newAt);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  /** The selector without its modifiers, e.g. {@code foo{a="b"}}. */
  String selectorString() {
    List<String> parts = new ArrayList<>();
    for (LabelMatcher m : matchers) {
      if (m.name().equals(Labels.METRIC_NAME) && m.type() == LabelMatcher.Type.EQ && m.value().equals(name)) {
        continue;
      }
      parts.add(m.name() + m.type().op() + GoFormat.quote(m.value()));
    }
    if (parts.isEmpty()) {
      return name;
    }
    Collections.sort(parts);
    return name + "{" + String.join(",", parts) + "}";
  }

  @Override
  public String toString() {
    return selectorString() + AtModifier.suffix(at, offsetMs);
  }
}
