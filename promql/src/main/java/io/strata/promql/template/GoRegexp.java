package io.strata.promql.template;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.strata.schemas.prom.GoExpand;
import io.strata.schemas.prom.GoRegex;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Go's {@code regexp} (RE2) as Prometheus's {@code reReplaceAll} and {@code match} use it, on re2j,
 * matching over UTF-8 bytes: Go's ReplaceAllString loop (no replacement of an empty match right after
 * a match) and its {@code $1 ${1} $name $$} expansion ({@link GoExpand}).
 */
final class GoRegexp {
  private GoRegexp() {}

  /** Compiles or throws with Go's text ({@code error parsing regexp: missing closing ): `(`}). */
  static Pattern compile(String expr) throws GoFunc.FuncError {
    try {
      return GoRegex.unanchored(expr).pattern();
    } catch (GoRegex.SyntaxException e) {
      throw new GoFunc.FuncError(e.getMessage());
    }
  }

  /** regexp.MustCompile's panic text. */
  static Pattern mustCompile(String expr) throws GoFunc.FuncError {
    try {
      return GoRegex.unanchored(expr).pattern();
    } catch (GoRegex.SyntaxException e) {
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
    GoExpand.Match match = match(p, m, src);
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
        buf.writeBytes(GoExpand.expand(repl, match).getBytes(StandardCharsets.UTF_8));
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

  /** The current match of {@code m} over the UTF-8 bytes {@code src}, for Go's template expansion. */
  private static GoExpand.Match match(Pattern p, Matcher m, byte[] src) {
    return new GoExpand.Match() {
      @Override
      public int groupNumber(String name) {
        Integer g = p.namedGroups().get(name);
        return g == null ? -1 : g;
      }

      @Override
      public void appendGroup(int group, StringBuilder out) {
        if (group <= m.groupCount() && m.start(group) >= 0) {
          out.append(new String(src, m.start(group), m.end(group) - m.start(group), StandardCharsets.UTF_8));
        }
      }
    };
  }
}
