package io.strata.promql.parser;

/**
 * A PromQL syntax or type error. {@link #getMessage()} reads like Prometheus's
 * ({@code 1:5: parse error: unexpected ...}); {@link #position()} is the 0-based character offset.
 */
public final class PromQLParseException extends RuntimeException {
  private final int position;
  private final String detail;

  public PromQLParseException(String query, int position, String detail) {
    super(prefix(query, position) + " parse error: " + detail);
    this.position = position;
    this.detail = detail;
  }

  /** The 0-based character offset of the error in the query. */
  public int position() {
    return position;
  }

  /** The message without the position prefix. */
  public String detail() {
    return detail;
  }

  private static String prefix(String query, int pos) {
    if (pos < 0 || pos > query.length()) {
      return "invalid position:";
    }
    int line = 1;
    int lastBreak = -1;
    for (int i = 0; i < pos; i++) {
      if (query.charAt(i) == '\n') {
        line++;
        lastBreak = i;
      }
    }
    return line + ":" + (pos - lastBreak) + ":";
  }
}
