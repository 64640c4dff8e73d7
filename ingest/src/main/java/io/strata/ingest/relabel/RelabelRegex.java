package io.strata.ingest.relabel;

import io.strata.schemas.prom.GoExpand;
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

  /** Expands a template with Go's rules ({@link GoExpand}, {@code regexp.Regexp.ExpandString}) against a successful match. */
  String expand(String template, Matcher m) {
    if (template.indexOf('$') < 0) {
      return template;
    }
    return GoExpand.expand(template, new GoExpand.Match() {
      @Override
      public int groupNumber(String name) {
        return groupNames.getOrDefault(name, -1);
      }

      @Override
      public void appendGroup(int group, StringBuilder out) {
        String g = group <= m.groupCount() ? m.group(group) : null;
        if (g != null) {
          out.append(g);
        }
      }
    });
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
