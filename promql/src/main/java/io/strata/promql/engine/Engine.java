package io.strata.promql.engine;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.ValueType;
import io.strata.promql.storage.Queryable;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  /**
   * Evaluates at one instant: a Scalar, String, Vector (timestamps = timeMs) or Matrix. Runs as a range
   * query of one step (the samples are selected up front, never streamed: instant reads are raw).
   */
  public Value instantQuery(Queryable storage, Expr expr, long timeMs) {
    QueryContext q = new QueryContext(storage, options, timeMs, timeMs, 0, deadline());
    q.prepare(expr, false);
    RangeEvaluator range = new RangeEvaluator(q, timeMs, timeMs, 1);
    if (expr.type() == ValueType.MATRIX) {
      RangeEvaluator.Windows w = range.windows(expr);
      RangeMatrix m = w.at(0);
      if (w.load(0) > options.maxSamples()) {
        throw q.tooManySamples();
      }
      List<Series> series = new ArrayList<>(m.series.size());
      for (RangeSeries s : m.series) {
        series.add(new Series(s.labels, Arrays.copyOfRange(s.t, s.from, s.to), Arrays.copyOfRange(s.v, s.from, s.to)));
      }
      series.sort((a, b) -> a.labels().compareTo(b.labels()));
      return new Matrix(series);
    }
    Object v = range.eval(expr);
    if (v instanceof double[] d) {
      return new Scalar(timeMs, d[0]);
    }
    if (v instanceof String s) {
      return new StringValue(timeMs, s);
    }
    StepVector sv = (StepVector) v;
    if (sv.load[0] > options.maxSamples()) {
      throw q.tooManySamples();
    }
    List<Sample> samples = new ArrayList<>(sv.series.size());
    for (StepSeries s : sv.series) {
      if (s.n > 0) {
        samples.add(new Sample(s.labels, timeMs, s.values[0]));
      }
    }
    return new Vector(samples);
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

  void checkRange(Expr expr, long startMs, long endMs, long stepMs) {
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

  long deadline() {
    return System.nanoTime() + options.timeoutMs() * 1_000_000L;
  }
}
