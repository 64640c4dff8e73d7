package io.strata.promql.ast;

import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoFloat;

/**
 * The number and string notations Prometheus prints with Go's {@code fmt}: {@code %v} for floats
 * (shortest digits, exponent form when the decimal exponent is below -4 or at least 6, as
 * {@code strconv 'g'} does for the shortest precision) and {@code %q} for strings.
 */
public final class GoFormat {
  private GoFormat() {}

  /** Go's {@code fmt.Sprint(float64)}: 1, 0.5, 1e+06, 1.5e-07, +Inf, -Inf, NaN ({@link GoFloat#format}). */
  public static String number(double v) {
    return GoFloat.format(v);
  }

  /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest digits, never an exponent ({@link GoFloat#plain}). */
  public static String plain(double v) {
    return GoFloat.plain(v);
  }

  /** Seconds with three decimals, as Prometheus prints an {@code @} timestamp. */
  public static String fixed3(long ms) {
    String sign = ms < 0 ? "-" : "";
    long a = Math.abs(ms);
    return sign + (a / 1000) + "." + String.format("%03d", a % 1000);
  }

  /**
   * Prometheus's {@code labels.Labels.String()}: {@code {__name__="up", job="a"}}, every label inside the
   * braces, values in Go's {@code %q} (how the engine's errors and promtool's test output print a label set).
   */
  public static String labels(Labels l) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(l.name(i)).append('=').append(quote(l.value(i)));
    }
    return sb.append('}').toString();
  }

  /** Go's {@code %q}: double-quoted with Go escapes. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case 7 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 11 -> sb.append("\\v");
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        default -> {
          if (cp < 0x20 || cp == 0x7f) {
            sb.append(String.format("\\x%02x", cp));
          } else if (cp < 0x80 || isPrintable(cp)) {
            sb.appendCodePoint(cp);
          } else if (cp <= 0xffff) {
            sb.append(String.format("\\u%04x", cp));
          } else {
            sb.append(String.format("\\U%08x", cp));
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static boolean isPrintable(int cp) {
    int t = Character.getType(cp);
    return !(t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE || t == Character.SURROGATE
        || t == Character.UNASSIGNED || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR
        || (t == Character.SPACE_SEPARATOR && cp != ' '));
  }
}
