package io.strata.ingest.relabel;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A relabel regex: fully anchored as Prometheus does ({@code ^(?:re)$}), with Go's replacement template
 * expansion ({@code $1}, {@code ${1}}, {@code $name}, {@code ${name}}, {@code $$}). Go's {@code (?P<name>)}
 * group syntax is accepted. Java's regex dialect is used otherwise (RE2 and Java agree on the common
 * subset; POSIX classes such as {@code [[:alpha:]]} are not translated).
 */
public final class RelabelRegex {
  public static final String DEFAULT = "(.*)";

  private final String source;
  private final Pattern pattern;
  private final Map<String, Integer> groupNames;

  private RelabelRegex(String source, Pattern pattern, Map<String, Integer> groupNames) {
    this.source = source;
    this.pattern = pattern;
    this.groupNames = groupNames;
  }

  public static RelabelRegex compile(String regex) {
    String java = regex.replace("(?P<", "(?<");
    try {
      Pattern p = Pattern.compile("^(?:" + java + ")$");
      return new RelabelRegex(regex, p, groupNames(java));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regex \"" + regex + "\": " + e.getDescription());
    }
  }

  /** The regex as written in the config, without the anchors. */
  public String source() {
    return source;
  }

  public boolean matches(CharSequence s) {
    return pattern.matcher(s).matches();
  }

  /** A matcher that has matched {@code s}, or null when it does not match. */
  Matcher match(CharSequence s) {
    Matcher m = pattern.matcher(s);
    return m.matches() ? m : null;
  }

  /** Expands a template with Go's rules ({@code regexp.Regexp.ExpandString}) against a successful match. */
  String expand(String template, Matcher m) {
    if (template.indexOf('$') < 0) {
      return template;
    }
    StringBuilder out = new StringBuilder(template.length() + 16);
    int n = template.length();
    int i = 0;
    while (i < n) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= n) {
        out.append(c);
        i++;
        continue;
      }
      char next = template.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      String name;
      int after;
      if (next == '{') {
        int close = template.indexOf('}', i + 2);
        if (close < 0 || close == i + 2 || !allWordChars(template, i + 2, close)) {
          out.append('$'); // malformed: Go keeps the dollar as text
          i++;
          continue;
        }
        name = template.substring(i + 2, close);
        after = close + 1;
      } else {
        int j = i + 1;
        while (j < n && isWordChar(template.charAt(j))) {
          j++;
        }
        if (j == i + 1) {
          out.append('$');
          i++;
          continue;
        }
        name = template.substring(i + 1, j);
        after = j;
      }
      appendGroup(out, name, m);
      i = after;
    }
    return out.toString();
  }

  private void appendGroup(StringBuilder out, String name, Matcher m) {
    int num = 0;
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < '0' || c > '9' || num >= 100_000_000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    int group = num >= 0 ? num : groupNames.getOrDefault(name, -1);
    if (group >= 0 && group <= m.groupCount()) {
      String g = m.group(group);
      if (g != null) {
        out.append(g);
      }
    }
  }

  private static boolean isWordChar(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean allWordChars(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!isWordChar(s.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** Maps named groups to their numbers by counting capturing groups in the pattern text. */
  private static Map<String, Integer> groupNames(String re) {
    Map<String, Integer> names = new HashMap<>();
    int group = 1; // our wrapper "(?:" is non-capturing
    boolean inClass = false;
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\') {
        if (i + 1 < re.length() && re.charAt(i + 1) == 'Q') {
          int end = re.indexOf("\\E", i + 2);
          i = end < 0 ? re.length() : end + 1;
        } else {
          i++;
        }
        continue;
      }
      if (inClass) {
        if (c == ']') {
          inClass = false;
        }
        continue;
      }
      if (c == '[') {
        inClass = true;
        if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
          i++;
        }
        continue;
      }
      if (c != '(') {
        continue;
      }
      if (i + 1 < re.length() && re.charAt(i + 1) == '?') {
        if (i + 2 < re.length() && re.charAt(i + 2) == '<' && i + 3 < re.length()
            && re.charAt(i + 3) != '=' && re.charAt(i + 3) != '!') {
          int close = re.indexOf('>', i + 3);
          names.putIfAbsent(re.substring(i + 3, close), group);
          group++;
        }
        continue;
      }
      group++;
    }
    return names;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelabelRegex r && r.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return source;
  }
}
