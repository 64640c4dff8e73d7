package io.strata.query.api;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.EngineOptions;
import io.strata.promql.engine.QueryException;
import io.strata.promql.engine.Value;
import io.strata.promql.parser.PromQLParseException;
import io.strata.query.eval.SourceResolution;
import io.strata.promql.storage.Queryable;
import io.strata.query.dedup.ReplicaDedup;
import io.strata.query.eval.StoreQueryable;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.Store;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /api/v1/query}, {@code /api/v1/query_range} and {@code /api/v1/format_query}: parameters parsed and
 * checked as Prometheus does (same messages), the source resolution chosen ({@code max_source_resolution}),
 * the expression evaluated by the promql engine, errors mapped to Prometheus's error types.
 */
final class QueryEndpoints {
  /** Response header naming the resolution a query read ({@code raw}, {@code 5m}, ...). */
  static final String RESOLUTION_HEADER = "X-Strata-Source-Resolution";

  private final QueryConfig cfg;
  private final EngineOptions options;

  QueryEndpoints(QueryConfig cfg) {
    this.cfg = cfg;
    EngineOptions d = EngineOptions.DEFAULTS;
    this.options = new EngineOptions(cfg.lookbackMs(), d.maxSamples(), d.timeoutMs(), d.defaultSubqueryStepMs(), cfg.maxPointsPerSeries());
  }

  DataWriter instant(Store store, String tenant, Fields params, Map<String, String> headers) {
    String q = required(params, "query");
    String timeParam = params.getValue("time");
    long time = timeParam == null ? System.currentTimeMillis() : Params.time("time", timeParam);
    EngineOptions opts = withTimeout(params);
    Expr expr = parse(q);
    Resolution res = resolution(params.getValue("max_source_resolution"), 0, false);
    headers.put(RESOLUTION_HEADER, res.name());
    Queryable source = dedup(params, new StoreQueryable(store, tenant, res));
    Value v = evaluate(() -> new Engine(opts).instantQuery(source, expr, time));
    return g -> JsonOutput.writeValue(g, v);
  }

  DataWriter range(Store store, String tenant, Fields params, Map<String, String> headers, List<String> warnings) {
    String q = required(params, "query");
    long start = Params.time("start", params.getValue("start"));
    long end = Params.time("end", params.getValue("end"));
    long step = Params.duration("step", params.getValue("step"));
    if (end < start) {
      throw ApiException.badData("invalid parameter \"end\": end timestamp must not be before start time");
    }
    if (step <= 0) {
      throw ApiException.badData("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if ((end - start) / step >= cfg.maxPointsPerSeries()) {
      throw ApiException.badData("exceeded maximum resolution of " + cfg.maxPointsPerSeries() + " points per timeseries. Try decreasing the query resolution (?step=XX)");
    }
    EngineOptions opts = withTimeout(params);
    Expr expr = parse(q);
    Resolution res = resolution(params.getValue("max_source_resolution"), step, cfg.autoDownsampling());
    headers.put(RESOLUTION_HEADER, res.name());
    StoreQueryable stored = new StoreQueryable(store, tenant, res);
    Queryable source = dedup(params, stored);
    Value v = evaluate(() -> new Engine(opts).rangeQuery(source, expr, start, end, step));
    String lag = stored.rollupLagWarning();
    if (lag != null) {
      warnings.add(lag);
    }
    return g -> JsonOutput.writeValue(g, v);
  }

  /**
   * {@code /api/v1/query_exemplars}: exemplars are not stored (ingest counts and skips them), so a valid
   * request answers an empty list; the query and the time range are checked with Prometheus 2.42's errors
   * (its parse error comes without the {@code invalid parameter} prefix here).
   */
  DataWriter exemplars(Fields params) {
    String q = params.getValue("query");
    try {
      PromQL.parse(q == null ? "" : q);
    } catch (PromQLParseException e) {
      throw ApiException.badData(e.getMessage());
    }
    long[] r = SeriesEndpoints.range(params);
    if (r[1] < r[0]) {
      throw ApiException.badData("end timestamp must not be before start timestamp");
    }
    return g -> {
      g.writeStartArray();
      g.writeEndArray();
    };
  }

  DataWriter format(Fields params) {
    String formatted = parse(required(params, "query")).toString();
    return g -> g.writeString(formatted);
  }

  /**
   * The engine options with the request's {@code timeout} (a duration or seconds, as Prometheus parses it),
   * capped by the engine's timeout (Prometheus's {@code --query.timeout}, 2 m): a query past it answers 503
   * {@code timeout} and stops at the engine's next check (between series and steps).
   */
  private EngineOptions withTimeout(Fields params) {
    String p = params.getValue("timeout");
    if (p == null || p.isEmpty()) {
      return options;
    }
    long ms = Params.duration("timeout", p);
    return options.withTimeoutMs(Math.max(1, Math.min(ms, options.timeoutMs())));
  }

  /** The store behind the replica deduplication, unless none is configured or the request says {@code dedup=false}. */
  private Queryable dedup(Fields params, Queryable store) {
    return dedupEnabled(cfg, params) ? new ReplicaDedup(store, Set.copyOf(cfg.replicaLabels())) : store;
  }

  /** Thanos's {@code dedup} parameter: true unless given as false; only meaningful with replica labels. */
  static boolean dedupEnabled(QueryConfig cfg, Fields params) {
    Boolean on = Params.bool("dedup", params.getValue("dedup"));
    return (on == null || on) && !cfg.replicaLabels().isEmpty();
  }

  /** The resolution to read: the parameter, else auto (range queries with auto-downsampling on) or raw. */
  private Resolution resolution(String param, long stepMs, boolean autoByDefault) {
    long max;
    if (param == null || param.isEmpty()) {
      max = autoByDefault ? stepMs / SourceResolution.AUTO_DIVISOR : 0;
    } else {
      try {
        max = SourceResolution.maxMillis(param, stepMs);
      } catch (IllegalArgumentException e) {
        throw ApiException.badData("invalid parameter \"max_source_resolution\": " + e.getMessage());
      }
    }
    return SourceResolution.choose(max, cfg.rollupResolutions());
  }



  static Expr parse(String q) {
    try {
      return PromQL.parse(q);
    } catch (PromQLParseException e) {
      throw ApiException.badData("invalid parameter \"query\": " + e.getMessage());
    }
  }

  private static Value evaluate(Supplier<Value> query) {
    try {
      return query.get();
    } catch (QueryException e) {
      ApiException.Type type = switch (e.errorType()) {
        case "bad_data" -> ApiException.Type.BAD_DATA;
        case "timeout" -> ApiException.Type.TIMEOUT;
        case "canceled" -> ApiException.Type.CANCELED;
        default -> ApiException.Type.EXECUTION;
      };
      throw new ApiException(type, e.getMessage());
    }
  }

  static String required(Fields params, String name) {
    String v = params.getValue(name);
    if (v == null || v.isEmpty()) {
      throw ApiException.badData("invalid parameter \"" + name + "\": missing");
    }
    return v;
  }
}
