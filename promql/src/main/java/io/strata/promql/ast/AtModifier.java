package io.strata.promql.ast;

/**
 * The {@code @} modifier of a selector or subquery: a fixed timestamp in milliseconds, or the start or
 * end of the query range.
 */
public record AtModifier(Kind kind, long timestampMs) {
  public enum Kind { TIMESTAMP, START, END }

  public static final AtModifier START = new AtModifier(Kind.START, 0);
  public static final AtModifier END = new AtModifier(Kind.END, 0);

  public static AtModifier at(long timestampMs) {
    return new AtModifier(Kind.TIMESTAMP, timestampMs);
  }

  /** The evaluation time this modifier fixes, given the query's start and end. */
  public long resolve(long queryStartMs, long queryEndMs) {
    return switch (kind) {
      case TIMESTAMP -> timestampMs;
      case START -> queryStartMs;
      case END -> queryEndMs;
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case TIMESTAMP -> " @ " + GoFormat.fixed3(timestampMs);
      case START -> " @ start()";
      case END -> " @ end()";
    };
  }

  static String suffix(AtModifier at, long offsetMs) {
    StringBuilder sb = new StringBuilder();
    if (at != null) {
      sb.append(at);
    }
    if (offsetMs > 0) {
      sb.append(" offset ").append(io.strata.promql.Durations.format(offsetMs));
    } else if (offsetMs < 0) {
      sb.append(" offset -").append(io.strata.promql.Durations.format(-offsetMs));
    }
    return sb.toString();
  }
}
