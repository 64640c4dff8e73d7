package io.strata.promql.engine;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.ValueType;
import io.strata.promql.storage.Queryable;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The PromQL engine: instant and range queries over a {@link Queryable}, with Prometheus 2.x semantics.
 * Thread-safe; each query keeps its state to itself.
 *
 * <p>Errors: {@link io.strata.promql.parser.PromQLParseException} for bad syntax (HTTP 400),
 * {@link BadQueryException} for bad parameters (400), {@link QueryExecutionException} for evaluation
 * errors (422), {@link QueryTimeoutException} (503); a failing store throws its own exception through.
 */
public final class Engine {
  private final EngineOptions options;

  public Engine(EngineOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  public Engine() {
    this(EngineOptions.DEFAULTS);
  }

  public EngineOptions options() {
    return options;
  }

  public Value instantQuery(Queryable storage, String query, long timeMs) {
    return instantQuery(storage, PromQL.parse(query), timeMs);
  }

  /** Evaluates at one instant: a Scalar, String, Vector (timestamps = timeMs) or Matrix. */
  public Value instantQuery(Queryable storage, Expr expr, long timeMs) {
    QueryContext q = new QueryContext(storage, options, timeMs, timeMs, 0, deadline());
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

  public Matrix rangeQuery(Queryable storage, String query, long startMs, long endMs, long stepMs) {
    return rangeQuery(storage, PromQL.parse(query), startMs, endMs, stepMs);
  }

  /**
   * Evaluates at {@code start, start+step, ..., <= end}; the expression must be a scalar or an instant
   * vector. Series come sorted by labels; a scalar gives one series without labels.
   */
  public Matrix rangeQuery(Queryable storage, Expr expr, long startMs, long endMs, long stepMs) {
    checkRange(expr, startMs, endMs, stepMs);
    QueryContext q = new QueryContext(storage, options, startMs, endMs, stepMs, deadline());
    q.prepare(expr, true);
    RangeEvaluator range = new RangeEvaluator(q, startMs, endMs, stepMs);
    Object v = range.eval(expr);
    int steps = range.steps;
    List<Series> out;
    if (v instanceof double[] scalar) {
      checkSamples(new long[steps], ones(steps));
      long[] ts = new long[steps];
      for (int k = 0; k < steps; k++) {
        ts[k] = range.time(k);
      }
      out = List.of(new Series(Labels.EMPTY, ts, scalar.clone()));
    } else {
      StepVector sv = (StepVector) v;
      checkSamples(sv.load, sv.countsPerStep(steps));
      out = new ArrayList<>(sv.series.size());
      for (StepSeries s : sv.series) {
        if (s.n == 0) {
          continue;
        }
        long[] ts = new long[s.n];
        for (int i = 0; i < s.n; i++) {
          ts[i] = range.time(s.steps[i]);
        }
        out.add(new Series(s.labels, ts, Arrays.copyOf(s.values, s.n)));
      }
      out.sort((a, b) -> a.labels().compareTo(b.labels()));
    }
    return new Matrix(out);
  }

  private void checkRange(Expr expr, long startMs, long endMs, long stepMs) {
    if (stepMs <= 0) {
      throw new BadQueryException("zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if (endMs < startMs) {
      throw new BadQueryException("end timestamp must not be before start time");
    }
    if ((endMs - startMs) / stepMs > options.maxPointsPerSeries()) {
      throw new BadQueryException("exceeded maximum resolution of " + String.format("%,d", options.maxPointsPerSeries())
          + " points per timeseries. Try decreasing the query resolution (?step=XX)");
    }
    if (expr.type() != ValueType.VECTOR && expr.type() != ValueType.SCALAR) {
      throw new BadQueryException("invalid expression type \"" + expr.type().documentedName()
          + "\" for range query, must be Scalar or instant Vector");
    }
  }

  /**
   * The same answer as {@link #rangeQuery(Queryable, Expr, long, long, long)}, computed the slow way: the
   * whole expression evaluated at each step in turn, as an instant query would be. Kept as the reference
   * the range evaluator is tested against ({@code RangeEvaluationTest}) and benchmarked against
   * ({@code bench/}'s {@code RangeQueryBench}); not for serving queries.
   */
  public Matrix rangeQueryStepByStep(Queryable storage, Expr expr, long startMs, long endMs, long stepMs) {
    checkRange(expr, startMs, endMs, stepMs);
    QueryContext q = new QueryContext(storage, options, startMs, endMs, stepMs, deadline());
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

  private static int[] ones(int steps) {
    int[] c = new int[steps];
    Arrays.fill(c, 1);
    return c;
  }

  /**
   * The step-by-step limit: at each step, the samples held while evaluating it plus the result points of
   * earlier steps must stay within maxSamples, and so must the whole result.
   */
  private void checkSamples(long[] load, int[] resultPerStep) {
    long result = 0;
    for (int k = 0; k < load.length; k++) {
      if (result + load[k] > options.maxSamples()) {
        throw new QueryExecutionException("query processing would load too many samples into memory in query execution");
      }
      result += resultPerStep[k];
      if (result > options.maxSamples()) {
        throw new QueryExecutionException("query processing would load too many samples into memory in query execution");
      }
    }
  }

  private long deadline() {
    return System.nanoTime() + options.timeoutMs() * 1_000_000L;
  }
}
