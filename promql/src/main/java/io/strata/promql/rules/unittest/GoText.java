package io.strata.promql.rules.unittest;

import io.strata.promql.ast.GoFormat;
import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoFloat;
import java.util.Map;

/** The Go notations promtool's test output uses. */
final class GoText {
  private GoText() {}

  /** {@code labels.Labels.String()}: {@code {__name__="up", job="a"}}, every label inside the braces. */
  static String labels(Labels l) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(l.name(i)).append('=').append(GoFormat.quote(l.value(i)));
    }
    return sb.append('}').toString();
  }

  /** The same for name/value pairs kept in their own order (annotations). */
  static String pairs(Map<String, String> m) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (var e : m.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(e.getKey()).append('=').append(GoFormat.quote(e.getValue()));
    }
    return sb.append('}').toString();
  }

  /** {@code strconv.FormatFloat(v, 'E', -1, 64)}: {@code 1E+00}, {@code 2.5E-07}, {@code NaN}, {@code +Inf}. */
  static String floatE(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return GoFloat.exponent(v).replace('e', 'E');
  }

  /** Go's {@code time.Duration.String()} for whole milliseconds: {@code 0s}, {@code 1m30s}, {@code 1h0m0s}, {@code 1.5s}, {@code 500ms}. */
  static String goDuration(long ms) {
    if (ms == 0) {
      return "0s";
    }
    String sign = ms < 0 ? "-" : "";
    long a = Math.abs(ms);
    if (a < 1000) {
      return sign + a + "ms";
    }
    long h = a / 3_600_000;
    long m = a / 60_000 % 60;
    long s = a / 1000 % 60;
    long frac = a % 1000;
    StringBuilder sb = new StringBuilder(sign);
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    sb.append(s);
    if (frac > 0) {
      String f = String.format("%03d", frac).replaceAll("0+$", "");
      sb.append('.').append(f);
    }
    return sb.append('s').toString();
  }

  /** promtool's {@code indentLines}: every line but the first prefixed with {@code indent}. */
  static String indentLines(String lines, String indent) {
    String[] n = lines.split("\n", -1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n.length; i++) {
      if (i > 0) {
        sb.append(indent);
      }
      sb.append(n[i]);
      if (i != n.length - 1) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
