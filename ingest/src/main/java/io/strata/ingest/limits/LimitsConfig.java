package io.strata.ingest.limits;

import io.strata.schemas.prom.PromDuration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code limits} section of a config file: the defaults for every tenant and per-tenant overrides, each
 * override on top of the section's defaults (a key it does not name keeps the default's value).
 *
 * <pre>
 * limits:
 *   max_label_names_per_series: 40
 *   ingestion_rate: 50000
 *   overrides:
 *     team-a:
 *       ingestion_rate: 200000
 * </pre>
 *
 * Unknown keys and bad values are errors naming {@code limits.<key>} (or {@code limits.overrides.<tenant>.<key>}).
 */
public record LimitsConfig(Limits defaults, Map<String, Limits> overrides) {
  /** Every key of a limits block (the section's and each override's). */
  public static final List<String> KEYS = List.of("max_label_names_per_series", "max_label_name_length", "max_label_value_length",
      "max_metadata_length", "ingestion_rate", "ingestion_burst_size", "past_grace_period", "creation_grace_period");

  public LimitsConfig {
    overrides = Map.copyOf(overrides);
  }

  /** The section as parsed from YAML/JSON (null or empty: Mimir's defaults); {@code outOfOrderWindow} is {@code sink.out_of_order_window}. */
  public static LimitsConfig parse(Map<String, ?> section, Duration outOfOrderWindow) {
    Limits base = Limits.defaults().withOutOfOrderWindow(outOfOrderWindow);
    if (section == null || section.isEmpty()) {
      return new LimitsConfig(base, Map.of());
    }
    Map<String, Object> own = new LinkedHashMap<>(section);
    Object rawOverrides = own.remove("overrides");
    Limits defaults = apply(base, own, Limits.PREFIX);
    Map<String, Limits> overrides = new TreeMap<>();
    if (rawOverrides != null) {
      if (!(rawOverrides instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException(Limits.PREFIX + "overrides must map tenant ids to limits, got " + rawOverrides);
      }
      for (var e : m.entrySet()) {
        String tenant = String.valueOf(e.getKey());
        String prefix = Limits.PREFIX + "overrides." + tenant + ".";
        if (!(e.getValue() instanceof Map<?, ?> block)) {
          throw new IllegalArgumentException(prefix.substring(0, prefix.length() - 1) + " must be a map of limits, got " + e.getValue());
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        block.forEach((k, v) -> keys.put(String.valueOf(k), v));
        overrides.put(tenant, apply(defaults, keys, prefix));
      }
    }
    return new LimitsConfig(defaults, overrides);
  }

  private static Limits apply(Limits l, Map<String, Object> keys, String prefix) {
    for (String k : keys.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException(prefix + k + " is not a limit (known: " + KEYS + (prefix.equals(Limits.PREFIX) ? ", overrides" : "") + ")");
      }
    }
    try {
      return new Limits(
          integer(keys, "max_label_names_per_series", l.maxLabelNamesPerSeries(), prefix),
          integer(keys, "max_label_name_length", l.maxLabelNameLength(), prefix),
          integer(keys, "max_label_value_length", l.maxLabelValueLength(), prefix),
          integer(keys, "max_metadata_length", l.maxMetadataLength(), prefix),
          number(keys, "ingestion_rate", l.ingestionRate(), prefix),
          integer(keys, "ingestion_burst_size", l.ingestionBurstSize(), prefix),
          duration(keys, "past_grace_period", l.pastGracePeriod(), prefix),
          l.outOfOrderWindow(),
          duration(keys, "creation_grace_period", l.creationGracePeriod(), prefix));
    } catch (IllegalArgumentException e) {
      // the record names limits.<key>; an override's block names its tenant too
      throw new IllegalArgumentException(prefix.equals(Limits.PREFIX) ? e.getMessage() : e.getMessage().replace(Limits.PREFIX, prefix), e);
    }
  }

  private static int integer(Map<String, Object> keys, String key, int dflt, String prefix) {
    Object v = keys.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Integer i) {
      return i;
    }
    throw new IllegalArgumentException(prefix + key + " must be an integer, got " + v);
  }

  private static double number(Map<String, Object> keys, String key, double dflt, String prefix) {
    Object v = keys.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(prefix + key + " must be a number, got " + v);
  }

  private static Duration duration(Map<String, Object> keys, String key, Duration dflt, String prefix) {
    Object v = keys.get(key);
    if (v == null) {
      return dflt;
    }
    String s = String.valueOf(v);
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    try {
      return Duration.ofMillis(PromDuration.parseMillis(s));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(prefix + key + ": \"" + s + "\" is not a duration like 10m or 1h (0 turns the check off)");
    }
  }
}
