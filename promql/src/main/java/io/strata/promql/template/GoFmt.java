package io.strata.promql.template;

import io.strata.promql.ast.GoFormat;
import io.strata.promql.template.GoType.Kind;
import io.strata.schemas.prom.GoFloat;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Go's {@code fmt} for the values templates print: {@code Sprint}, {@code Sprintln}, {@code Sprintf}
 * (verbs {@code v T t d b o O x X c q U e E f F g G s %}, flags {@code + - # 0 space}, width,
 * precision, {@code [n]} argument indexes, {@code *}), and {@code strconv.FormatFloat}'s rounding.
 */
final class GoFmt {
  private GoFmt() {}

  // ---- public entry points ----

  /** What {@code {{ x }}} writes: Go's printableValue then fmt.Fprint. */
  static String printValue(GoValue v) {
    if (v != null && v.kind() == Kind.PTR) {
      v = Exec.indirect(v);
    }
    if (v == null) {
      return "<no value>";
    }
    return sprint(List.of(v));
  }

  /** fmt.Sprint(v) as {@code %v}. */
  static String sprintV(GoValue v) {
    return sprint(java.util.Collections.singletonList(v));
  }

  /** fmt.Sprint: a space between operands when neither is a string. */
  static String sprint(List<GoValue> args) {
    StringBuilder sb = new StringBuilder();
    boolean prevString = false;
    for (int i = 0; i < args.size(); i++) {
      GoValue a = dyn(args.get(i));
      boolean isString = a != null && a.kind() == Kind.STRING;
      if (i > 0 && !isString && !prevString) {
        sb.append(' ');
      }
      new P(sb).printArg(a, 'v');
      prevString = isString;
    }
    return sb.toString();
  }

  /** fmt.Sprintln: always a space between operands, and a newline. */
  static String sprintln(List<GoValue> args) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      new P(sb).printArg(dyn(args.get(i)), 'v');
    }
    return sb.append('\n').toString();
  }

  /** fmt.Sprintf. */
  static String sprintf(String format, List<GoValue> args) {
    List<GoValue> a = new ArrayList<>(args.size());
    for (GoValue g : args) {
      a.add(dyn(g));
    }
    return new P(new StringBuilder()).doPrintf(format, a);
  }

  /** The dynamic value of an interface (null for a nil interface). */
  static GoValue dyn(GoValue v) {
    while (v != null && v.kind() == Kind.INTERFACE) {
      v = v.elem();
    }
    return v;
  }

  static List<Map.Entry<String, GoValue>> sortedEntries(Map<String, GoValue> m) {
    List<Map.Entry<String, GoValue>> l = new ArrayList<>(m.entrySet());
    l.sort((x, y) -> compareBytes(x.getKey(), y.getKey()));
    return l;
  }

  /** Go compares strings bytewise (UTF-8). */
  static int compareBytes(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.compareUnsigned(x, y);
  }

  // ---- strconv.FormatFloat ----

  /** Significant decimal digits (no leading or trailing zeros) and the position of the point. */
  private record Digits(String d, int dp) {
    int nd() {
      return d.length();
    }
  }

  private static Digits exactDigits(double abs) {
    if (abs == 0) {
      return new Digits("", 0);
    }
    BigDecimal bd = new BigDecimal(abs);
    String u = bd.unscaledValue().toString();
    int dp = u.length() - bd.scale();
    int end = u.length();
    while (end > 0 && u.charAt(end - 1) == '0') {
      end--;
    }
    return new Digits(u.substring(0, end), dp);
  }

  private static Digits shortestDigits(double abs) {
    if (abs == 0) {
      return new Digits("", 0);
    }
    String e = GoFloat.exponent(abs);
    int ei = e.indexOf('e');
    String mant = e.substring(0, ei).replace(".", "");
    int exp = Integer.parseInt(e.substring(ei + 1).replace("+", ""));
    Digits d = new Digits(mant, exp + 1);
    // GoFloat follows Java for Double.MIN_VALUE (4.9e-324); Go's shortest is 5e-324: keep dropping a digit
    // while the rounded value still reads back as the same double
    while (d.nd() > 1) {
      Digits shorter = round(d, d.nd() - 1);
      if (Double.parseDouble("0." + shorter.d + "e" + shorter.dp) != abs) {
        break;
      }
      d = shorter;
    }
    return d;
  }

  /** Go's decimal.Round(nd) on exact digits: half to even only when exactly half. */
  private static Digits round(Digits d, int nd) {
    if (nd < 0 || nd >= d.nd()) {
      return d;
    }
    boolean up;
    char c = d.d.charAt(nd);
    if (c == '5' && nd + 1 == d.nd()) {
      up = nd > 0 && (d.d.charAt(nd - 1) - '0') % 2 == 1;
    } else {
      up = c >= '5';
    }
    if (!up) {
      String s = d.d.substring(0, nd);
      int end = s.length();
      while (end > 0 && s.charAt(end - 1) == '0') {
        end--;
      }
      return new Digits(s.substring(0, end), d.dp);
    }
    char[] digits = d.d.substring(0, nd).toCharArray();
    int i = nd - 1;
    while (i >= 0 && digits[i] == '9') {
      i--;
    }
    if (i < 0) {
      return new Digits("1", d.dp + 1);
    }
    digits[i]++;
    return new Digits(new String(digits, 0, i + 1), d.dp);
  }

  /** strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G. */
  static String formatFloat(double v, char fmt, int prec) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    boolean neg = Double.doubleToRawLongBits(v) < 0;
    double abs = Math.abs(v);
    boolean shortest = prec < 0;
    Digits digs;
    if (shortest) {
      digs = shortestDigits(abs);
      switch (fmt) {
        case 'e', 'E' -> prec = Math.max(digs.nd() - 1, 0);
        case 'f' -> prec = Math.max(digs.nd() - digs.dp, 0);
        default -> prec = digs.nd();
      }
    } else {
      digs = exactDigits(abs);
      switch (fmt) {
        case 'e', 'E' -> digs = round(digs, prec + 1);
        case 'f' -> digs = round(digs, digs.dp + prec);
        default -> {
          if (prec == 0) {
            prec = 1;
          }
          digs = round(digs, prec);
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    if (neg) {
      sb.append('-');
    }
    switch (fmt) {
      case 'e', 'E' -> fmtE(sb, digs, prec, fmt);
      case 'f' -> fmtF(sb, digs, prec);
      default -> {
        int eprec = prec;
        if (eprec > digs.nd() && digs.nd() >= digs.dp) {
          eprec = digs.nd();
        }
        if (shortest) {
          eprec = 6;
        }
        int exp = digs.dp - 1;
        if (exp < -4 || exp >= eprec) {
          if (prec > digs.nd()) {
            prec = digs.nd();
          }
          fmtE(sb, digs, prec - 1, fmt == 'g' ? 'e' : 'E');
        } else {
          if (prec > digs.dp) {
            prec = digs.nd();
          }
          fmtF(sb, digs, Math.max(prec - digs.dp, 0));
        }
      }
    }
    return sb.toString();
  }

  private static void fmtE(StringBuilder sb, Digits d, int prec, char fmt) {
    sb.append(d.nd() == 0 ? '0' : d.d.charAt(0));
    if (prec > 0) {
      sb.append('.');
      int i = 1;
      int m = Math.min(d.nd(), prec + 1);
      if (i < m) {
        sb.append(d.d, i, m);
        i = m;
      }
      for (; i <= prec; i++) {
        sb.append('0');
      }
    }
    sb.append(fmt);
    int exp = d.dp - 1;
    if (d.nd() == 0) {
      exp = 0;
    }
    sb.append(exp < 0 ? '-' : '+');
    exp = Math.abs(exp);
    if (exp < 10) {
      sb.append('0');
    }
    sb.append(exp);
  }

  private static void fmtF(StringBuilder sb, Digits d, int prec) {
    if (d.dp > 0) {
      int m = Math.min(d.nd(), d.dp);
      sb.append(d.d, 0, m);
      for (; m < d.dp; m++) {
        sb.append('0');
      }
    } else {
      sb.append('0');
    }
    if (prec > 0) {
      sb.append('.');
      for (int i = 1; i <= prec; i++) {
        int j = d.dp + i - 1;
        sb.append(j >= 0 && j < d.nd() ? d.d.charAt(j) : '0');
      }
    }
  }

  // ---- the printer (fmt's pp and fmt types) ----

  private static final class P {
    final StringBuilder buf;
    boolean minus;
    boolean plus;
    boolean sharp;
    boolean space;
    boolean zero;
    boolean plusV;
    boolean sharpV;
    boolean widPresent;
    boolean precPresent;
    int wid;
    int prec;

    P(StringBuilder buf) {
      this.buf = buf;
    }

    void clearFlags() {
      minus = plus = sharp = space = zero = plusV = sharpV = widPresent = precPresent = false;
      wid = prec = 0;
    }

    // -- padding --

    void writePadding(int n) {
      if (n <= 0) {
        return;
      }
      char c = zero ? '0' : ' ';
      for (int i = 0; i < n; i++) {
        buf.append(c);
      }
    }

    void pad(String s) {
      if (!widPresent || wid == 0) {
        buf.append(s);
        return;
      }
      int width = wid - s.codePointCount(0, s.length());
      if (!minus) {
        writePadding(width);
        buf.append(s);
      } else {
        buf.append(s);
        boolean z = zero;
        zero = false;
        writePadding(width);
        zero = z;
      }
    }

    // -- printArg --

    void printArg(GoValue arg, char verb) {
      if (arg == null) {
        if (verb == 'T' || verb == 'v') {
          pad("<nil>");
        } else {
          badVerb(verb, null);
        }
        return;
      }
      if (verb == 'T') {
        fmtS(arg.type().name, 's');
        return;
      }
      printValue(arg, verb, 0);
    }

    void badVerb(char verb, GoValue v) {
      buf.append("%!").append(verb).append('(');
      if (v != null) {
        buf.append(v.type().name).append('=');
        printArg(v, 'v');
      } else {
        buf.append("<nil>");
      }
      buf.append(')');
    }

    boolean handleMethods(GoValue v, char verb) {
      if (sharpV) {
        return false;
      }
      String str = Methods.stringer(v);
      if (str == null) {
        return false;
      }
      switch (verb) {
        case 'v', 's', 'x', 'X', 'q' -> {
          fmtS(str, verb);
          return true;
        }
        default -> {
          return false;
        }
      }
    }

    void printValue(GoValue v, char verb, int depth) {
      if (v != null && handleMethods(v, verb)) {
        return;
      }
      if (v == null) {
        if (depth == 0) {
          buf.append("<invalid reflect.Value>");
        } else if (verb == 'v') {
          buf.append("<nil>");
        } else {
          badVerb(verb, null);
        }
        return;
      }
      switch (v.kind()) {
        case BOOL -> {
          if (verb == 't' || verb == 'v') {
            pad(v.b() ? "true" : "false");
          } else {
            badVerb(verb, v);
          }
        }
        case INT, INT64 -> fmtInteger(BigInteger.valueOf(v.l()), true, verb, v);
        case UINT, UINT64 -> fmtInteger(new BigInteger(Long.toUnsignedString(v.l())), false, verb, v);
        case FLOAT64 -> fmtFloatVerb(v.f(), verb, v);
        case COMPLEX128 -> {
          double[] c = (double[]) v.v();
          switch (verb) {
            case 'v', 'b', 'g', 'G', 'x', 'X', 'f', 'F', 'e', 'E' -> {
              boolean oldPlus = plus;
              buf.append('(');
              fmtFloatVerb(c[0], verb, v);
              plus = true;
              fmtFloatVerb(c[1], verb, v);
              buf.append("i)");
              plus = oldPlus;
            }
            default -> badVerb(verb, v);
          }
        }
        case STRING -> fmtString(v.s(), verb, v);
        case MAP -> {
          buf.append("map[");
          if (v.v() != null) {
            boolean first = true;
            for (Map.Entry<String, GoValue> e : sortedEntries(v.map())) {
              if (!first) {
                buf.append(' ');
              }
              first = false;
              printValue(GoValue.str(e.getKey()), verb, depth + 1);
              buf.append(':');
              printValue(e.getValue(), verb, depth + 1);
            }
          }
          buf.append(']');
        }
        case STRUCT -> {
          buf.append('{');
          GoValue[] fields = v.v() instanceof GoValue[] f ? f : new GoValue[0];
          for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
              buf.append(' ');
            }
            if (plusV || sharpV) {
              buf.append(v.type().fieldNames.get(i)).append(':');
            }
            printValue(fields[i], verb, depth + 1);
          }
          buf.append('}');
        }
        case INTERFACE -> {
          GoValue e = v.elem();
          if (e == null) {
            if (verb == 'v') {
              buf.append("<nil>");
            } else {
              badVerb(verb, null);
            }
          } else {
            printValue(e, verb, depth + 1);
          }
        }
        case SLICE -> {
          buf.append('[');
          if (v.v() != null) {
            List<GoValue> l = v.list();
            for (int i = 0; i < l.size(); i++) {
              if (i > 0) {
                buf.append(' ');
              }
              printValue(l.get(i), verb, depth + 1);
            }
          }
          buf.append(']');
        }
        case PTR -> {
          if (depth == 0 && v.v() != null) {
            GoValue e = v.elem();
            if (e.kind() == Kind.STRUCT || e.kind() == Kind.SLICE || e.kind() == Kind.MAP) {
              buf.append('&');
              printValue(e, verb, depth + 1);
              return;
            }
          }
          fmtPointer(v, verb);
        }
        case VALUE -> buf.append("<invalid reflect.Value>");
      }
    }

    /** Pointers print as addresses in Go; ours have none, so a fixed stand-in is printed. */
    void fmtPointer(GoValue v, char verb) {
      if (verb != 'v' && verb != 'p' && verb != 'x' && verb != 'X' && verb != 'b' && verb != 'o' && verb != 'd') {
        badVerb(verb, v);
        return;
      }
      if (v.v() == null) {
        pad(verb == 'v' ? "<nil>" : "0x0");
        return;
      }
      pad("0xc000000000");
    }

    // -- integers --

    void fmtInteger(BigInteger u, boolean signed, char verb, GoValue v) {
      switch (verb) {
        case 'v' -> {
          if (sharpV && !signed) {
            fmtIntBase(u, 16, signed, 'x', true);
          } else {
            fmtIntBase(u, 10, signed, 'd', false);
          }
        }
        case 'd' -> fmtIntBase(u, 10, signed, 'd', false);
        case 'b' -> fmtIntBase(u, 2, signed, 'b', false);
        case 'o', 'O' -> fmtIntBase(u, 8, signed, verb, false);
        case 'x' -> fmtIntBase(u, 16, signed, 'x', false);
        case 'X' -> fmtIntBase(u, 16, signed, 'X', false);
        case 'c' -> pad(new String(Character.toChars(validRune(u))));
        case 'q' -> pad(quoteRune(validRune(u)));
        case 'U' -> {
          String s = String.format("U+%04X", u.longValue());
          if (sharp && u.longValue() >= 0 && u.longValue() <= 0x10ffff && GoStrings.isPrint((int) u.longValue())) {
            s += " '" + new String(Character.toChars((int) u.longValue())) + "'";
          }
          pad(s);
        }
        default -> badVerb(verb, v);
      }
    }

    static int validRune(BigInteger u) {
      long r = u.longValue();
      if (u.bitLength() > 32 || r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) {
        return 0xfffd;
      }
      return (int) r;
    }

    static String quoteRune(int r) {
      String q = GoFormat.quote(new String(Character.toChars(r)));
      String body = q.substring(1, q.length() - 1);
      if (body.equals("\\\"")) {
        body = "\"";
      } else if (body.equals("'")) {
        body = "\\'";
      }
      return "'" + body + "'";
    }

    void fmtIntBase(BigInteger u, int base, boolean signed, char verb, boolean forceSharp) {
      boolean negative = u.signum() < 0;
      String digits = u.abs().toString(base);
      if (verb == 'X') {
        digits = digits.toUpperCase(java.util.Locale.ROOT);
      }
      int precision = 1;
      if (precPresent) {
        precision = prec;
        if (precision == 0 && u.signum() == 0) {
          boolean z = zero;
          zero = false;
          writePadding(wid);
          zero = z;
          return;
        }
      } else if (zero && widPresent && !minus) {
        precision = wid;
        if (negative || plus || space) {
          precision--;
        }
      }
      StringBuilder sb = new StringBuilder();
      for (int i = digits.length(); i < precision; i++) {
        sb.append('0');
      }
      sb.append(digits);
      String body = sb.toString();
      String prefix = "";
      if (sharp || forceSharp) {
        switch (base) {
          case 2 -> prefix = "0b";
          case 8 -> {
            if (body.charAt(0) != '0') {
              prefix = "0";
            }
          }
          case 16 -> prefix = verb == 'X' ? "0X" : "0x";
          default -> {
          }
        }
      }
      if (verb == 'O') {
        prefix = "0o";
      }
      String sign = negative ? "-" : plus ? "+" : space ? " " : "";
      boolean z = zero;
      zero = false;
      pad(sign + prefix + body);
      zero = z;
    }

    // -- floats --

    void fmtFloatVerb(double f, char verb, GoValue v) {
      switch (verb) {
        case 'v' -> fmtFloat(f, 'g', -1);
        case 'g', 'G' -> fmtFloat(f, verb, -1);
        case 'f', 'F', 'e', 'E' -> fmtFloat(f, verb, 6);
        default -> badVerb(verb, v);
      }
    }

    void fmtFloat(double v, char verb, int defPrec) {
      int p = precPresent ? prec : defPrec;
      char fmt = verb == 'F' ? 'f' : verb;
      String num = formatFloat(v, fmt, p);
      if (sharp && verb != 'b') {
        num = sharpFloat(num, verb, p);
      }
      String s = num.charAt(0) == '-' || num.charAt(0) == '+' ? num : "+" + num;
      if (space && s.charAt(0) == '+' && !plus) {
        s = " " + s.substring(1);
      }
      if (s.charAt(1) == 'I' || s.charAt(1) == 'N') {
        boolean z = zero;
        zero = false;
        if (s.charAt(1) == 'N' && !space && !plus) {
          s = s.substring(1);
        }
        pad(s);
        zero = z;
        return;
      }
      if (plus || s.charAt(0) != '+') {
        if (zero && widPresent && wid > s.length()) {
          buf.append(s.charAt(0));
          writePadding(wid - s.length());
          buf.append(s, 1, s.length());
          return;
        }
        pad(s);
        return;
      }
      pad(s.substring(1));
    }

    /** The {@code #} flag: keep a decimal point, and trailing zeros for %g. */
    private static String sharpFloat(String num, char verb, int p) {
      if (num.endsWith("Inf") || num.endsWith("NaN")) {
        return num;
      }
      int digits = p;
      if (verb == 'v' || verb == 'g' || verb == 'G') {
        if (digits == -1) {
          digits = 6;
        }
      }
      StringBuilder tail = new StringBuilder();
      String body = num;
      int e = Math.max(body.indexOf('e'), body.indexOf('E'));
      if (e >= 0) {
        tail.append(body.substring(e));
        body = body.substring(0, e);
      }
      boolean sawNonzero = false;
      boolean hasPoint = body.indexOf('.') >= 0;
      for (char c : body.toCharArray()) {
        if (c == '.') {
          continue;
        }
        if (c >= '0' && c <= '9') {
          if (c != '0') {
            sawNonzero = true;
          }
          if (sawNonzero) {
            digits--;
          }
        }
      }
      if (!hasPoint) {
        if (body.length() == 2 && body.charAt(1) == '0' && !Character.isDigit(body.charAt(0))) {
          digits--;
        } else if (body.equals("0")) {
          digits--;
        }
        body = body + ".";
      }
      StringBuilder sb = new StringBuilder(body);
      if (verb == 'v' || verb == 'g' || verb == 'G') {
        for (; digits > 0; digits--) {
          sb.append('0');
        }
      }
      return sb.append(tail).toString();
    }

    // -- strings --

    void fmtString(String s, char verb, GoValue v) {
      switch (verb) {
        case 'v' -> {
          if (sharpV) {
            pad(GoFormat.quote(s));
          } else {
            fmtS(s, 's');
          }
        }
        case 's', 'q', 'x', 'X' -> fmtS(s, verb);
        default -> badVerb(verb, v);
      }
    }

    void fmtS(String s, char verb) {
      switch (verb) {
        case 's', 'v' -> pad(truncate(s));
        case 'q' -> {
          String t = truncate(s);
          if (sharp && t.indexOf('`') < 0 && canBackquote(t)) {
            pad("`" + t + "`");
          } else if (plus) {
            pad(GoStrings.quoteASCII(t));
          } else {
            pad(GoFormat.quote(t));
          }
        }
        default -> {
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          int length = b.length;
          if (precPresent && prec < length) {
            length = prec;
          }
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < length; i++) {
            if (space && i > 0) {
              sb.append(' ');
            }
            if (sharp && (space || i == 0)) {
              sb.append(verb == 'X' ? "0X" : "0x");
            }
            String h = String.format("%02x", b[i] & 0xff);
            sb.append(verb == 'X' ? h.toUpperCase(java.util.Locale.ROOT) : h);
          }
          pad(sb.toString());
        }
      }
    }

    String truncate(String s) {
      if (precPresent && s.codePointCount(0, s.length()) > prec) {
        return s.substring(0, s.offsetByCodePoints(0, prec));
      }
      return s;
    }

    static boolean canBackquote(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if ((c < ' ' && c != '\t') || c == '`' || c == 0x7f || c == '\uFEFF') {
          return false;
        }
      }
      return true;
    }

    // -- Printf --

    boolean goodArgNum;
    boolean reordered;

    String doPrintf(String format, List<GoValue> a) {
      int end = format.length();
      int argNum = 0;
      boolean afterIndex;
      reordered = false;
      int i = 0;
      formatLoop:
      while (i < end) {
        goodArgNum = true;
        int lasti = i;
        while (i < end && format.charAt(i) != '%') {
          i++;
        }
        if (i > lasti) {
          buf.append(format, lasti, i);
        }
        if (i >= end) {
          break;
        }
        i++;
        clearFlags();
        simple:
        for (; i < end; i++) {
          char c = format.charAt(i);
          switch (c) {
            case '#' -> sharp = true;
            case '0' -> zero = !minus;
            case '+' -> plus = true;
            case '-' -> {
              minus = true;
              zero = false;
            }
            case ' ' -> space = true;
            default -> {
              if ('a' <= c && c <= 'z' && argNum < a.size()) {
                if (c == 'v') {
                  sharpV = sharp;
                  sharp = false;
                  plusV = plus;
                  plus = false;
                }
                printArg(a.get(argNum), c);
                argNum++;
                i++;
                continue formatLoop;
              }
              break simple;
            }
          }
        }
        int[] r = argNumber(argNum, format, i, a.size());
        argNum = r[0];
        i = r[1];
        afterIndex = r[2] == 1;
        if (i < end && format.charAt(i) == '*') {
          i++;
          int[] w = intFromArg(a, argNum);
          wid = w[0];
          widPresent = w[1] == 1;
          argNum = w[2];
          if (!widPresent) {
            buf.append("%!(BADWIDTH)");
          }
          if (wid < 0) {
            wid = -wid;
            minus = true;
            zero = false;
          }
          afterIndex = false;
        } else {
          int[] n = parsenum(format, i, end);
          wid = n[0];
          widPresent = n[1] == 1;
          i = n[2];
          if (afterIndex && widPresent) {
            goodArgNum = false;
          }
        }
        if (i + 1 < end && format.charAt(i) == '.') {
          i++;
          if (afterIndex) {
            goodArgNum = false;
          }
          r = argNumber(argNum, format, i, a.size());
          argNum = r[0];
          i = r[1];
          afterIndex = r[2] == 1;
          if (i < end && format.charAt(i) == '*') {
            i++;
            int[] w = intFromArg(a, argNum);
            prec = w[0];
            precPresent = w[1] == 1;
            argNum = w[2];
            if (prec < 0) {
              prec = 0;
              precPresent = false;
            }
            if (!precPresent) {
              buf.append("%!(BADPREC)");
            }
            afterIndex = false;
          } else {
            int[] n = parsenum(format, i, end);
            prec = n[0];
            precPresent = n[1] == 1;
            i = n[2];
            if (!precPresent) {
              prec = 0;
              precPresent = true;
            }
          }
        }
        if (!afterIndex) {
          r = argNumber(argNum, format, i, a.size());
          argNum = r[0];
          i = r[1];
        }
        if (i >= end) {
          buf.append("%!(NOVERB)");
          break;
        }
        int verb = format.codePointAt(i);
        i += Character.charCount(verb);
        if (verb == '%') {
          buf.append('%');
        } else if (!goodArgNum) {
          buf.append("%!").appendCodePoint(verb).append("(BADINDEX)");
        } else if (argNum >= a.size()) {
          buf.append("%!").appendCodePoint(verb).append("(MISSING)");
        } else {
          if (verb == 'v') {
            sharpV = sharp;
            sharp = false;
            plusV = plus;
            plus = false;
          }
          printArg(a.get(argNum), (char) verb);
          argNum++;
        }
      }
      if (!reordered && argNum < a.size()) {
        clearFlags();
        buf.append("%!(EXTRA ");
        for (int k = argNum; k < a.size(); k++) {
          if (k > argNum) {
            buf.append(", ");
          }
          GoValue arg = a.get(k);
          if (arg == null) {
            buf.append("<nil>");
          } else {
            buf.append(arg.type().name).append('=');
            printArg(arg, 'v');
          }
        }
        buf.append(')');
      }
      return buf.toString();
    }

    /** {newArgNum, newI, found}; updates reordered and goodArgNum as Go's argNumber. */
    private int[] argNumber(int argNum, String format, int i, int numArgs) {
      if (format.length() <= i || format.charAt(i) != '[') {
        return new int[] {argNum, i, 0};
      }
      reordered = true;
      String f = format.substring(i);
      int index = 0;
      int wid = 1;
      boolean ok = false;
      if (f.length() >= 3) {
        for (int j = 1; j < f.length(); j++) {
          if (f.charAt(j) == ']') {
            int[] n = parsenum(f, 1, j);
            if (n[1] == 0 || n[2] != j) {
              wid = j + 1;
            } else {
              index = n[0] - 1;
              wid = j + 1;
              ok = true;
            }
            break;
          }
        }
      }
      if (ok && index >= 0 && index < numArgs) {
        return new int[] {index, i + wid, 1};
      }
      goodArgNum = false;
      return new int[] {argNum, i + wid, ok ? 1 : 0};
    }

    /** {num, isnum, newi}. */
    private static int[] parsenum(String s, int start, int end) {
      if (start >= end) {
        return new int[] {0, 0, end};
      }
      int num = 0;
      boolean isnum = false;
      int i = start;
      for (; i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
        if (num > 1_000_000) {
          return new int[] {0, 0, end};
        }
        num = num * 10 + (s.charAt(i) - '0');
        isnum = true;
      }
      return new int[] {num, isnum ? 1 : 0, i};
    }

    /** {num, isInt, newArgNum}. */
    private static int[] intFromArg(List<GoValue> a, int argNum) {
      if (argNum < a.size()) {
        GoValue v = a.get(argNum);
        if (v != null && v.type().isIntLike()) {
          long n = v.l();
          if (n >= -1_000_000 && n <= 1_000_000) {
            return new int[] {(int) n, 1, argNum + 1};
          }
          return new int[] {0, 0, argNum + 1};
        }
        return new int[] {0, 0, argNum + 1};
      }
      return new int[] {0, 0, argNum};
    }
  }
}
