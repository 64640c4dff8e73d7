package io.strata.query.store;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoRegex;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.Store;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.util.Fields;

/**
 * The store API a query node reads a store through (query/README.md, "Store API"), served on the query port of
 * every process that holds a store, under {@code /api/v1/store/}; the parameters are shared by its three
 * endpoints:
 * <ul>
 *   <li>{@code matcher} (repeatable): one label matcher as {@code <name><op><value>}, op one of {@code =},
 *       {@code !=}, {@code =~}, {@code !~}, value verbatim (RE2 for regexes); none = every series;
 *   <li>{@code start}, {@code end}: the time range in unix milliseconds, inclusive (default: all time);
 *   <li>{@code resolution} ({@code select} only): {@code raw} (default) or a rollup resolution such as {@code 5m}.
 * </ul>
 * The tenant is the request's {@code X-Scope-OrgID}, as on every other endpoint.
 */
public final class StoreApi {
  /** Content type of the select answer. */
  public static final String CONTENT_TYPE = StoreWire.CONTENT_TYPE;

  private StoreApi() {}

  /** {@code /api/v1/store/select}: the matching series with their data in the range, in {@link StoreWire}'s binary form. */
  public static void select(Store store, String tenant, Fields params, OutputStream body) throws IOException {
    List<LabelMatcher> ms = matchers(params);
    long start = time(params, "start", Long.MIN_VALUE);
    long end = time(params, "end", Long.MAX_VALUE);
    Resolution res = resolution(params);
    DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(body, 1 << 16));
    StoreWire.write(out, store.selectLazy(tenant, res, start, end, ms), res.isRaw(), start, end);
    out.flush();
  }

  /** Checks a select's parameters before anything is written (a bad one is 400, not a cut-off answer). */
  public static void checkSelect(Fields params) {
    matchers(params);
    time(params, "start", Long.MIN_VALUE);
    time(params, "end", Long.MAX_VALUE);
    resolution(params);
  }

  /** {@code /api/v1/store/labels}: label names of the matching series with data in the range, sorted. */
  public static List<String> labelNames(Store store, String tenant, Fields params) {
    return store.labelNames(tenant, time(params, "start", Long.MIN_VALUE), time(params, "end", Long.MAX_VALUE), matchers(params));
  }

  /** {@code /api/v1/store/label_values?name=N}: values of label N over the matching series, sorted. */
  public static List<String> labelValues(Store store, String tenant, Fields params) {
    String name = params.getValue("name");
    if (name == null || !Labels.isValidName(name)) {
      throw new IllegalArgumentException("invalid parameter \"name\": \"" + name + "\" is not a label name");
    }
    return store.labelValues(tenant, name, time(params, "start", Long.MIN_VALUE), time(params, "end", Long.MAX_VALUE), matchers(params));
  }

  /** One matcher as the {@code matcher} parameter carries it. */
  static String format(LabelMatcher m) {
    return m.name() + m.type().op() + m.value();
  }

  /** The {@code matcher} parameters; an {@link IllegalArgumentException} names a bad one. */
  static List<LabelMatcher> matchers(Fields params) {
    List<String> raw = params.getValues("matcher");
    List<LabelMatcher> out = new ArrayList<>();
    if (raw == null) {
      return out;
    }
    for (String s : raw) {
      int i = 0;
      while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != '!') {
        i++;
      }
      String name = s.substring(0, i);
      if (!Labels.isValidName(name) || i == s.length()) {
        throw new IllegalArgumentException("invalid parameter \"matcher\": \"" + s + "\" is not <label name><op><value>");
      }
      LabelMatcher.Type type;
      int skip = 2;
      if (s.startsWith("=~", i)) {
        type = LabelMatcher.Type.RE;
      } else if (s.startsWith("!~", i)) {
        type = LabelMatcher.Type.NRE;
      } else if (s.startsWith("!=", i)) {
        type = LabelMatcher.Type.NEQ;
      } else if (s.charAt(i) == '=') {
        type = LabelMatcher.Type.EQ;
        skip = 1;
      } else {
        throw new IllegalArgumentException("invalid parameter \"matcher\": \"" + s + "\" has no operator =, !=, =~ or !~");
      }
      try {
        out.add(LabelMatcher.of(type, name, s.substring(i + skip)));
      } catch (GoRegex.SyntaxException e) {
        throw new IllegalArgumentException("invalid parameter \"matcher\": " + e.getMessage());
      }
    }
    return out;
  }

  private static long time(Fields params, String name, long absent) {
    String v = params.getValue(name);
    if (v == null || v.isEmpty()) {
      return absent;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid parameter \"" + name + "\": \"" + v + "\" is not unix milliseconds");
    }
  }

  private static Resolution resolution(Fields params) {
    String v = params.getValue("resolution");
    return v == null || v.isEmpty() ? Resolution.RAW : Resolution.parse(v);
  }
}
