package io.strata.promql.rules;

/**
 * A light syntax check of Go text/template strings in alert labels and annotations: every
 * {@code {{} needs its {@code }}} and string literals inside actions must be closed. It catches the
 * mistakes promtool reports most often; it does not type-check template functions.
 */
final class Templates {
  private Templates() {}

  /** Null when the template looks well-formed, else Go's message, e.g. "template: __alert_A:1: unclosed action". */
  static String check(String text, String name) {
    int line = 1;
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf("{{", i);
      if (open < 0) {
        return null;
      }
      line += count(text, '\n', i, open);
      int j = open + 2;
      int actionLine = line;
      char quote = 0;
      boolean closed = false;
      while (j < text.length()) {
        char c = text.charAt(j);
        if (quote != 0) {
          if (c == '\\' && quote != '`') {
            j += 2;
            continue;
          }
          if (c == quote) {
            quote = 0;
          } else if (c == '\n' && quote != '`') {
            return "template: " + name + ":" + actionLine + ": unterminated quoted string";
          }
          j++;
          continue;
        }
        if (c == '"' || c == '`' || c == '\'') {
          quote = c;
        } else if (c == '}' && j + 1 < text.length() && text.charAt(j + 1) == '}') {
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) {
        return "template: " + name + ":" + actionLine + ": " + (quote != 0 ? "unterminated quoted string" : "unclosed action");
      }
      line += count(text, '\n', open, j);
      i = j + 2;
    }
    return null;
  }

  private static int count(String s, char c, int from, int to) {
    int n = 0;
    for (int k = from; k < to; k++) {
      if (s.charAt(k) == c) {
        n++;
      }
    }
    return n;
  }
}
