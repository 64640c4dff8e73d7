package io.strata.promql.engine;

import io.strata.promql.ast.Expr;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** label_replace and label_join, with Go's regexp replacement syntax ({@code $1}, {@code ${name}}). */
final class LabelFunctions {
  private LabelFunctions() {}

  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?P?<([a-zA-Z][a-zA-Z0-9]*)>");

  static InstantVector labelReplace(Evaluator ev, List<Expr> args, long t) {
    InstantVector in = ev.evalVector(args.get(0), t);
    String dst = (String) ev.eval(args.get(1), t);
    String repl = (String) ev.eval(args.get(2), t);
    String src = (String) ev.eval(args.get(3), t);
    String regex = (String) ev.eval(args.get(4), t);
    Pattern p;
    try {
      // Go's (?P<name>...) is Java's (?<name>...)
      p = Pattern.compile("(?:" + regex.replace("(?P<", "(?<") + ")");
    } catch (PatternSyntaxException e) {
      throw new QueryExecutionException("invalid regular expression in label_replace(): " + regex);
    }
    if (!Labels.isValidName(dst)) {
      throw new QueryExecutionException("invalid destination label name in label_replace(): " + dst);
    }
    List<String> groupNames = new ArrayList<>();
    Matcher gm = GROUP_NAME.matcher(regex);
    while (gm.find()) {
      groupNames.add(gm.group(1));
    }
    Map<Labels, Labels> memo = new HashMap<>();
    InstantVector out = new InstantVector(in.size);
    for (int i = 0; i < in.size; i++) {
      Labels l = in.labels[i];
      Labels res = memo.get(l);
      if (res == null) {
        String srcVal = l.get(src);
        Matcher m = p.matcher(srcVal == null ? "" : srcVal);
        if (!m.matches()) {
          res = l;
        } else {
          String value = expand(repl, m, groupNames);
          res = value.isEmpty() ? (l.get(dst) == null ? l : l.without(dst)) : l.with(dst, value);
        }
        memo.put(l, res);
      }
      out.add(res, in.values[i], t);
    }
    return out;
  }

  /** Go's regexp.Expand: $n, ${n}, $name, ${name}; $$ is a dollar; an unknown name expands to "". */
  static String expand(String template, Matcher m, List<String> groupNames) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$') {
        sb.append(c);
        i++;
        continue;
      }
      i++;
      if (i < template.length() && template.charAt(i) == '$') {
        sb.append('$');
        i++;
        continue;
      }
      boolean brace = i < template.length() && template.charAt(i) == '{';
      int start = brace ? i + 1 : i;
      int j = start;
      while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
        j++;
      }
      if (j == start || (brace && (j >= template.length() || template.charAt(j) != '}'))) {
        // malformed: the dollar is literal text
        sb.append('$');
        continue;
      }
      String name = template.substring(start, j);
      i = brace ? j + 1 : j;
      int num = -1;
      if (name.chars().allMatch(ch -> ch >= '0' && ch <= '9') && !(name.charAt(0) == '0' && name.length() > 1)
          && name.length() <= 8) {
        num = Integer.parseInt(name);
      }
      if (num >= 0) {
        if (num <= m.groupCount() && m.group(num) != null) {
          sb.append(m.group(num));
        }
      } else if (groupNames.contains(name) && m.group(name) != null) {
        sb.append(m.group(name));
      }
    }
    return sb.toString();
  }

  static InstantVector labelJoin(Evaluator ev, List<Expr> args, long t) {
    InstantVector in = ev.evalVector(args.get(0), t);
    String dst = (String) ev.eval(args.get(1), t);
    String sep = (String) ev.eval(args.get(2), t);
    List<String> srcs = new ArrayList<>();
    for (int k = 3; k < args.size(); k++) {
      String src = (String) ev.eval(args.get(k), t);
      if (!Labels.isValidName(src)) {
        throw new QueryExecutionException("invalid source label name in label_join(): " + src);
      }
      srcs.add(src);
    }
    if (!Labels.isValidName(dst)) {
      throw new QueryExecutionException("invalid destination label name in label_join(): " + dst);
    }
    InstantVector out = new InstantVector(in.size);
    for (int i = 0; i < in.size; i++) {
      Labels l = in.labels[i];
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < srcs.size(); k++) {
        if (k > 0) {
          sb.append(sep);
        }
        String v = l.get(srcs.get(k));
        if (v != null) {
          sb.append(v);
        }
      }
      String joined = sb.toString();
      Labels res = joined.isEmpty() ? (l.get(dst) == null ? l : l.without(dst)) : l.with(dst, joined);
      out.add(res, in.values[i], t);
    }
    return out;
  }
}
