package io.strata.promql.ast;

import java.util.List;
import java.util.Objects;

/**
 * How two instant vectors are matched: cardinality, the {@code on}/{@code ignoring} label list and the
 * extra labels that {@code group_left}/{@code group_right} copy from the "one" side.
 */
public record VectorMatching(Cardinality card, List<String> matchingLabels, boolean on, List<String> include) {
  public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }

  public VectorMatching {
    Objects.requireNonNull(card, "card");
    matchingLabels = List.copyOf(matchingLabels);
    include = List.copyOf(include);
  }

  public VectorMatching withCard(Cardinality c) {
    return new VectorMatching(c, matchingLabels, on, include);
  }

  String printed() {
    if (matchingLabels.isEmpty() && !on) {
      return "";
    }
    String s = " " + (on ? "on" : "ignoring") + " (" + String.join(", ", matchingLabels) + ")";
    if (card == Cardinality.MANY_TO_ONE || card == Cardinality.ONE_TO_MANY) {
      s += " group_" + (card == Cardinality.MANY_TO_ONE ? "left" : "right") + " (" + String.join(", ", include) + ")";
    }
    return s;
  }
}
