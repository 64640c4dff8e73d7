package io.strata.promql.template;

import java.nio.charset.StandardCharsets;

/** Go's {@code unicode}, {@code strings} and escaping functions as templates use them. */
final class GoStrings {
  private GoStrings() {}

  /** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
  static boolean isPrint(int r) {
    if (r == ' ') {
      return true;
    }
    return switch (Character.getType(r)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER,
          Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
      default -> false;
    };
  }

  /** unicode.IsSpace. */
  static boolean isSpace(int r) {
    switch (r) {
      case '\t', '\n', 11, '\f', '\r', ' ', 0x85, 0xA0:
        return true;
      default:
        return r > 0xff && Character.getType(r) == Character.SPACE_SEPARATOR
            || r == 0x2028 || r == 0x2029;
    }
  }

  /** strconv.QuoteToASCII. */
  static String quoteASCII(String s) {
    StringBuilder sb = new StringBuilder("\"");
    String q = io.strata.promql.ast.GoFormat.quote(s);
    String body = q.substring(1, q.length() - 1);
    for (int i = 0; i < body.length(); ) {
      int cp = body.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x80) {
        sb.append((char) cp);
      } else if (cp <= 0xffff) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.append(String.format("\\U%08x", cp));
      }
    }
    return sb.append('"').toString();
  }

  private static boolean isSeparator(int r) {
    if (r <= 0x7f) {
      return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_');
    }
    if (Character.isLetter(r) || Character.isDigit(r)) {
      return false;
    }
    return isSpace(r);
  }

  /** strings.Title (deprecated in Go, still what Prometheus's {@code title} calls). */
  static String title(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    int prev = ' ';
    for (int i = 0; i < s.length(); ) {
      int r = s.codePointAt(i);
      i += Character.charCount(r);
      sb.appendCodePoint(isSeparator(prev) ? Character.toTitleCase(r) : r);
      prev = r;
    }
    return sb.toString();
  }

  /** strings.ToUpper: rune by rune (no special casing such as ß to SS). */
  static String toUpper(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(r -> sb.appendCodePoint(Character.toUpperCase(r)));
    return sb.toString();
  }

  static String toLower(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(r -> sb.appendCodePoint(Character.toLowerCase(r)));
    return sb.toString();
  }

  /** url.QueryEscape. */
  static String queryEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || c == '.' || c == '~') {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  /** text/template's HTMLEscapeString. */
  static String htmlEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case 0 -> sb.append('\uFFFD');
        case '"' -> sb.append("&#34;");
        case '\'' -> sb.append("&#39;");
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** text/template's JSEscapeString. */
  static String jsEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int r = s.codePointAt(i);
      i += Character.charCount(r);
      if (r < 0x80) {
        switch (r) {
          case '\\' -> sb.append("\\\\");
          case '\'' -> sb.append("\\'");
          case '"' -> sb.append("\\\"");
          case '<' -> sb.append("\\u003C");
          case '>' -> sb.append("\\u003E");
          case '&' -> sb.append("\\u0026");
          case '=' -> sb.append("\\u003D");
          default -> {
            if (r < ' ') {
              sb.append(String.format("\\u00%02X", r));
            } else {
              sb.append((char) r);
            }
          }
        }
      } else if (isPrint(r)) {
        sb.appendCodePoint(r);
      } else {
        sb.append(String.format("\\u%04X", r));
      }
    }
    return sb.toString();
  }
}
