package io.strata.promql.engine;

import io.strata.promql.ast.Expr;
import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoExpand;
import io.strata.schemas.prom.GoRegex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** label_replace (an RE2 regex, {@link GoRegex}, with Go's replacement syntax: {@code $1}, {@code ${name}}) and label_join. */
final class LabelFunctions {
  private LabelFunctions() {}

  static InstantVector labelReplace(Evaluator ev, List<Expr> args, long t) {
    InstantVector in = ev.evalVector(args.get(0), t);
    String dst = (String) ev.eval(args.get(1), t);
    String repl = (String) ev.eval(args.get(2), t);
    String src = (String) ev.eval(args.get(3), t);
    String regex = (String) ev.eval(args.get(4), t);
    GoRegex re;
    try {
      re = GoRegex.anchored(regex);
    } catch (GoRegex.SyntaxException e) {
      throw new QueryExecutionException("invalid regular expression in label_replace(): " + regex);
    }
    if (!Labels.isValidName(dst)) {
      throw new QueryExecutionException("invalid destination label name in label_replace(): " + dst);
    }
    Map<Labels, Labels> memo = new HashMap<>();
    InstantVector out = new InstantVector(in.size);
    for (int i = 0; i < in.size; i++) {
      Labels l = in.labels[i];
      Labels res = memo.get(l);
      if (res == null) {
        String srcVal = l.get(src);
        GoExpand.Match m = re.match(srcVal == null ? "" : srcVal);
        if (m == null) {
          res = l;
        } else {
          String value = GoExpand.expand(repl, m);
          res = value.isEmpty() ? (l.get(dst) == null ? l : l.without(dst)) : l.with(dst, value);
        }
        memo.put(l, res);
      }
      out.add(res, in.values[i], t);
    }
    return out;
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
