package io.strata.query.api;

import io.strata.promql.PromQL;
import io.strata.promql.ast.VectorSelector;
import io.strata.promql.parser.PromQLParseException;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.query.dedup.ReplicaDedup;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /api/v1/series}, {@code /api/v1/labels} and {@code /api/v1/label/<name>/values}: what Grafana's
 * query editor calls for autocompletion. {@code match[]} (repeatable, each a series selector), {@code start}
 * and {@code end} (unix seconds or RFC 3339; default: all time), {@code limit} (names and values; Prometheus
 * 2.42 ignores it, later releases cap the list). Results sorted as Prometheus sorts them.
 */
final class SeriesEndpoints {
  private final QueryConfig cfg;

  SeriesEndpoints(QueryConfig cfg) {
    this.cfg = cfg;
  }

  DataWriter series(Store store, String tenant, Fields params) {
    List<List<LabelMatcher>> sets = matchSets(params, true);
    long[] r = range(params);
    // deduplicated replicas are one series without the replica labels, as in query answers
    Set<String> replicaLabels = QueryEndpoints.dedupEnabled(cfg, params) ? Set.copyOf(cfg.replicaLabels()) : Set.of();
    TreeSet<Labels> found = new TreeSet<>();
    for (List<LabelMatcher> ms : sets) {
      for (StoredSeries s : store.select(tenant, Resolution.RAW, r[0], r[1], ms)) {
        found.add(ReplicaDedup.strip(s.labels(), replicaLabels));
      }
    }
    return g -> {
      g.writeStartArray();
      for (Labels l : found) {
        JsonOutput.writeLabels(g, l);
      }
      g.writeEndArray();
    };
  }

  DataWriter labels(Store store, String tenant, Fields params) {
    List<List<LabelMatcher>> sets = matchSets(params, false);
    long[] r = range(params);
    TreeSet<String> names = new TreeSet<>();
    if (sets.isEmpty()) {
      names.addAll(store.labelNames(tenant, r[0], r[1], List.of()));
    }
    for (List<LabelMatcher> ms : sets) {
      names.addAll(store.labelNames(tenant, r[0], r[1], ms));
    }
    return JsonOutput.stringArray(names, limit(params));
  }

  DataWriter labelValues(Store store, String tenant, String name, Fields params) {
    if (!Labels.isValidName(name)) {
      throw ApiException.badData("invalid label name: \"" + name + "\"");
    }
    List<List<LabelMatcher>> sets = matchSets(params, false);
    long[] r = range(params);
    TreeSet<String> values = new TreeSet<>();
    if (sets.isEmpty()) {
      values.addAll(store.labelValues(tenant, name, r[0], r[1], List.of()));
    }
    for (List<LabelMatcher> ms : sets) {
      values.addAll(store.labelValues(tenant, name, r[0], r[1], ms));
    }
    return JsonOutput.stringArray(values, limit(params));
  }

  static List<List<LabelMatcher>> matchSets(Fields params, boolean required) {
    List<String> match = params.getValues("match[]");
    if (match == null || match.isEmpty()) {
      if (required) {
        throw ApiException.badData("no match[] parameter provided");
      }
      return List.of();
    }
    List<List<LabelMatcher>> out = new ArrayList<>();
    for (String m : match) {
      try {
        if (PromQL.parse(m) instanceof VectorSelector vs) {
          out.add(vs.matchers());
        } else {
          throw ApiException.badData("invalid parameter \"match[]\": " + m + " is not a series selector");
        }
      } catch (PromQLParseException e) {
        throw ApiException.badData("invalid parameter \"match[]\": " + e.getMessage());
      }
    }
    return out;
  }

  static long[] range(Fields params) {
    String s = params.getValue("start");
    String e = params.getValue("end");
    return new long[] {s == null ? Long.MIN_VALUE : Params.time("start", s), e == null ? Long.MAX_VALUE : Params.time("end", e)};
  }

  /** {@code limit} of names and values: a positive integer caps the list; absent, 0 or negative = no limit. */
  static int limit(Fields params) {
    int n = integer(params, "limit", "limit must be a number");
    return n <= 0 ? Integer.MAX_VALUE : n;
  }

  /** An integer parameter, -1 when absent; bad_data with Prometheus's message when not a number. */
  static int integer(Fields params, String name, String error) {
    String l = params.getValue(name);
    if (l == null || l.isEmpty()) {
      return -1;
    }
    try {
      return Integer.parseInt(l);
    } catch (NumberFormatException e) {
      throw ApiException.badData(error);
    }
  }
}
