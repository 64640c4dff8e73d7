package io.strata.flink.rules;

import io.strata.promql.ast.GoFormat;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The subset of Prometheus alert templating the thin evaluator expands in annotations and rule labels:
 * {@code {{ $value }}}, {@code {{ .Value }}}, {@code {{ $labels.name }}}, {@code {{ .Labels.name }}} and
 * {@code {{ index $labels "name" }}}, with Go's {@code {{-} / {@code -}}} whitespace trimming. A missing
 * label expands to the empty string (Prometheus runs templates with {@code missingkey=zero}). Any other
 * action (pipelines such as {@code humanize}, {@code $externalLabels}, conditionals) is kept verbatim and
 * listed by {@link #unsupportedActions()} so the loader can warn about it.
 */
public final class AlertTemplate implements Serializable {
  private static final long serialVersionUID = 1L;

  sealed interface Part extends Serializable permits Text, Value, Label {}

  record Text(String text) implements Part {}

  record Value() implements Part {}

  record Label(String name) implements Part {}

  private final String source;
  private final Part[] parts;
  private final List<String> unsupported;

  private AlertTemplate(String source, Part[] parts, List<String> unsupported) {
    this.source = source;
    this.parts = parts;
    this.unsupported = unsupported;
  }

  public String source() {
    return source;
  }

  /** Actions that are not expanded and stay verbatim in the output, e.g. {@code {{ $value | humanize }}}. */
  public List<String> unsupportedActions() {
    return unsupported;
  }

  /** True when the template has no action at all, so expansion returns the source. */
  public boolean isPlain() {
    return parts.length == 0 || (parts.length == 1 && parts[0] instanceof Text);
  }

  public static AlertTemplate parse(String source) {
    List<Part> parts = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    boolean trimNextLeading = false;
    while (i < source.length()) {
      int open = source.indexOf("{{", i);
      if (open < 0) {
        appendText(text, source.substring(i), trimNextLeading);
        break;
      }
      appendText(text, source.substring(i, open), trimNextLeading);
      trimNextLeading = false;
      int close = source.indexOf("}}", open + 2);
      if (close < 0) {
        unsupported.add(source.substring(open) + " (no closing }})");
        text.append(source, open, source.length());
        break;
      }
      String raw = source.substring(open, close + 2);
      String inner = source.substring(open + 2, close);
      if (inner.startsWith("- ") || inner.startsWith("-\t") || inner.startsWith("-\n")) {
        trimTrailing(text);
        inner = inner.substring(1);
      }
      if (inner.endsWith(" -") || inner.endsWith("\t-") || inner.endsWith("\n-")) {
        trimNextLeading = true;
        inner = inner.substring(0, inner.length() - 1);
      }
      Part action = action(inner.strip());
      if (action == null) {
        unsupported.add(raw);
        text.append(raw);
      } else {
        if (text.length() > 0) {
          parts.add(new Text(text.toString()));
          text.setLength(0);
        }
        parts.add(action);
      }
      i = close + 2;
    }
    if (text.length() > 0) {
      parts.add(new Text(text.toString()));
    }
    return new AlertTemplate(source, parts.toArray(new Part[0]), List.copyOf(unsupported));
  }

  private static void appendText(StringBuilder text, String s, boolean trimLeading) {
    text.append(trimLeading ? s.stripLeading() : s);
  }

  private static void trimTrailing(StringBuilder sb) {
    int n = sb.length();
    while (n > 0 && Character.isWhitespace(sb.charAt(n - 1))) {
      n--;
    }
    sb.setLength(n);
  }

  private static Part action(String a) {
    if (a.equals("$value") || a.equals(".Value")) {
      return new Value();
    }
    for (String prefix : new String[] {"$labels.", ".Labels."}) {
      if (a.startsWith(prefix) && isIdentifier(a.substring(prefix.length()))) {
        return new Label(a.substring(prefix.length()));
      }
    }
    for (String prefix : new String[] {"index $labels ", "index .Labels "}) {
      if (a.startsWith(prefix)) {
        String arg = a.substring(prefix.length()).strip();
        if (arg.length() >= 2 && arg.startsWith("\"") && arg.endsWith("\"") && arg.indexOf('"', 1) == arg.length() - 1
            && arg.indexOf('\\') < 0) {
          return new Label(arg.substring(1, arg.length() - 1));
        }
      }
    }
    return null;
  }

  private static boolean isIdentifier(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c == '_' || Character.isLetter(c) || (i > 0 && Character.isDigit(c));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Expands the template for one series (sorted label pairs, {@code __name__} included, as Prometheus's
   * {@code $labels} holds the result series of the expression) and the sample value.
   */
  public String expand(String[] seriesPairs, double value) {
    if (parts.length == 1 && parts[0] instanceof Text t) {
      return t.text();
    }
    StringBuilder sb = new StringBuilder(source.length() + 16);
    for (Part p : parts) {
      if (p instanceof Text t) {
        sb.append(t.text());
      } else if (p instanceof Value) {
        sb.append(GoFormat.number(value));
      } else if (p instanceof Label l) {
        String v = labelValue(seriesPairs, l.name());
        if (v != null) {
          sb.append(v);
        }
      }
    }
    return sb.toString();
  }

  static String labelValue(String[] pairs, String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(name)) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return source;
  }
}
