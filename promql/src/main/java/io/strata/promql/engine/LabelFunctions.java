package io.strata.promql.engine;

import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoExpand;
import io.strata.schemas.prom.GoRegex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * label_replace (an RE2 regex, {@link GoRegex}, with Go's replacement syntax: {@code $1}, {@code ${name}}) and
 * label_join. Their string arguments are checked once ({@link #replacer}, {@link #joiner}); the result is a
 * function of each element's labels alone.
 */
final class LabelFunctions {
  private LabelFunctions() {}

  /** label_replace's relabeling from its evaluated arguments {@code (v, dst, replacement, src, regex)}, checked. */
  static UnaryOperator<Labels> replacer(Object[] args) {
    String dst = (String) args[1];
    String repl = (String) args[2];
    String src = (String) args[3];
    String regex = (String) args[4];
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
    return l -> {
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
      return res;
    };
  }

  /** label_join's relabeling from its evaluated arguments {@code (v, dst, separator, src...)}, checked. */
  static UnaryOperator<Labels> joiner(Object[] args) {
    String dst = (String) args[1];
    String sep = (String) args[2];
    List<String> srcs = new ArrayList<>();
    for (int k = 3; k < args.length; k++) {
      String src = (String) args[k];
      if (!Labels.isValidName(src)) {
        throw new QueryExecutionException("invalid source label name in label_join(): " + src);
      }
      srcs.add(src);
    }
    if (!Labels.isValidName(dst)) {
      throw new QueryExecutionException("invalid destination label name in label_join(): " + dst);
    }
    return l -> {
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
      return joined.isEmpty() ? (l.get(dst) == null ? l : l.without(dst)) : l.with(dst, joined);
    };
  }

  /** The elements of {@code in} with their labels relabeled. */
  static InstantVector relabel(InstantVector in, UnaryOperator<Labels> relabel, long t) {
    InstantVector out = new InstantVector(in.size);
    for (int i = 0; i < in.size; i++) {
      out.add(relabel.apply(in.labels[i]), in.values[i], t);
    }
    return out;
  }
}
