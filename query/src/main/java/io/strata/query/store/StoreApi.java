package io.strata.query.store;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.query.eval.PairedSelect;
import io.strata.schemas.prom.GoRegex;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.WindowColumns;
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
 *   <li>{@code resolution} ({@code select} only): {@code raw} (default) or a rollup resolution such as {@code 5m};
 *   <li>{@code with_raw} ({@code select} at a rollup resolution only): {@link WithRaw}.
 * </ul>
 * The tenant is the request's {@code X-Scope-OrgID}, as on every other endpoint.
 */
public final class StoreApi {
  /** Content type of the select answer. */
  public static final String CONTENT_TYPE = StoreWire.CONTENT_TYPE;

  private StoreApi() {}

  /** The {@code with_raw} parameter of a select at a rollup resolution. */
  public enum WithRaw {
    /** the windows only (the default) */
    NONE("none"),
    /** the raw samples in the range too */
    ALL("all"),
    /**
     * the raw samples outside each series' final windows too: before its first window, from the end of its last one
     * on, all of them when a window in the range is a legacy one ({@link io.strata.query.eval.PairedSelect})
     */
    OUTSIDE_WINDOWS("outside_windows");

    final String wire;

    WithRaw(String wire) {
      this.wire = wire;
    }

    static WithRaw parse(String v) {
      for (WithRaw w : values()) {
        if (w.wire.equals(v)) {
          return w;
        }
      }
      throw new IllegalArgumentException("invalid parameter \"with_raw\": \"" + v + "\" is not none, all or outside_windows");
    }
  }

  /**
   * {@code /api/v1/store/select}: the matching series whose chunks overlap the range (a lazy select: one may have no
   * point inside, which the reader finds when it reads), their stored chunks in {@link StoreWire}'s binary form; at a rollup resolution with {@code with_raw}, the raw chunks too (the series
   * with either).
   */
  public static void select(Store store, String tenant, Fields params, OutputStream body) throws IOException {
    List<LabelMatcher> ms = matchers(params);
    long start = time(params, "start", Long.MIN_VALUE);
    long end = time(params, "end", Long.MAX_VALUE);
    Resolution res = resolution(params);
    WithRaw withRaw = withRaw(params, res);
    DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(body, 1 << 16));
    StoreWire.writeMagic(out);
    if (withRaw == WithRaw.NONE) {
      boolean raw = res.isRaw();
      for (StoredSeries s : store.selectLazy(tenant, res, start, end, ms)) {
        StoreWire.Part p = StoreWire.part(s, raw, start, end);
        if (p != null) {
          StoreWire.writeSeries(out, s.labels(), raw ? p : StoreWire.Part.NONE, raw ? StoreWire.Part.NONE : p);
        }
      }
    } else {
      long r = res.millis();
      WindowColumns windows = new WindowColumns(64);
      for (StoredSeries[] pair : PairedSelect.of(store, tenant, res, start, end, ms, false)) {
        StoreWire.Part rolled = pair[1] == null ? null : StoreWire.part(pair[1], false, start - r + 1, end);
        StoreWire.Part raw = null;
        if (pair[0] != null) {
          long coverFrom = Long.MAX_VALUE;
          long coverTo = Long.MAX_VALUE;
          if (withRaw == WithRaw.OUTSIDE_WINDOWS && rolled != null && pair[1].maxTime() != Long.MIN_VALUE
              && exact(pair[1], start - r + 1, end, windows)) {
            coverFrom = pair[1].minTime();
            coverTo = pair[1].maxTime() + r;
          }
          raw = StoreWire.part(pair[0], true, start, Math.min(end, coverFrom - 1), Math.max(start, coverTo), end);
        }
        if (raw != null || rolled != null) {
          Labels l = pair[0] != null ? pair[0].labels() : pair[1].labels();
          StoreWire.writeSeries(out, l, raw == null ? StoreWire.Part.NONE : raw, rolled == null ? StoreWire.Part.NONE : rolled);
        }
      }
    }
    StoreWire.writeEnd(out);
    out.flush();
  }

  /** Whether every window of the series starting in [from, to] is exact (none is a legacy one). */
  private static boolean exact(StoredSeries rolled, long from, long to, WindowColumns buf) {
    buf.truncate(0);
    int n = rolled.readWindows(from, to, buf);
    boolean[] exact = buf.exact();
    for (int i = 0; i < n; i++) {
      if (!exact[i]) {
        return false;
      }
    }
    return true;
  }

  /** Checks a select's parameters before anything is written (a bad one is 400, not a cut-off answer). */
  public static void checkSelect(Fields params) {
    matchers(params);
    time(params, "start", Long.MIN_VALUE);
    time(params, "end", Long.MAX_VALUE);
    withRaw(params, resolution(params));
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

  private static WithRaw withRaw(Fields params, Resolution res) {
    String v = params.getValue("with_raw");
    if (v == null || v.isEmpty()) {
      return WithRaw.NONE;
    }
    WithRaw w = WithRaw.parse(v);
    if (w != WithRaw.NONE && res.isRaw()) {
      throw new IllegalArgumentException("invalid parameter \"with_raw\": only a select at a rollup resolution takes it");
    }
    return w;
  }

  private static Resolution resolution(Fields params) {
    String v = params.getValue("resolution");
    return v == null || v.isEmpty() ? Resolution.RAW : Resolution.parse(v);
  }
}
