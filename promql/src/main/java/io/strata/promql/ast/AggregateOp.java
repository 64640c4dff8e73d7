package io.strata.promql.ast;

import java.util.Locale;

/** Aggregation operators. */
public enum AggregateOp {
  SUM, MIN, MAX, AVG, GROUP, STDDEV, STDVAR, COUNT, COUNT_VALUES, BOTTOMK, TOPK, QUANTILE;

  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for the operators that take a parameter before the vector. */
  public boolean hasParam() {
    return this == COUNT_VALUES || this == BOTTOMK || this == TOPK || this == QUANTILE;
  }

  public static AggregateOp fromKeyword(String word) {
    for (AggregateOp op : values()) {
      if (op.keyword().equalsIgnoreCase(word)) {
        return op;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return keyword();
  }
}
