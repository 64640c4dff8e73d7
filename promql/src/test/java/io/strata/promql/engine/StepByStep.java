package io.strata.promql.engine;

import io.strata.promql.ast.Expr;
import io.strata.promql.storage.Queryable;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The oracle: the answers of {@link Engine#instantQuery} and {@link Engine#rangeQuery} computed the slow
 * way, the whole expression evaluated at each step in turn by the step-by-step {@link Evaluator} (what the
 * engine did before it evaluated node by node over all steps). Test scope only; the differential tests
 * ({@code RangeEvaluationTest}, {@code EvaluatorDifferentialTest}) compare the engine with it.
 */
public final class StepByStep {
  private StepByStep() {}

  /** Evaluates at one instant: a Scalar, String, Vector (timestamps = timeMs, evaluation order) or Matrix. */
  public static Value instantQuery(Engine engine, Queryable storage, Expr expr, long timeMs) {
    QueryContext q = new QueryContext(storage, engine.options(), timeMs, timeMs, 0, engine.deadline());
    q.prepare(expr);
    Evaluator ev = new Evaluator(q);
    Object v = ev.eval(expr, timeMs);
    if (v instanceof Double d) {
      return new Scalar(timeMs, d);
    }
    if (v instanceof String s) {
      return new StringValue(timeMs, s);
    }
    if (v instanceof InstantVector iv) {
      List<Sample> samples = new ArrayList<>(iv.size);
      for (int i = 0; i < iv.size; i++) {
        samples.add(new Sample(iv.labels[i], timeMs, iv.values[i]));
      }
      return new Vector(samples);
    }
    RangeMatrix m = (RangeMatrix) v;
    List<Series> series = new ArrayList<>(m.series.size());
    for (RangeSeries s : m.series) {
      series.add(new Series(s.labels, Arrays.copyOfRange(s.t, s.from, s.to), Arrays.copyOfRange(s.v, s.from, s.to)));
    }
    series.sort((a, b) -> a.labels().compareTo(b.labels()));
    return new Matrix(series);
  }

  /** {@link Engine#rangeQuery}'s answer, one step at a time; series sorted by labels. */
  public static Matrix rangeQuery(Engine engine, Queryable storage, Expr expr, long startMs, long endMs, long stepMs) {
    engine.checkRange(expr, startMs, endMs, stepMs);
    EngineOptions options = engine.options();
    QueryContext q = new QueryContext(storage, options, startMs, endMs, stepMs, engine.deadline());
    q.prepare(expr);
    Evaluator ev = new Evaluator(q);
    Map<Labels, long[]> times = new LinkedHashMap<>();
    Map<Labels, double[]> values = new LinkedHashMap<>();
    Map<Labels, int[]> counts = new LinkedHashMap<>();
    int steps = (int) ((endMs - startMs) / stepMs) + 1;
    for (long t = startMs; t <= endMs; t += stepMs) {
      q.checkTimeout();
      ev.stepSamples = 0;
      Object v = ev.eval(expr, t);
      if (v instanceof Double d) {
        append(times, values, counts, Labels.EMPTY, t, d, steps);
        ev.resultSamples++;
      } else {
        InstantVector iv = (InstantVector) v;
        for (int i = 0; i < iv.size; i++) {
          append(times, values, counts, iv.labels[i], t, iv.values[i], steps);
        }
        ev.resultSamples += iv.size;
      }
      if (ev.resultSamples > options.maxSamples()) {
        throw q.tooManySamples();
      }
    }
    List<Series> out = new ArrayList<>(times.size());
    for (Map.Entry<Labels, long[]> e : times.entrySet()) {
      int n = counts.get(e.getKey())[0];
      out.add(new Series(e.getKey(), Arrays.copyOf(e.getValue(), n), Arrays.copyOf(values.get(e.getKey()), n)));
    }
    out.sort((a, b) -> a.labels().compareTo(b.labels()));
    return new Matrix(out);
  }

  /**
   * How {@link Engine#instantQuery} differs from the oracle's answer at {@code timeMs}: null when both give
   * the same value (type, labels, timestamps, bit-for-bit values, and a vector's order) or fail with the same
   * exception class and message; else a description.
   */
  public static String instantDifference(Engine engine, Queryable storage, Expr expr, long timeMs) {
    Value want;
    try {
      want = instantQuery(engine, storage, expr, timeMs);
    } catch (QueryException e) {
      return failureDifference(e, () -> engine.instantQuery(storage, expr, timeMs));
    }
    Value got;
    try {
      got = engine.instantQuery(storage, expr, timeMs);
    } catch (RuntimeException e) {
      return "oracle answered " + want + ", engine failed: " + e;
    }
    return valueDifference(want, got);
  }

  /** The same for {@link Engine#rangeQuery} (series sorted by labels in both). */
  public static String rangeDifference(Engine engine, Queryable storage, Expr expr, long startMs, long endMs, long stepMs) {
    Matrix want;
    try {
      want = rangeQuery(engine, storage, expr, startMs, endMs, stepMs);
    } catch (QueryException e) {
      return failureDifference(e, () -> engine.rangeQuery(storage, expr, startMs, endMs, stepMs));
    }
    Matrix got;
    try {
      got = engine.rangeQuery(storage, expr, startMs, endMs, stepMs);
    } catch (RuntimeException e) {
      return "oracle answered " + want.series().size() + " series, engine failed: " + e;
    }
    return valueDifference(want, got);
  }

  private static String failureDifference(QueryException want, java.util.function.Supplier<Value> engine) {
    try {
      Value got = engine.get();
      return "oracle failed (" + want + "), engine answered " + got;
    } catch (QueryException e) {
      if (e.getClass() != want.getClass() || !e.getMessage().equals(want.getMessage())) {
        return "oracle failed (" + want + "), engine failed (" + e + ")";
      }
      return null;
    }
  }

  private static String valueDifference(Value want, Value got) {
    if (want.getClass() != got.getClass()) {
      return "oracle answered " + want + ", engine " + got;
    }
    if (want instanceof Scalar w) {
      Scalar g = (Scalar) got;
      return w.timestampMs() == g.timestampMs() && Double.compare(w.value(), g.value()) == 0 ? null : "scalar: oracle " + w + ", engine " + g;
    }
    if (want instanceof StringValue) {
      return want.equals(got) ? null : "string: oracle " + want + ", engine " + got;
    }
    if (want instanceof Vector w) {
      List<Sample> ws = w.samples();
      List<Sample> gs = ((Vector) got).samples();
      if (ws.size() != gs.size()) {
        return "vector of " + ws.size() + " samples: oracle " + ws + ", engine " + gs;
      }
      for (int i = 0; i < ws.size(); i++) {
        Sample a = ws.get(i);
        Sample b = gs.get(i);
        if (!a.labels().equals(b.labels()) || a.timestampMs() != b.timestampMs() || Double.compare(a.value(), b.value()) != 0) {
          return "vector element " + i + ": oracle " + a + ", engine " + b + "\n  oracle " + ws + "\n  engine " + gs;
        }
      }
      return null;
    }
    List<Series> ws = ((Matrix) want).series();
    List<Series> gs = ((Matrix) got).series();
    if (ws.size() != gs.size()) {
      return "matrix of " + ws.size() + " series: engine has " + gs.size();
    }
    for (int i = 0; i < ws.size(); i++) {
      Series a = ws.get(i);
      Series b = gs.get(i);
      if (!a.labels().equals(b.labels())) {
        return "series " + i + ": oracle " + a.labels() + ", engine " + b.labels();
      }
      if (!Arrays.equals(a.timestamps(), b.timestamps())) {
        return "timestamps of " + a.labels() + ": oracle " + Arrays.toString(a.timestamps()) + ", engine " + Arrays.toString(b.timestamps());
      }
      for (int j = 0; j < a.size(); j++) {
        if (Double.compare(a.values()[j], b.values()[j]) != 0) {
          return "value at " + a.timestamps()[j] + " of " + a.labels() + ": oracle " + a.values()[j] + ", engine " + b.values()[j];
        }
      }
    }
    return null;
  }

  private static void append(Map<Labels, long[]> times, Map<Labels, double[]> values, Map<Labels, int[]> counts,
      Labels l, long t, double v, int steps) {
    long[] ts = times.get(l);
    if (ts == null) {
      ts = new long[Math.min(steps, 16)];
      times.put(l, ts);
      values.put(l, new double[ts.length]);
      counts.put(l, new int[1]);
    }
    int[] n = counts.get(l);
    if (n[0] == ts.length) {
      int c = Math.min(steps, ts.length * 2);
      ts = Arrays.copyOf(ts, c);
      times.put(l, ts);
      values.put(l, Arrays.copyOf(values.get(l), c));
    }
    ts[n[0]] = t;
    values.get(l)[n[0]] = v;
    n[0]++;
  }
}
