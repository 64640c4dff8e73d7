package io.strata.flink.rules;

/**
 * A PromQL comparison operator used as a filter ({@code bool} is not supported by the thin evaluator).
 * Comparisons follow IEEE 754 as Go does: any comparison with NaN is false except {@code !=}.
 */
public enum Comparison {
  GT(">"), LT("<"), GTE(">="), LTE("<="), EQL("=="), NEQ("!=");

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  /** The operator with its operands swapped: {@code 5 < x} is {@code x > 5}. */
  public Comparison flipped() {
    return switch (this) {
      case GT -> LT;
      case LT -> GT;
      case GTE -> LTE;
      case LTE -> GTE;
      case EQL, NEQ -> this;
    };
  }

  /** Whether {@code sample <op> threshold} holds. */
  public boolean test(double sample, double threshold) {
    return switch (this) {
      case GT -> sample > threshold;
      case LT -> sample < threshold;
      case GTE -> sample >= threshold;
      case LTE -> sample <= threshold;
      case EQL -> sample == threshold;
      case NEQ -> sample != threshold;
    };
  }

  public static Comparison ofSymbol(String symbol) {
    for (Comparison c : values()) {
      if (c.symbol.equals(symbol)) {
        return c;
      }
    }
    throw new IllegalArgumentException("not a comparison operator: " + symbol);
  }
}
