package io.strata.promql.template;

import io.strata.promql.Durations;
import io.strata.promql.template.GoFunc.FuncError;
import io.strata.schemas.prom.GoFloat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus 2.42's template functions ({@code template/template.go}), with the Go signatures that
 * decide how their arguments are checked, and the results and errors of the Go code.
 */
final class PromFuncs {
  private PromFuncs() {}

  private static final GoType S = GoType.STRING;
  private static final GoType I = GoType.IFACE;
  private static final GoType Q = GoType.QUERY_RESULT;
  private static final GoType PS = GoType.PTR_SAMPLE;
  private static final String NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference";

  /** The function names, for the parse-time check ({@code function "x" not defined}). */
  static final List<String> NAMES = List.of("query", "first", "label", "value", "strvalue", "args", "reReplaceAll",
      "safeHtml", "match", "title", "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "stripPort",
      "stripDomain", "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
      "toTime", "pathPrefix", "externalURL", "parseDuration");

  static void addTo(Map<String, GoFunc> m, TemplateContext ctx) {
    m.put("query", GoFunc.of("query", a -> query(ctx, a[0].s()), S));
    m.put("first", GoFunc.of("first", a -> {
      List<GoValue> l = a[0].v() == null ? List.of() : a[0].list();
      if (!l.isEmpty()) {
        return l.get(0);
      }
      throw new FuncError("first() called on vector with no elements");
    }, Q));
    m.put("label", GoFunc.of("label", a -> GoValue.str(labelOf(a[1], a[0].s())), S, PS));
    m.put("value", GoFunc.of("value", a -> sampleField(a[0], 1), PS));
    m.put("strvalue", GoFunc.of("strvalue", a -> GoValue.str(labelOf(a[0], "__value__")), PS));
    m.put("args", GoFunc.variadic("args", a -> {
      Map<String, GoValue> r = new TreeMap<>();
      for (int i = 0; i < a.length; i++) {
        r.put("arg" + i, new GoValue(GoType.IFACE, GoFmt.dyn(a[i])));
      }
      return new GoValue(GoType.MAP_SI, r);
    }, I));
    m.put("reReplaceAll", GoFunc.of("reReplaceAll",
        a -> GoValue.str(GoRegexp.replaceAll(GoRegexp.mustCompile(a[0].s()), a[2].s(), a[1].s())), S, S, S));
    m.put("safeHtml", GoFunc.of("safeHtml", a -> new GoValue(GoType.HTML, a[0].s()), S));
    m.put("match", GoFunc.of("match",
        a -> GoValue.bool(GoRegexp.matchString(GoRegexp.compile(a[0].s()), a[1].s())), S, S));
    m.put("title", GoFunc.of("title", a -> GoValue.str(GoStrings.title(a[0].s())), S));
    m.put("toUpper", GoFunc.of("toUpper", a -> GoValue.str(GoStrings.toUpper(a[0].s())), S));
    m.put("toLower", GoFunc.of("toLower", a -> GoValue.str(GoStrings.toLower(a[0].s())), S));
    m.put("graphLink", GoFunc.of("graphLink",
        a -> GoValue.str("/graph?g0.expr=" + GoStrings.queryEscape(a[0].s()) + "&g0.tab=0"), S));
    m.put("tableLink", GoFunc.of("tableLink",
        a -> GoValue.str("/graph?g0.expr=" + GoStrings.queryEscape(a[0].s()) + "&g0.tab=1"), S));
    m.put("sortByLabel", GoFunc.of("sortByLabel", a -> sortByLabel(a[0].s(), a[1]), S, Q));
    m.put("stripPort", GoFunc.of("stripPort", a -> GoValue.str(GoNet.stripPort(a[0].s())), S));
    m.put("stripDomain", GoFunc.of("stripDomain", a -> GoValue.str(GoNet.stripDomain(a[0].s())), S));
    m.put("humanize", GoFunc.of("humanize", a -> GoValue.str(humanize(toFloat(a[0]))), I));
    m.put("humanize1024", GoFunc.of("humanize1024", a -> GoValue.str(humanize1024(toFloat(a[0]))), I));
    m.put("humanizeDuration", GoFunc.of("humanizeDuration",
        a -> GoValue.str(humanizeDuration(toFloat(a[0]))), I));
    m.put("humanizePercentage", GoFunc.of("humanizePercentage",
        a -> GoValue.str(g4(toFloat(a[0]) * 100) + "%"), I));
    m.put("humanizeTimestamp", GoFunc.of("humanizeTimestamp", a -> {
      double v = toFloat(a[0]);
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        return GoValue.str(g4(v));
      }
      return GoValue.str(GoTime.string(floatToTime(v)));
    }, I));
    m.put("toTime", GoFunc.of("toTime", a -> {
      double v = toFloat(a[0]);
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new FuncError("value is NaN or Inf");
      }
      return new GoValue(GoType.PTR_TIME, new GoValue(GoType.TIME, floatToTime(v)));
    }, I));
    m.put("pathPrefix", GoFunc.of("pathPrefix", a -> GoValue.str(GoNet.urlPath(url(ctx)))));
    m.put("externalURL", GoFunc.of("externalURL", a -> GoValue.str(url(ctx))));
    m.put("parseDuration", GoFunc.of("parseDuration", a -> {
      try {
        long ms = Durations.parse(a[0].s());
        return GoValue.f64((double) (ms * 1_000_000L) / 1e9);
      } catch (IllegalArgumentException e) {
        throw new FuncError(e.getMessage());
      }
    }, S));
  }

  private static String url(TemplateContext ctx) throws FuncError {
    if (ctx.externalURL() == null) {
      throw new FuncError(NIL_DEREF);
    }
    return ctx.externalURL();
  }

  private static GoValue query(TemplateContext ctx, String q) throws FuncError {
    if (ctx.query() == null) {
      throw new FuncError(NIL_DEREF);
    }
    List<QueryResult> res;
    try {
      res = ctx.query().query(q, ctx.evalTimeMs());
    } catch (Exception e) {
      throw new FuncError(String.valueOf(e.getMessage()));
    }
    List<GoValue> out = new ArrayList<>(res.size());
    for (QueryResult r : res) {
      out.add(sample(r.labels(), r.value()));
    }
    return new GoValue(GoType.QUERY_RESULT, out);
  }

  static GoValue sample(Map<String, String> labels, double value) {
    return new GoValue(GoType.PTR_SAMPLE, new GoValue(GoType.SAMPLE,
        new GoValue[] {stringMap(labels), GoValue.f64(value)}));
  }

  static GoValue stringMap(Map<String, String> m) {
    if (m == null) {
      return new GoValue(GoType.MAP_SS, null);
    }
    Map<String, GoValue> r = new TreeMap<>();
    m.forEach((k, v) -> r.put(k, GoValue.str(v)));
    return new GoValue(GoType.MAP_SS, r);
  }

  private static GoValue sampleField(GoValue ptr, int i) throws FuncError {
    if (ptr.v() == null) {
      throw new FuncError(NIL_DEREF);
    }
    return ((GoValue[]) ptr.elem().v())[i];
  }

  private static String labelOf(GoValue ptr, String name) throws FuncError {
    GoValue labels = sampleField(ptr, 0);
    GoValue v = labels.v() == null ? null : labels.map().get(name);
    return v == null ? "" : v.s();
  }

  private static GoValue sortByLabel(String label, GoValue v) {
    if (v.v() != null) {
      List<GoValue> l = v.list();
      List<GoValue> sorted = new ArrayList<>(l);
      sorted.sort((x, y) -> {
        try {
          return GoFmt.compareBytes(labelOf(x, label), labelOf(y, label));
        } catch (FuncError e) {
          throw new IllegalStateException(e);
        }
      });
      for (int i = 0; i < l.size(); i++) {
        l.set(i, sorted.get(i));
      }
    }
    return v;
  }

  /** Prometheus's convertToFloat. */
  static double toFloat(GoValue i) throws FuncError {
    GoValue v = GoFmt.dyn(i);
    if (v == null) {
      throw new FuncError("can't convert <nil> to float");
    }
    GoType t = v.type();
    if (t == GoType.FLOAT64) {
      return v.f();
    }
    if (t == GoType.STRING) {
      try {
        return GoStrconv.parseFloat(v.s());
      } catch (GoStrconv.NumError e) {
        throw new FuncError(e.getMessage());
      }
    }
    if (t == GoType.INT || t == GoType.INT64) {
      return v.l();
    }
    if (t == GoType.UINT || t == GoType.UINT64) {
      return Long.toUnsignedString(v.l()).length() > 18 ? Double.parseDouble(Long.toUnsignedString(v.l())) : v.l();
    }
    throw new FuncError("can't convert " + t + " to float");
  }

  /** fmt's {@code %.4g}. */
  static String g4(double v) {
    return GoFmt.formatFloat(v, 'g', 4);
  }

  static String humanize(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return g4(v);
    }
    if (Math.abs(v) >= 1) {
      String prefix = "";
      for (String p : new String[] {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
        if (Math.abs(v) < 1000) {
          break;
        }
        prefix = p;
        v /= 1000;
      }
      return g4(v) + prefix;
    }
    String prefix = "";
    for (String p : new String[] {"m", "u", "n", "p", "f", "a", "z", "y"}) {
      if (Math.abs(v) >= 1) {
        break;
      }
      prefix = p;
      v *= 1000;
    }
    return g4(v) + prefix;
  }

  static String humanize1024(double v) {
    if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
      return g4(v);
    }
    String prefix = "";
    for (String p : new String[] {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
      if (Math.abs(v) < 1024) {
        break;
      }
      prefix = p;
      v /= 1024;
    }
    return g4(v) + prefix;
  }

  static String humanizeDuration(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return g4(v);
    }
    if (v == 0) {
      return g4(v) + "s";
    }
    if (Math.abs(v) >= 1) {
      String sign = "";
      if (v < 0) {
        sign = "-";
        v = -v;
      }
      long duration = goInt64(v);
      long seconds = duration % 60;
      long minutes = (duration / 60) % 60;
      long hours = (duration / 60 / 60) % 24;
      long days = duration / 60 / 60 / 24;
      if (days != 0) {
        return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
      }
      if (hours != 0) {
        return sign + hours + "h " + minutes + "m " + seconds + "s";
      }
      if (minutes != 0) {
        return sign + minutes + "m " + seconds + "s";
      }
      return sign + g4(v) + "s";
    }
    String prefix = "";
    for (String p : new String[] {"m", "u", "n", "p", "f", "a", "z", "y"}) {
      if (Math.abs(v) >= 1) {
        break;
      }
      prefix = p;
      v *= 1000;
    }
    return g4(v) + prefix + "s";
  }

  /** Go's int64(float64) on amd64: truncation, and MinInt64 for NaN and values out of range. */
  static long goInt64(double v) {
    if (Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63) {
      return Long.MIN_VALUE;
    }
    return (long) v;
  }

  /** Prometheus's floatToTime: nanoseconds, then milliseconds (model.Time), then UTC time. */
  private static Instant floatToTime(double v) throws FuncError {
    double ts = v * 1e9;
    if (ts > 0x1p63 || ts < -0x1p63) {
      throw new FuncError(GoFloat.format(v) + " cannot be represented as a nanoseconds timestamp since it overflows int64");
    }
    long ns = goInt64(ts);
    long ms = ns / 1_000_000L;
    return Instant.ofEpochSecond(ms / 1000, (ms % 1000) * 1_000_000L);
  }
}
