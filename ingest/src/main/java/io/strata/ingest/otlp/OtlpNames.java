package io.strata.ingest.otlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prometheus 2.x's OTLP name translation (its receiver adds metric suffixes): a metric name is split into
 * alphanumeric tokens joined by {@code _}; the unit's main part is mapped ({@code s} → {@code seconds},
 * {@code By} → {@code bytes}, {@code 1} → nothing, ...) and appended unless already a token or in braces;
 * a per-unit ({@code /s}) adds {@code per_second}; monotonic sums get {@code _total} (moved to the end);
 * gauges of unit {@code 1} get {@code _ratio}; a leading digit gets a {@code _} prefix. Label names: every
 * character other than a letter or digit becomes {@code _}; a leading digit gets {@code key_}, a single
 * leading underscore {@code key}. Only ASCII letters and digits count as such here, so names stay valid
 * Prometheus names (Prometheus 2.x keeps other Unicode letters).
 */
public final class OtlpNames {
  private OtlpNames() {}

  private static final Map<String, String> UNITS = Map.ofEntries(
      Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
      Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
      Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"), Map.entry("GiBy", "gibibytes"),
      Map.entry("TiBy", "tibibytes"), Map.entry("KBy", "kilobytes"), Map.entry("MBy", "megabytes"), Map.entry("GBy", "gigabytes"),
      Map.entry("TBy", "terabytes"), Map.entry("m", "meters"), Map.entry("V", "volts"), Map.entry("A", "amperes"),
      Map.entry("J", "joules"), Map.entry("W", "watts"), Map.entry("g", "grams"), Map.entry("Cel", "celsius"),
      Map.entry("Hz", "hertz"), Map.entry("1", ""), Map.entry("%", "percent"));

  private static final Map<String, String> PER_UNITS = Map.of("s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week",
      "mo", "month", "y", "year");

  private static boolean alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  static List<String> tokens(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= s.length(); i++) {
      boolean a = i < s.length() && alnum(s.charAt(i));
      if (a && start < 0) {
        start = i;
      } else if (!a && start >= 0) {
        out.add(s.substring(start, i));
        start = -1;
      }
    }
    return out;
  }

  private static String cleanUp(String s) {
    return String.join("_", tokens(s));
  }

  /** The Prometheus metric name of an OTLP metric; {@code counter} for monotonic sums, {@code gauge} for gauges. */
  public static String metricName(String name, String unit, boolean counter, boolean gauge) {
    List<String> t = tokens(name);
    String[] unitParts = unit.split("/", 2);
    String main = unitParts[0].trim();
    if (!main.isEmpty() && !main.contains("{") && !main.contains("}")) {
      String prom = cleanUp(UNITS.getOrDefault(main, main));
      if (!prom.isEmpty() && !t.contains(prom)) {
        t.add(prom);
      }
    }
    if (unitParts.length > 1 && !unitParts[1].isEmpty()) {
      String per = unitParts[1].trim();
      if (!per.isEmpty() && !per.contains("{") && !per.contains("}")) {
        String prom = cleanUp(PER_UNITS.getOrDefault(per, per));
        if (!prom.isEmpty() && !t.contains(prom)) {
          t.add("per");
          t.add(prom);
        }
      }
    }
    if (counter) {
      t.removeIf("total"::equals);
      t.add("total");
    }
    if (gauge && unit.equals("1")) {
      t.removeIf("ratio"::equals);
      t.add("ratio");
    }
    String n = String.join("_", t);
    if (!n.isEmpty() && Character.isDigit(n.charAt(0))) {
      n = "_" + n;
    }
    return n;
  }

  /** The Prometheus unit metadata of an OTLP unit: the mapped main unit when it has no per-part or braces, else empty. */
  public static String unit(String unit) {
    if (unit.isEmpty() || unit.contains("/") || unit.contains("{")) {
      return "";
    }
    return cleanUp(UNITS.getOrDefault(unit, unit));
  }

  public static String labelName(String key) {
    if (key.isEmpty()) {
      return key;
    }
    StringBuilder sb = new StringBuilder(key.length() + 4);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      sb.append(alnum(c) ? c : '_');
    }
    String l = sb.toString();
    if (Character.isDigit(l.charAt(0))) {
      return "key_" + l;
    }
    if (l.startsWith("_") && !l.startsWith("__")) {
      return "key" + l;
    }
    return l;
  }
}
