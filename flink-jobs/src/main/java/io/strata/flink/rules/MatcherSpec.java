package io.strata.flink.rules;

import io.strata.schemas.model.LabelMatcher;
import java.io.Serializable;

/**
 * A label matcher as data (serializable, unlike {@link LabelMatcher} with its compiled regex), so a rule
 * can travel inside a Flink job graph and, later, through the rules broadcast.
 */
public record MatcherSpec(LabelMatcher.Type type, String name, String value) implements Serializable {
  public MatcherSpec {
    if (type == null || name == null || value == null) {
      throw new IllegalArgumentException("matcher needs type, name and value, got " + type + " " + name + " " + value);
    }
  }

  public static MatcherSpec of(LabelMatcher m) {
    return new MatcherSpec(m.type(), m.name(), m.value());
  }

  /** Compiles the matcher; an invalid regex throws IllegalArgumentException naming label and pattern. */
  public LabelMatcher compile() {
    return LabelMatcher.of(type, name, value);
  }

  @Override
  public String toString() {
    return compile().toString();
  }
}
