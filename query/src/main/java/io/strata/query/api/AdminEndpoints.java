package io.strata.query.api;

import io.strata.schemas.model.LabelMatcher;
import io.strata.tsdb.Store;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /api/v1/admin/tsdb/*}, Prometheus 2.42's TSDB admin API plus Strata's {@code flush}, answered only when
 * the security layer lets them through ({@code --web.enable-admin-api}); POST or PUT, else 405. {@code snapshot}
 * answers {@code {"name": ...}}; the others 204 without a body, once done. {@code delete_series} and
 * {@code clean_tombstones} act on the caller's tenant; {@code snapshot} and {@code flush} on the whole store (they
 * show no data to the caller).
 */
final class AdminEndpoints {
  static final Set<String> PATHS = Set.of("admin/tsdb/snapshot", "admin/tsdb/delete_series", "admin/tsdb/clean_tombstones", "admin/tsdb/flush");
  /** Prometheus's {@code Allow} header on a 405 from an admin path. */
  static final String ALLOW = "OPTIONS, POST, PUT";

  private final Store store;

  AdminEndpoints(Store store) {
    this.store = store;
  }

  /** The answer's data, or null for 204 No Content. */
  DataWriter handle(String endpoint, String tenant, Fields params) {
    switch (endpoint) {
      case "admin/tsdb/snapshot" -> {
        boolean skipHead = goBool("skip_head", params.getValue("skip_head"));
        String name = store.snapshot(!skipHead);
        return g -> {
          g.writeStartObject();
          g.writeStringField("name", name);
          g.writeEndObject();
        };
      }
      case "admin/tsdb/delete_series" -> {
        List<List<LabelMatcher>> sets = SeriesEndpoints.matchSets(params, true);
        long start = time(params, "start", Long.MIN_VALUE);
        long end = time(params, "end", Long.MAX_VALUE);
        for (List<LabelMatcher> ms : sets) {
          store.deleteSeries(tenant, ms, start, end);
        }
        return null;
      }
      case "admin/tsdb/clean_tombstones" -> {
        store.cleanTombstones(tenant);
        return null;
      }
      case "admin/tsdb/flush" -> {
        store.flush();
        return null;
      }
      default -> throw new IllegalArgumentException("BUG: not an admin path: " + endpoint);
    }
  }

  /** A time parameter with Prometheus's delete_series message when it cannot be read; {@code dflt} when absent. */
  private static long time(Fields params, String name, long dflt) {
    String v = params.getValue(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Params.time(name, v);
    } catch (ApiException e) {
      throw ApiException.badData("invalid parameter \"" + name + "\": Invalid time value for '" + name + "': cannot parse \"" + v
          + "\" to a valid timestamp");
    }
  }

  /** Go's {@code strconv.ParseBool}, which Prometheus reads {@code skip_head} with; absent or empty is false. */
  static boolean goBool(String name, String v) {
    if (v == null || v.isEmpty()) {
      return false;
    }
    return switch (v) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> throw ApiException.badData("invalid parameter \"" + name + "\": unable to parse boolean: strconv.ParseBool: parsing "
          + goQuote(v) + ": invalid syntax");
    };
  }

  private static String goQuote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
