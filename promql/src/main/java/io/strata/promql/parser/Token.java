package io.strata.promql.parser;

/** One token: kind, source text and 0-based start offset. */
record Token(TokenType type, String text, int pos) {
  /** Prometheus's description of a token in "unexpected ..." messages. */
  String describe() {
    return switch (type) {
      case EOF -> "end of input";
      case IDENTIFIER -> "identifier " + goQuote(text);
      case METRIC_IDENTIFIER -> "metric identifier " + goQuote(text);
      case NUMBER -> "number " + goQuote(text);
      case DURATION -> "duration " + goQuote(text);
      case STRING -> "string " + goQuote(text);
      case AGGREGATOR -> "<aggr:" + text + ">";
      default -> {
        if (type.isKeyword()) {
          yield "<" + text + ">";
        }
        if (type.isOperator()) {
          yield "<op:" + text + ">";
        }
        yield goQuote(text);
      }
    };
  }

  private static String goQuote(String s) {
    return io.strata.promql.ast.GoFormat.quote(s);
  }
}
