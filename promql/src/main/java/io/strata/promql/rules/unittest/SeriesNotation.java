package io.strata.promql.rules.unittest;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.VectorSelector;
import io.strata.promql.parser.PromQLParseException;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Prometheus's series notation, as promtool's {@code input_series} and {@code exp_samples} use it: a metric
 * ({@code up{job="a"}}, {@code {__name__="up"}}) and expanding values: a number, {@code _} (no sample),
 * {@code stale} (a stale marker), {@code _xN} (N missing samples), {@code axN} (a, N+1 times),
 * {@code a+bxN} / {@code a-bxN} (N+1 values from a, stepping by b).
 */
public final class SeriesNotation {
  private SeriesNotation() {}

  /** Expanded values: {@code present[i]} false where the notation has {@code _}. */
  public record Values(double[] values, boolean[] present) {
    public int size() {
      return values.length;
    }
  }

  /** Parses a series' labels; throws IllegalArgumentException with the parser's message. */
  public static Labels parseMetric(String text) {
    String s = text.strip();
    if (s.equals("{}")) {
      return Labels.EMPTY;
    }
    Expr e;
    try {
      e = PromQL.parse(s);
    } catch (PromQLParseException ex) {
      throw new IllegalArgumentException(ex.getMessage(), ex);
    }
    if (!(e instanceof VectorSelector vs) || vs.offsetMs() != 0 || vs.at() != null) {
      throw new IllegalArgumentException("not a series: " + s);
    }
    TreeMap<String, String> m = new TreeMap<>();
    if (!vs.name().isEmpty()) {
      m.put(Labels.METRIC_NAME, vs.name());
    }
    for (LabelMatcher lm : vs.matchers()) {
      if (lm.type() != LabelMatcher.Type.EQ) {
        throw new IllegalArgumentException("series labels need '=': " + s);
      }
      if (!lm.value().isEmpty()) {
        m.put(lm.name(), lm.value());
      } else {
        m.remove(lm.name());
      }
    }
    return Labels.fromMap(m);
  }

  /** Expands a values string; throws IllegalArgumentException naming the bad item. */
  public static Values expand(String text) {
    double[] v = new double[16];
    boolean[] p = new boolean[16];
    int n = 0;
    for (String tok : text.strip().split("\\s+")) {
      if (tok.isEmpty()) {
        continue;
      }
      int x = tok.lastIndexOf('x');
      int count = 1;
      double start;
      double step = 0;
      boolean present = true;
      boolean repeat = x > 0 && x < tok.length() - 1 && tok.substring(x + 1).chars().allMatch(Character::isDigit)
          && !tok.startsWith("0x");
      String base = repeat ? tok.substring(0, x) : tok;
      if (repeat) {
        long times = Long.parseLong(tok.substring(x + 1));
        count = (int) Math.min(times + 1, Integer.MAX_VALUE);
      }
      if (base.equals("_")) {
        present = false;
        start = 0;
        if (repeat) {
          count--; // _xN is N missing samples, axN is N+1 values
        }
      } else if (base.equals("stale")) {
        start = StaleMarker.VALUE;
      } else {
        int op = -1;
        for (int k = 1; k < base.length(); k++) {
          char c = base.charAt(k);
          char prev = base.charAt(k - 1);
          if ((c == '+' || c == '-') && prev != 'e' && prev != 'E') {
            op = k;
          }
        }
        if (op > 0 && repeat) {
          start = number(base.substring(0, op), tok);
          step = number(base.substring(op + 1), tok);
          if (base.charAt(op) == '-') {
            step = -step;
          }
        } else {
          start = number(base, tok);
        }
      }
      for (int k = 0; k < count; k++) {
        if (n == v.length) {
          v = Arrays.copyOf(v, n * 2);
          p = Arrays.copyOf(p, n * 2);
        }
        v[n] = start;
        p[n] = present;
        n++;
        start += step;
      }
    }
    return new Values(Arrays.copyOf(v, n), Arrays.copyOf(p, n));
  }

  private static double number(String s, String tok) {
    String l = s.toLowerCase(java.util.Locale.ROOT);
    String unsigned = l.startsWith("+") || l.startsWith("-") ? l.substring(1) : l;
    double sign = l.startsWith("-") ? -1 : 1;
    if (unsigned.equals("inf")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    try {
      if (unsigned.isEmpty() || unsigned.endsWith("d") || unsigned.endsWith("f")) {
        throw new NumberFormatException();
      }
      if (unsigned.startsWith("0x")) {
        return sign * Long.parseLong(unsigned.substring(2), 16);
      }
      return sign * Double.parseDouble(unsigned);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unexpected \"" + tok + "\" in series values");
    }
  }
}
