package io.strata.schemas.prom;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A regular expression a user wrote (label matcher, relabel {@code regex}, {@code label_replace}), with the
 * syntax and semantics of Go's {@code regexp} (RE2) that Prometheus uses, on re2j: matching takes time linear
 * in the text whatever the pattern ({@code (.*.*)*y} against a 100 KB value is quick), and what RE2 refuses
 * (look-around, backreferences, possessive quantifiers, {@code \Z}) is refused with Go's error text
 * ({@code error parsing regexp: invalid or unsupported Perl syntax: `(?=`}). As in Go, {@code .} does not
 * match a newline unless the pattern says {@code (?s)}. The one place user regexes are compiled.
 */
public final class GoRegex {
  private final String source;
  private final Pattern pattern;

  private GoRegex(String source, Pattern pattern) {
    this.source = source;
    this.pattern = pattern;
  }

  /** {@code re} fully anchored as Prometheus anchors matchers and relabel regexes: {@code ^(?:re)$}. */
  public static GoRegex anchored(String re) {
    return new GoRegex(re, compilePattern("^(?:" + re + ")$"));
  }

  /** {@code re} as written: {@link #find} looks for it anywhere in the text. */
  public static GoRegex unanchored(String re) {
    return new GoRegex(re, compilePattern(re));
  }

  private static Pattern compilePattern(String expr) {
    Pattern p;
    try {
      p = Pattern.compile(expr);
    } catch (PatternSyntaxException e) {
      if (e.getDescription().equals("invalid named capture") && scan(expr, null)) {
        throw angleGroup(e);
      }
      if (e.getDescription().equals("duplicate capture group name")) {
        // Go accepts a name twice (its Expand uses the leftmost group): later ones get names no template uses
        StringBuilder renamed = new StringBuilder();
        scan(expr, renamed);
        return compilePattern(renamed.toString());
      }
      if (e.getMessage().contains("stack underflow")) {
        // re2j's internal error for a ')' without its '(' where Go says this
        throw new SyntaxException("error parsing regexp: unexpected ): `" + expr + "`", e);
      }
      throw new SyntaxException(e.getMessage(), e);
    }
    if (!p.namedGroups().isEmpty() && scan(expr, null)) {
      throw angleGroup(null);
    }
    return p;
  }

  /** Go before 1.22 (Prometheus 2.42 was built with 1.19/1.20) knows only {@code (?P<name>...)}; re2j also takes {@code (?<name>...)}. */
  private static SyntaxException angleGroup(Throwable cause) {
    return new SyntaxException("error parsing regexp: invalid or unsupported Perl syntax: `(?<`", cause);
  }

  /**
   * Walks the group openers of {@code re} (not escaped, not inside a character class or {@code \\Q...\\E}):
   * returns whether a {@code (?<} opens a group; when {@code renamed} is given, appends {@code re} to it with
   * every repeated {@code (?P<name>} renamed {@code name_dupN}.
   */
  private static boolean scan(String re, StringBuilder renamed) {
    boolean angle = false;
    boolean inClass = false;
    java.util.Set<String> names = new java.util.HashSet<>();
    int copied = 0;
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\') {
        if (!inClass && i + 1 < re.length() && re.charAt(i + 1) == 'Q') {
          int end = re.indexOf("\\E", i + 2);
          i = end < 0 ? re.length() : end + 1;
        } else {
          i++;
        }
      } else if (inClass) {
        if (c == '[' && i + 1 < re.length() && re.charAt(i + 1) == ':') {
          int end = re.indexOf(":]", i + 2);
          i = end < 0 ? i : end + 1;
        } else if (c == ']') {
          inClass = false;
        }
      } else if (c == '[') {
        inClass = true;
        if (i + 1 < re.length() && re.charAt(i + 1) == '^') {
          i++;
        }
        if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
          i++; // a ] first in a class is a literal
        }
      } else if (c == '(' && re.startsWith("?<", i + 1)) {
        angle = true;
      } else if (c == '(' && re.startsWith("?P<", i + 1) && renamed != null) {
        int close = re.indexOf('>', i + 4);
        if (close > 0 && !names.add(re.substring(i + 4, close))) {
          renamed.append(re, copied, close).append("_dup").append(names.size());
          names.add(re.substring(i + 4, close) + "_dup" + names.size());
          copied = close;
        }
      }
    }
    if (renamed != null) {
      renamed.append(re, copied, re.length());
    }
    return angle;
  }

  /** The expression as the user wrote it (without the anchors {@link #anchored} adds). */
  public String source() {
    return source;
  }

  /** The compiled pattern, for callers that need re2j's own matching loop (Go's {@code ReplaceAllString}). */
  public Pattern pattern() {
    return pattern;
  }

  /** Whether the whole of {@code s} matches. */
  public boolean matches(CharSequence s) {
    return pattern.matcher(s).matches();
  }

  /** Whether the pattern matches somewhere in {@code s}. */
  public boolean find(CharSequence s) {
    return pattern.matcher(s).find();
  }

  /** The match of the whole of {@code s}, for {@link GoExpand}, or null when it does not match. */
  public GoExpand.Match match(CharSequence s) {
    Matcher m = pattern.matcher(s);
    if (!m.matches()) {
      return null;
    }
    return new GoExpand.Match() {
      @Override
      public int groupNumber(String name) {
        Integer g = pattern.namedGroups().get(name);
        return g == null ? -1 : g;
      }

      @Override
      public void appendGroup(int group, StringBuilder out) {
        if (group <= m.groupCount()) {
          String g = m.group(group);
          if (g != null) {
            out.append(g);
          }
        }
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoRegex r && r.pattern.pattern().equals(pattern.pattern());
  }

  @Override
  public int hashCode() {
    return pattern.pattern().hashCode();
  }

  @Override
  public String toString() {
    return source;
  }

  /** A pattern RE2 refuses; the message is Go's ({@code error parsing regexp: <reason>: `<part>`}). */
  public static final class SyntaxException extends IllegalArgumentException {
    SyntaxException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
