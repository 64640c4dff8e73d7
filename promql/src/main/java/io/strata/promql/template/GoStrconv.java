package io.strata.promql.template;

import io.strata.promql.ast.GoFormat;
import java.math.BigDecimal;
import java.math.BigInteger;

/** The parts of Go's {@code strconv} that templates reach: literal unquoting and number parsing. */
final class GoStrconv {
  private GoStrconv() {}

  /** Thrown by {@link #parseFloat} with Go's error text. */
  static final class NumError extends Exception {
    NumError(String fn, String input, String err) {
      super("strconv." + fn + ": parsing " + GoFormat.quote(input) + ": " + err, null, false, false);
    }
  }

  /** Go's {@code strconv.Unquote} for "..." and `...` literals; null on a syntax error. */
  static String unquote(String s) {
    int n = s.length();
    if (n < 2) {
      return null;
    }
    char q = s.charAt(0);
    if (q != s.charAt(n - 1)) {
      return null;
    }
    String body = s.substring(1, n - 1);
    if (q == '`') {
      if (body.indexOf('`') >= 0) {
        return null;
      }
      return body.replace("\r", "");
    }
    if (q != '"' && q != '\'') {
      return null;
    }
    if (body.indexOf('\n') >= 0) {
      return null;
    }
    if (body.indexOf('\\') < 0 && body.indexOf(q) < 0) {
      if (q == '"') {
        return body;
      }
      if (body.codePointCount(0, body.length()) == 1) {
        return body;
      }
      return null;
    }
    StringBuilder sb = new StringBuilder();
    int[] i = {0};
    while (i[0] < body.length()) {
      int r = unquoteChar(body, i, q);
      if (r == Integer.MIN_VALUE) {
        return null;
      }
      sb.appendCodePoint(r);
      if (q == '\'') {
        return i[0] == body.length() ? sb.toString() : null;
      }
    }
    return sb.toString();
  }

  /** Go's {@code strconv.UnquoteChar} at {@code i[0]}; advances it; Integer.MIN_VALUE on error. */
  static int unquoteChar(String s, int[] i, char quote) {
    int c = s.codePointAt(i[0]);
    if (c == quote && (quote == '\'' || quote == '"')) {
      return Integer.MIN_VALUE;
    }
    if (c != '\\') {
      i[0] += Character.charCount(c);
      return c;
    }
    if (i[0] + 1 >= s.length()) {
      return Integer.MIN_VALUE;
    }
    char e = s.charAt(i[0] + 1);
    i[0] += 2;
    switch (e) {
      case 'a':
        return 7;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return 11;
      case 'x', 'u', 'U': {
        int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i[0] + len > s.length()) {
          return Integer.MIN_VALUE;
        }
        int v = 0;
        for (int k = 0; k < len; k++) {
          int d = Character.digit(s.charAt(i[0] + k), 16);
          if (d < 0) {
            return Integer.MIN_VALUE;
          }
          v = (v << 4) | d;
        }
        i[0] += len;
        if (e == 'x') {
          return v;
        }
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
          return Integer.MIN_VALUE;
        }
        return v;
      }
      case '0', '1', '2', '3', '4', '5', '6', '7': {
        int v = e - '0';
        if (i[0] + 2 > s.length()) {
          return Integer.MIN_VALUE;
        }
        for (int k = 0; k < 2; k++) {
          int d = s.charAt(i[0] + k) - '0';
          if (d < 0 || d > 7) {
            return Integer.MIN_VALUE;
          }
          v = (v << 3) | d;
        }
        i[0] += 2;
        if (v > 255) {
          return Integer.MIN_VALUE;
        }
        return v;
      }
      case '\\':
        return '\\';
      case '\'', '"':
        if (e != quote) {
          return Integer.MIN_VALUE;
        }
        return e;
      default:
        return Integer.MIN_VALUE;
    }
  }

  /** Go's {@code parse.newNumber}: a NumberNode, or the error text. */
  static Object newNumber(Tree t, int pos, String text, Lexer.T typ) {
    Node.NumberNode n = new Node.NumberNode(t, pos, text);
    if (typ == Lexer.T.CHAR_CONSTANT) {
      int[] i = {1};
      String body = text;
      if (body.length() < 2) {
        return "invalid syntax";
      }
      int r = unquoteChar(body, i, '\'');
      if (r == Integer.MIN_VALUE) {
        return "invalid syntax";
      }
      if (!body.substring(i[0]).equals("'")) {
        return "malformed character constant: " + text;
      }
      n.int64 = r;
      n.isInt = true;
      n.uint64 = r;
      n.isUint = true;
      n.float64 = r;
      n.isFloat = true;
      return n;
    }
    if (typ == Lexer.T.COMPLEX) {
      // "a+bi": real and imaginary parts
      int split = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
      Double re = split > 0 ? parseFloatOrNull(text.substring(0, split)) : null;
      Double im = split > 0 ? parseFloatOrNull(text.substring(split, text.length() - 1)) : null;
      if (re == null || im == null) {
        return "expected integer";
      }
      n.isComplex = true;
      n.real = re;
      n.imag = im;
      simplifyComplex(n);
      return n;
    }
    if (!text.isEmpty() && text.charAt(text.length() - 1) == 'i') {
      Double f = parseFloatOrNull(text.substring(0, text.length() - 1));
      if (f != null) {
        n.isComplex = true;
        n.real = 0;
        n.imag = f;
        simplifyComplex(n);
        return n;
      }
    }
    BigInteger u = parseIntBase0(text, false);
    if (u != null) {
      n.isUint = true;
      n.uint64 = u.longValue();
    }
    BigInteger i = parseIntBase0(text, true);
    if (i != null) {
      n.isInt = true;
      n.int64 = i.longValue();
      if (n.int64 == 0) {
        n.isUint = true;
        n.uint64 = u == null ? 0 : u.longValue();
      }
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float64 = n.int64;
    } else if (n.isUint) {
      n.isFloat = true;
      n.float64 = new BigDecimal(new BigInteger(Long.toUnsignedString(n.uint64))).doubleValue();
    } else {
      Double f = parseFloatOrNull(text);
      if (f != null) {
        if (!containsAny(text, ".eEpP")) {
          return "integer overflow: " + GoFormat.quote(text);
        }
        n.isFloat = true;
        n.float64 = f;
        if (!n.isInt && isExactInt64(f)) {
          n.isInt = true;
          n.int64 = (long) f.doubleValue();
        }
        if (!n.isUint && f >= 0 && f < 0x1p64 && f == Math.floor(f)) {
          n.isUint = true;
          n.uint64 = new BigDecimal(f).toBigInteger().longValue();
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) {
      return "illegal number syntax: " + GoFormat.quote(text);
    }
    return n;
  }

  private static boolean isExactInt64(double f) {
    return f >= -0x1p63 && f < 0x1p63 && f == Math.floor(f);
  }

  private static void simplifyComplex(Node.NumberNode n) {
    n.isFloat = n.imag == 0;
    if (n.isFloat) {
      n.float64 = n.real;
      n.isInt = isExactInt64(n.float64);
      if (n.isInt) {
        n.int64 = (long) n.float64;
      }
      n.isUint = n.float64 >= 0 && n.float64 < 0x1p64 && n.float64 == Math.floor(n.float64);
      if (n.isUint) {
        n.uint64 = new BigDecimal(n.float64).toBigInteger().longValue();
      }
    }
  }

  private static boolean containsAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Go's {@code ParseInt(s, 0, 64)} (signed) or {@code ParseUint(s, 0, 64)}; null on any error. */
  static BigInteger parseIntBase0(String s, boolean signed) {
    if (s.isEmpty()) {
      return null;
    }
    boolean neg = false;
    String body = s;
    if (signed && (body.charAt(0) == '+' || body.charAt(0) == '-')) {
      neg = body.charAt(0) == '-';
      body = body.substring(1);
    }
    if (body.isEmpty()) {
      return null;
    }
    int base = 10;
    String digits = body;
    boolean prefixed = false;
    if (body.charAt(0) == '0' && body.length() > 1) {
      char c = Character.toLowerCase(body.charAt(1));
      if (c == 'x') {
        base = 16;
        digits = body.substring(2);
      } else if (c == 'o') {
        base = 8;
        digits = body.substring(2);
      } else if (c == 'b') {
        base = 2;
        digits = body.substring(2);
      } else {
        base = 8;
        digits = body.substring(1);
      }
      prefixed = true;
    }
    if (digits.indexOf('_') >= 0) {
      if (!underscoreOK(body)) {
        return null;
      }
      digits = digits.replace("_", "");
    }
    if (digits.isEmpty()) {
      return null;
    }
    BigInteger v;
    try {
      for (int i = 0; i < digits.length(); i++) {
        if (Character.digit(digits.charAt(i), base) < 0) {
          return null;
        }
      }
      v = new BigInteger(digits, base);
    } catch (NumberFormatException e) {
      return null;
    }
    if (neg) {
      v = v.negate();
    }
    if (signed) {
      if (v.bitLength() > 63) {
        return null;
      }
    } else if (v.signum() < 0 || v.bitLength() > 64) {
      return null;
    }
    return v;
  }

  /** Go's {@code underscoreOK}: underscores only between digits or after a base prefix. */
  private static boolean underscoreOK(String s) {
    char saw = '^';
    int i = 0;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      s = s.substring(1);
    }
    boolean hex = false;
    if (s.length() >= 2 && s.charAt(0) == '0') {
      char c = Character.toLowerCase(s.charAt(1));
      if (c == 'b' || c == 'o' || c == 'x') {
        hex = c == 'x';
        i = 2;
        saw = '0';
      }
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= '0' && c <= '9') || (hex && Character.digit(c, 16) >= 0)) {
        saw = '0';
        continue;
      }
      if (c == '_') {
        if (saw != '0') {
          return false;
        }
        saw = '_';
        continue;
      }
      if (saw == '_') {
        return false;
      }
      saw = '!';
    }
    return saw != '_';
  }

  private static Double parseFloatOrNull(String s) {
    try {
      return parseFloat(s);
    } catch (NumError e) {
      return null;
    }
  }

  /** Go's {@code strconv.ParseFloat(s, 64)} with its error texts (out of range returns an error). */
  static double parseFloat(String s) throws NumError {
    String body = s;
    boolean neg = false;
    boolean signed = false;
    if (!body.isEmpty() && (body.charAt(0) == '+' || body.charAt(0) == '-')) {
      neg = body.charAt(0) == '-';
      signed = true;
      body = body.substring(1);
    }
    String lower = body.toLowerCase(java.util.Locale.ROOT);
    if (lower.equals("inf") || lower.equals("infinity")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (lower.equals("nan") && !signed) {
      return Double.NaN;
    }
    boolean hex = lower.startsWith("0x");
    String digits = body;
    if (digits.indexOf('_') >= 0) {
      if (!hex || !underscoreOK(body)) {
        throw new NumError("ParseFloat", s, "invalid syntax");
      }
      digits = digits.replace("_", "");
    }
    double v;
    if (hex) {
      if (!digits.substring(2).matches("(?i)([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[+-]?[0-9]+)")) {
        throw new NumError("ParseFloat", s, "invalid syntax");
      }
      v = Double.parseDouble("0x" + digits.substring(2));
    } else {
      if (!digits.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
        throw new NumError("ParseFloat", s, "invalid syntax");
      }
      v = Double.parseDouble(digits);
    }
    if (Double.isInfinite(v)) {
      throw new NumError("ParseFloat", s, "value out of range");
    }
    return neg ? -v : v;
  }
}
