package io.strata.ingest.otlp;

/** String renderings of OTLP attribute values, as the collector's {@code pcommon.Value.AsString} gives them. */
final class AttributeValues {
  private AttributeValues() {}

  static String formatDouble(double d) {
    // Go's strconv.FormatFloat(d, 'f', -1, 64): plain decimal, shortest digits
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  static String jsonOf(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return jsonString(s);
    }
    if (v instanceof Double d) {
      return formatDouble(d);
    }
    return v.toString();
  }
}
