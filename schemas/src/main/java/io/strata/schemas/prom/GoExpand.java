package io.strata.schemas.prom;

/**
 * Go's regexp template expansion ({@code Regexp.Expand} / {@code ExpandString}), as Prometheus uses it for a
 * relabel {@code replacement} and in the {@code reReplaceAll} template function, over any regex engine's match
 * ({@link Match}). In the template {@code $$} is a dollar; {@code $name} and {@code ${name}} stand for a capturing
 * group, where a name is the longest run of letters, digits and underscores ({@code $1x} names the group
 * {@code 1x}); a name of decimal digits without a leading zero is the group's number, any other name a named
 * group's. A group that does not exist or did not take part in the match expands to nothing; a {@code $} with no
 * name after it (or {@code ${} without its {@code }}) stays as text.
 */
public final class GoExpand {
  private GoExpand() {}

  /** A successful match, as the template reads it. */
  public interface Match {
    /** The number of the capturing group called {@code name}, or -1 when there is none. */
    int groupNumber(String name);

    /**
     * Appends the text of group {@code group} (0: the whole match, never negative) to {@code out}; nothing when the
     * pattern has no such group or it did not take part in the match.
     */
    void appendGroup(int group, StringBuilder out);
  }

  /** The expansion of {@code template} against {@code m}: the template itself when it holds no {@code $}. */
  public static String expand(String template, Match m) {
    if (template.indexOf('$') < 0) {
      return template;
    }
    return expand(template, m, new StringBuilder(template.length() + 16)).toString();
  }

  /** Appends the expansion of {@code template} against {@code m} to {@code out} and returns it. */
  public static StringBuilder expand(String template, Match m, StringBuilder out) {
    int n = template.length();
    int i = 0;
    while (i < n) {
      int d = template.indexOf('$', i);
      if (d < 0) {
        break;
      }
      out.append(template, i, d);
      i = d + 1;
      if (i < n && template.charAt(i) == '$') {
        out.append('$');
        i++;
        continue;
      }
      boolean brace = i < n && template.charAt(i) == '{';
      int nameStart = brace ? i + 1 : i;
      int j = nameStart;
      while (j < n) {
        int cp = template.codePointAt(j);
        if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
          break;
        }
        j += Character.charCount(cp);
      }
      if (j == nameStart || (brace && (j >= n || template.charAt(j) != '}'))) {
        out.append('$'); // malformed: the dollar is text, and what follows it is read as text
        continue;
      }
      String name = template.substring(nameStart, j);
      i = brace ? j + 1 : j;
      int group = number(name);
      if (group < 0) {
        group = m.groupNumber(name);
      }
      if (group >= 0) {
        m.appendGroup(group, out);
      }
    }
    return out.append(template, i, n);
  }

  /** The group number a name spells: decimal digits, no leading zero, below 10^8 as Go caps it; else -1. */
  private static int number(String name) {
    if (name.length() > 1 && name.charAt(0) == '0') {
      return -1;
    }
    int num = 0;
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < '0' || c > '9' || num >= 100_000_000) {
        return -1;
      }
      num = num * 10 + (c - '0');
    }
    return num;
  }
}
