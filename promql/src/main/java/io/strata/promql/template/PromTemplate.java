package io.strata.promql.template;

import io.strata.schemas.prom.GoFloat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PLACEHOLDER until the real Go text/template engine lands: expands only {@code {{ $value }}},
 * {@code {{ .Value }}}, {@code {{ $labels.x }}} and {@code {{ .Labels.x }}}; anything else is an error.
 * {@link #check} only checks that actions are closed.
 */
public final class PromTemplate {
  private PromTemplate() {}

  private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}", Pattern.DOTALL);
  private static final Pattern LABEL = Pattern.compile("(?:\\$labels|\\.Labels)\\.([a-zA-Z_][a-zA-Z0-9_]*)");

  /** Prometheus's template.Expander.Expand for an alerting rule. */
  public static String expand(String name, String text, TemplateContext ctx) throws TemplateException {
    String err = check(name, text);
    if (err != null) {
      throw new TemplateException(err);
    }
    Matcher m = ACTION.matcher(text);
    StringBuilder sb = new StringBuilder();
    int last = 0;
    while (m.find()) {
      sb.append(text, last, m.start());
      String a = m.group(1);
      if (a.equals("$value") || a.equals(".Value")) {
        sb.append(GoFloat.format(ctx.value()));
      } else {
        Matcher l = LABEL.matcher(a);
        if (!l.matches()) {
          throw new TemplateException("template: " + name + ":1: placeholder template engine cannot expand {{" + a + "}}");
        }
        String v = ctx.labels().get(l.group(1));
        sb.append(v == null ? "" : v); // missingkey=zero: a missing label is ""
      }
      last = m.end();
    }
    return sb.append(text.substring(last)).toString();
  }

  /** Null when the template parses, else Go's error text. */
  public static String check(String name, String text) {
    int i = 0;
    while (true) {
      int open = text.indexOf("{{", i);
      if (open < 0) {
        return null;
      }
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        int line = 1 + (int) text.substring(0, open).chars().filter(c -> c == '\n').count();
        return "template: " + name + ":" + line + ": unclosed action";
      }
      i = close + 2;
    }
  }
}
