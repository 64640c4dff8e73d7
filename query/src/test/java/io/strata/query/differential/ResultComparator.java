package io.strata.query.differential;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares our answer with Prometheus's: HTTP status, {@code status}, {@code errorType}, {@code
 * resultType}, the same series (label sets with labels in the same order), exact timestamps, values equal
 * to 1e-9 relative (NaN equals NaN, infinities by sign). Vectors are compared as sets unless the call is
 * {@link ApiCall#ordered()}; matrices are sorted by labels in both. Other {@code data} (series, labels,
 * label values, buildinfo keys) is compared exactly. Error messages are not compared.
 */
final class ResultComparator {
  static final double RELATIVE_TOLERANCE = 1e-9;

  private ResultComparator() {}

  /** Differences, empty when the answers agree. */
  static List<String> compare(ApiCall.Answer ours, ApiCall.Answer theirs) {
    List<String> d = new ArrayList<>();
    if (ours.status() != theirs.status()) {
      d.add("HTTP status " + ours.status() + " vs " + theirs.status());
    }
    JsonNode a = ours.body();
    JsonNode b = theirs.body();
    if (!text(a, "status").equals(text(b, "status"))) {
      d.add("status " + text(a, "status") + " (" + text(a, "error") + ") vs " + text(b, "status") + " (" + text(b, "error") + ")");
      return d;
    }
    if (!text(a, "errorType").equals(text(b, "errorType"))) {
      d.add("errorType " + text(a, "errorType") + " (" + text(a, "error") + ") vs " + text(b, "errorType") + " (" + text(b, "error") + ")");
    }
    if (!"success".equals(text(a, "status"))) {
      return d;
    }
    JsonNode da = a.get("data");
    JsonNode db = b.get("data");
    if (da != null && da.isObject() && da.has("resultType")) {
      compareResult(da, db, d);
    } else if (!java.util.Objects.equals(da, db)) {
      d.add("data " + abbreviate(da) + " vs " + abbreviate(db));
    }
    return d;
  }

  /** Like {@link #compare} but for the whole query result, with the order of a vector significant when asked. */
  static List<String> compare(ApiCall call, ApiCall.Answer ours, ApiCall.Answer theirs) {
    List<String> d = compare(ours, theirs);
    if (d.isEmpty() && call.ordered() && "vector".equals(text(ours.body().path("data"), "resultType"))) {
      JsonNode ra = ours.body().path("data").path("result");
      JsonNode rb = theirs.body().path("data").path("result");
      for (int i = 0; i < ra.size() && i < rb.size(); i++) {
        if (!sameValue(ra.get(i).path("value").get(1).asText(), rb.get(i).path("value").get(1).asText())) {
          d.add("order: element " + i + " is " + ra.get(i) + " vs " + rb.get(i));
          break;
        }
      }
    }
    return d;
  }

  private static void compareResult(JsonNode da, JsonNode db, List<String> d) {
    String type = text(da, "resultType");
    if (!type.equals(text(db, "resultType"))) {
      d.add("resultType " + type + " vs " + text(db, "resultType"));
      return;
    }
    JsonNode ra = da.get("result");
    JsonNode rb = db.get("result");
    switch (type) {
      case "scalar", "string" -> comparePoint("", ra, rb, d, type.equals("string"));
      case "vector" -> {
        Map<String, JsonNode> ma = byMetric(ra, d, "ours");
        Map<String, JsonNode> mb = byMetric(rb, d, "prometheus");
        compareSets(ma, mb, d, "value");
      }
      case "matrix" -> {
        Map<String, JsonNode> ma = byMetric(ra, d, "ours");
        Map<String, JsonNode> mb = byMetric(rb, d, "prometheus");
        if (ma.keySet().equals(mb.keySet()) && !new ArrayList<>(ma.keySet()).equals(new ArrayList<>(mb.keySet()))) {
          d.add("matrix series order differs: " + abbreviate(ma.keySet()) + " vs " + abbreviate(mb.keySet()));
        }
        compareSets(ma, mb, d, "values");
      }
      default -> d.add("unknown resultType " + type);
    }
  }

  private static void compareSets(Map<String, JsonNode> ma, Map<String, JsonNode> mb, List<String> d, String field) {
    for (String k : ma.keySet()) {
      if (!mb.containsKey(k)) {
        d.add("extra series " + k + " = " + abbreviate(ma.get(k).get(field)));
      }
    }
    for (String k : mb.keySet()) {
      if (!ma.containsKey(k)) {
        d.add("missing series " + k + " = " + abbreviate(mb.get(k).get(field)));
      }
    }
    for (Map.Entry<String, JsonNode> e : ma.entrySet()) {
      JsonNode other = mb.get(e.getKey());
      if (other == null) {
        continue;
      }
      JsonNode pa = e.getValue().get(field);
      JsonNode pb = other.get(field);
      if (field.equals("value")) {
        comparePoint(e.getKey(), pa, pb, d, false);
        continue;
      }
      if (pa.size() != pb.size()) {
        d.add(e.getKey() + ": " + pa.size() + " points vs " + pb.size() + " " + firstTimestampDifference(pa, pb));
        continue;
      }
      for (int i = 0; i < pa.size(); i++) {
        int before = d.size();
        comparePoint(e.getKey(), pa.get(i), pb.get(i), d, false);
        if (d.size() > before) {
          break; // one point per series is enough to read
        }
      }
    }
  }

  private static String firstTimestampDifference(JsonNode pa, JsonNode pb) {
    for (int i = 0; i < Math.max(pa.size(), pb.size()); i++) {
      String ta = i < pa.size() ? pa.get(i).get(0).asText() : "-";
      String tb = i < pb.size() ? pb.get(i).get(0).asText() : "-";
      if (!ta.equals(tb)) {
        return "(first difference at index " + i + ": t=" + ta + " vs t=" + tb + ")";
      }
    }
    return "";
  }

  private static void comparePoint(String series, JsonNode a, JsonNode b, List<String> d, boolean string) {
    BigDecimal ta = new BigDecimal(a.get(0).asText());
    BigDecimal tb = new BigDecimal(b.get(0).asText());
    if (ta.compareTo(tb) != 0) {
      d.add(series + ": timestamp " + ta + " vs " + tb);
      return;
    }
    String va = a.get(1).asText();
    String vb = b.get(1).asText();
    if (string ? !va.equals(vb) : !sameValue(va, vb)) {
      d.add(series + " @" + ta + ": value " + va + " vs " + vb);
    }
  }

  static boolean sameValue(String a, String b) {
    double x = goFloat(a);
    double y = goFloat(b);
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.isNaN(x) && Double.isNaN(y);
    }
    if (Double.isInfinite(x) || Double.isInfinite(y) || x == y) {
      return x == y;
    }
    return Math.abs(x - y) <= RELATIVE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
  }

  private static double goFloat(String s) {
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  /** Result entries by their metric, written with labels in the order the server sent them. */
  private static Map<String, JsonNode> byMetric(JsonNode result, List<String> d, String who) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    for (JsonNode e : result) {
      StringBuilder k = new StringBuilder("{");
      Iterator<Map.Entry<String, JsonNode>> it = e.get("metric").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> f = it.next();
        k.append(f.getKey()).append("=\"").append(f.getValue().asText()).append('"');
        if (it.hasNext()) {
          k.append(',');
        }
      }
      k.append('}');
      if (m.put(k.toString(), e) != null) {
        d.add(who + " returned " + k + " twice");
      }
    }
    return m;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null ? "" : v.asText();
  }

  private static String abbreviate(Object o) {
    String s = String.valueOf(o);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
