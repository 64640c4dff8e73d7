package io.strata.promql.template;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Go's {@code regexp} (RE2) as Prometheus's {@code reReplaceAll} and {@code match} use it, on re2j,
 * matching over UTF-8 bytes: Go's ReplaceAllString loop (no replacement of an empty match right after
 * a match) and its {@code $1 ${1} $name $$} expansion.
 */
final class GoRegexp {
  private GoRegexp() {}

  /** Compiles or throws with Go's text ({@code error parsing regexp: missing closing ): `(`}). */
  static Pattern compile(String expr) throws GoFunc.FuncError {
    try {
      return Pattern.compile(expr);
    } catch (PatternSyntaxException e) {
      throw new GoFunc.FuncError(e.getMessage());
    }
  }

  /** regexp.MustCompile's panic text. */
  static Pattern mustCompile(String expr) throws GoFunc.FuncError {
    try {
      return Pattern.compile(expr);
    } catch (PatternSyntaxException e) {
      String q = canBackquote(expr) ? "`" + expr + "`" : io.strata.promql.ast.GoFormat.quote(expr);
      throw new GoFunc.FuncError("regexp: Compile(" + q + "): " + e.getMessage());
    }
  }

  private static boolean canBackquote(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < ' ' && c != '\t') || c == '`' || c == 0x7f || c == '\uFEFF') {
        return false;
      }
    }
    return true;
  }

  static boolean matchString(Pattern p, String s) {
    return p.matcher(s.getBytes(StandardCharsets.UTF_8)).find();
  }

  static String replaceAll(Pattern p, String text, String repl) {
    byte[] src = text.getBytes(StandardCharsets.UTF_8);
    Matcher m = p.matcher(src);
    ByteArrayOutputStream buf = new ByteArrayOutputStream(src.length + 16);
    int lastMatchEnd = 0;
    int searchPos = 0;
    while (searchPos <= src.length) {
      if (!m.find(searchPos)) {
        break;
      }
      int a0 = m.start();
      int a1 = m.end();
      buf.write(src, lastMatchEnd, a0 - lastMatchEnd);
      if (a1 > lastMatchEnd || a0 == 0) {
        expand(buf, repl, src, m, p.namedGroups());
      }
      lastMatchEnd = a1;
      int width = Utf8.width(src, searchPos);
      if (searchPos + width > a1) {
        searchPos += width;
      } else if (searchPos + 1 > a1) {
        searchPos++;
      } else {
        searchPos = a1;
      }
    }
    buf.write(src, lastMatchEnd, src.length - lastMatchEnd);
    return buf.toString(StandardCharsets.UTF_8);
  }

  private static void expand(ByteArrayOutputStream dst, String template, byte[] src, Matcher m,
      Map<String, Integer> names) {
    byte[] t = template.getBytes(StandardCharsets.UTF_8);
    int i = 0;
    while (i < t.length) {
      int d = indexOf(t, i, (byte) '$');
      if (d < 0) {
        break;
      }
      dst.write(t, i, d - i);
      i = d + 1;
      if (i < t.length && t[i] == '$') {
        dst.write('$');
        i++;
        continue;
      }
      // extract
      int j = i;
      boolean brace = false;
      if (j < t.length && t[j] == '{') {
        brace = true;
        j++;
      }
      int nameStart = j;
      while (j < t.length) {
        int[] rw = Utf8.decode(t, j);
        if (!Character.isLetter(rw[0]) && !Character.isDigit(rw[0]) && rw[0] != '_') {
          break;
        }
        j += rw[1];
      }
      if (j == nameStart || (brace && (j >= t.length || t[j] != '}'))) {
        dst.write('$');
        continue;
      }
      String name = new String(t, nameStart, j - nameStart, StandardCharsets.UTF_8);
      if (brace) {
        j++;
      }
      i = j;
      int num = 0;
      for (int k = 0; k < name.length(); k++) {
        char c = name.charAt(k);
        if (c < '0' || c > '9' || num >= 100_000_000) {
          num = -1;
          break;
        }
        num = num * 10 + (c - '0');
      }
      if (name.charAt(0) == '0' && name.length() > 1) {
        num = -1;
      }
      int group = num;
      if (num < 0) {
        Integer g = names.get(name);
        group = g == null ? -1 : g;
      }
      if (group >= 0 && group <= m.groupCount() && m.start(group) >= 0) {
        dst.write(src, m.start(group), m.end(group) - m.start(group));
      }
    }
    if (i < t.length) {
      dst.write(t, i, t.length - i);
    }
  }

  private static int indexOf(byte[] b, int from, byte c) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
