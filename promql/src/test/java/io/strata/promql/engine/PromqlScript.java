package io.strata.promql.engine;

import io.strata.promql.Durations;
import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.VectorSelector;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses our PromQL script files, in the spirit of Prometheus's promqltest:
 *
 * <pre>
 * load 1m
 *     http_requests{job="api"}  0+10x5 _ stale 3x2
 * eval instant at 5m sum(http_requests)
 *     {} 50
 * eval_ordered instant at 5m sort(x)
 * eval_fail instant at 5m x + on(job) group_left y
 *     error: exact message (optional)
 * eval range from 0 to 10m step 5m rate(x[5m])
 *     {job="api"} 1 2 _
 * clear
 * </pre>
 *
 * Values: a number, {@code _} (no sample), {@code stale}, {@code a+bxN} / {@code a-bxN} (N+1 values),
 * {@code axN} and {@code _xN}. Times are durations from 0.
 */
final class PromqlScript {
  /** One command of a script, in order. */
  sealed interface Command permits Load, Clear, Eval {}

  record Load(int line, long intervalMs, Map<Labels, double[]> series) implements Command {}

  record Clear(int line) implements Command {}

  /**
   * One expectation. For instant evals {@code expected} maps labels to one value; for range evals to the
   * values at each step (null = no point). {@code scalar} is set when a bare number is expected.
   */
  record Eval(int line, String expr, boolean range, long start, long end, long step, boolean ordered, boolean fail,
      String errorMessage, List<Labels> expectedLabels, List<Double[]> expectedValues, Double scalar) implements Command {}

  static List<Command> parse(String text) {
    List<Command> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      String raw = lines[i];
      String line = raw.strip();
      int lineNo = i + 1;
      i++;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.equals("clear")) {
        out.add(new Clear(lineNo));
        continue;
      }
      if (line.startsWith("load ")) {
        long interval = Durations.parse(line.substring(5).strip());
        Map<Labels, double[]> series = new TreeMap<>();
        while (i < lines.length && isIndented(lines[i])) {
          String s = lines[i].strip();
          i++;
          if (s.isEmpty() || s.startsWith("#")) {
            continue;
          }
          int split = seriesSplit(s);
          series.put(parseLabels(s.substring(0, split), i), expandValues(s.substring(split).strip(), i));
        }
        out.add(new Load(lineNo, interval, series));
        continue;
      }
      if (line.startsWith("eval")) {
        String[] head = line.split("\\s+", 2);
        String kind = head[0];
        boolean fail = kind.equals("eval_fail");
        boolean ordered = kind.equals("eval_ordered");
        if (!fail && !ordered && !kind.equals("eval")) {
          throw new IllegalArgumentException("line " + lineNo + ": unknown command " + kind);
        }
        String rest = head[1];
        boolean range;
        long start;
        long end = 0;
        long step = 0;
        String expr;
        if (rest.startsWith("instant at ")) {
          range = false;
          String[] p = rest.substring("instant at ".length()).split("\\s+", 2);
          start = parseTime(p[0]);
          end = start;
          expr = p[1];
        } else if (rest.startsWith("range from ")) {
          range = true;
          String[] p = rest.substring("range from ".length()).split("\\s+", 6);
          // from <start> to <end> step <step> <expr>
          if (!p[1].equals("to") || !p[3].equals("step")) {
            throw new IllegalArgumentException("line " + lineNo + ": expected 'range from A to B step S expr'");
          }
          start = parseTime(p[0]);
          end = parseTime(p[2]);
          step = parseTime(p[4]);
          expr = p[5];
        } else {
          throw new IllegalArgumentException("line " + lineNo + ": expected 'instant at' or 'range from'");
        }
        List<Labels> labels = new ArrayList<>();
        List<Double[]> values = new ArrayList<>();
        Double scalar = null;
        String error = null;
        while (i < lines.length && isIndented(lines[i])) {
          String s = lines[i].strip();
          i++;
          if (s.isEmpty() || s.startsWith("#")) {
            continue;
          }
          if (s.startsWith("error: ")) {
            error = s.substring("error: ".length());
            continue;
          }
          if (!s.contains("{") && s.split("\\s+").length == 1 && isNumber(s)) {
            scalar = parseNumber(s);
            continue;
          }
          int split = seriesSplit(s);
          labels.add(parseLabels(s.substring(0, split), i));
          double[] v = expandValues(s.substring(split).strip(), i);
          Double[] boxed = new Double[v.length];
          for (int k = 0; k < v.length; k++) {
            boxed[k] = isMissing(v[k]) ? null : v[k];
          }
          values.add(boxed);
        }
        out.add(new Eval(lineNo, expr, range, start, end, step, ordered, fail, error, labels, values, scalar));
        continue;
      }
      throw new IllegalArgumentException("line " + lineNo + ": cannot parse: " + line);
    }
    return out;
  }

  private static boolean isIndented(String l) {
    return l.isEmpty() || l.startsWith(" ") || l.startsWith("\t");
  }

  private static long parseTime(String s) {
    if (s.matches("-?\\d+")) {
      return Long.parseLong(s) * 1000;
    }
    return Durations.parse(s);
  }

  /** Index where a series' labels end and its values begin. */
  private static int seriesSplit(String s) {
    int brace = s.lastIndexOf('}');
    if (brace >= 0) {
      return brace + 1;
    }
    int sp = s.indexOf(' ');
    int tab = s.indexOf('\t');
    int w = sp < 0 ? tab : tab < 0 ? sp : Math.min(sp, tab);
    return w < 0 ? s.length() : w;
  }

  static Labels parseLabels(String sel, int line) {
    sel = sel.strip();
    if (sel.equals("{}")) {
      return Labels.EMPTY;
    }
    Expr e = PromQL.parse(sel.startsWith("{") && !sel.contains("=") ? sel : sel);
    if (!(e instanceof VectorSelector vs)) {
      throw new IllegalArgumentException("line " + line + ": not a series: " + sel);
    }
    List<String> kv = new ArrayList<>();
    for (LabelMatcher m : vs.matchers()) {
      if (m.type() != LabelMatcher.Type.EQ) {
        throw new IllegalArgumentException("line " + line + ": series labels need '=': " + sel);
      }
      kv.add(m.name());
      kv.add(m.value());
    }
    return Labels.of(kv.toArray(new String[0]));
  }

  /** NaN payload marking "no sample" inside expanded value arrays. */
  static final double MISSING = Double.longBitsToDouble(0x7ff80000deadbeefL);

  static boolean isMissing(double v) {
    return Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(MISSING);
  }

  static double[] expandValues(String s, int line) {
    List<Double> out = new ArrayList<>();
    if (s.isEmpty()) {
      return new double[0];
    }
    for (String tok : s.split("\\s+")) {
      int x = tok.lastIndexOf('x');
      if (x > 0 && !tok.startsWith("0x") && tok.substring(x + 1).matches("\\d+")) {
        int n = Integer.parseInt(tok.substring(x + 1));
        String base = tok.substring(0, x);
        if (base.equals("_")) {
          for (int k = 0; k < n; k++) {
            out.add(MISSING);
          }
          continue;
        }
        // a+b or a-b, where a may itself be negative
        int opIdx = -1;
        for (int k = 1; k < base.length(); k++) {
          char c = base.charAt(k);
          if ((c == '+' || c == '-') && base.charAt(k - 1) != 'e' && base.charAt(k - 1) != 'E') {
            opIdx = k;
          }
        }
        double a;
        double b;
        if (opIdx < 0) {
          a = parseNumber(base);
          b = 0;
        } else {
          a = parseNumber(base.substring(0, opIdx));
          b = parseNumber(base.substring(opIdx + 1));
          if (base.charAt(opIdx) == '-') {
            b = -b;
          }
        }
        // n+1 values, as Prometheus's expanding notation
        for (int k = 0; k <= n; k++) {
          out.add(a + b * k);
        }
        continue;
      }
      if (tok.equals("_")) {
        out.add(MISSING);
      } else if (tok.equals("stale")) {
        out.add(StaleMarker.VALUE);
      } else {
        out.add(parseNumber(tok));
      }
    }
    double[] r = new double[out.size()];
    for (int k = 0; k < r.length; k++) {
      r[k] = out.get(k);
    }
    return r;
  }

  static boolean isNumber(String s) {
    try {
      parseNumber(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static double parseNumber(String s) {
    String l = s.toLowerCase();
    return switch (l) {
      case "nan" -> Double.NaN;
      case "inf", "+inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        if (l.endsWith("d") || l.endsWith("f")) {
          throw new NumberFormatException(s);
        }
        yield Double.parseDouble(s);
      }
    };
  }
}
