package io.strata.schemas.model;

import io.strata.avro.Label;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable label set sorted by name, {@code __name__} included. Names and values are kept in one
 * flat array (name0, value0, name1, value1, ...) so that hashing and encoding walk one array.
 */
public final class Labels implements Comparable<Labels> {
  public static final String METRIC_NAME = "__name__";
  public static final Labels EMPTY = new Labels(new String[0]);

  private final String[] pairs;
  private int hash;

  private Labels(String[] sortedPairs) {
    this.pairs = sortedPairs;
  }

  /** Builds from alternating name/value arguments; sorts by name; rejects duplicates. */
  public static Labels of(String... nameValues) {
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("labels need name/value pairs, got " + nameValues.length + " strings");
    }
    TreeMap<String, String> m = new TreeMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      if (m.put(nameValues[i], nameValues[i + 1]) != null) {
        throw new IllegalArgumentException("duplicate label name " + nameValues[i]);
      }
    }
    return fromSorted(m);
  }

  public static Labels fromMap(Map<String, String> map) {
    return fromSorted(new TreeMap<>(map));
  }

  private static Labels fromSorted(TreeMap<String, String> m) {
    String[] p = new String[m.size() * 2];
    int i = 0;
    for (var e : m.entrySet()) {
      p[i++] = e.getKey();
      p[i++] = e.getValue();
    }
    return new Labels(p);
  }

  /** From Avro labels, which the contract says are already sorted; sorts if they are not. */
  public static Labels fromAvro(List<Label> labels) {
    String[] p = new String[labels.size() * 2];
    boolean sorted = true;
    for (int i = 0; i < labels.size(); i++) {
      p[2 * i] = labels.get(i).getName();
      p[2 * i + 1] = labels.get(i).getValue();
      if (i > 0 && p[2 * i].compareTo(p[2 * i - 2]) <= 0) {
        sorted = false;
      }
    }
    if (sorted) {
      return new Labels(p);
    }
    TreeMap<String, String> m = new TreeMap<>();
    for (Label l : labels) {
      m.put(l.getName(), l.getValue());
    }
    return fromSorted(m);
  }

  public List<Label> toAvro() {
    List<Label> out = new ArrayList<>(size());
    for (int i = 0; i < pairs.length; i += 2) {
      out.add(new Label(pairs[i], pairs[i + 1]));
    }
    return out;
  }

  public int size() {
    return pairs.length / 2;
  }

  public String name(int i) {
    return pairs[2 * i];
  }

  public String value(int i) {
    return pairs[2 * i + 1];
  }

  /** The value of a label, or null when absent. */
  public String get(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      int c = pairs[i].compareTo(name);
      if (c == 0) {
        return pairs[i + 1];
      }
      if (c > 0) {
        return null;
      }
    }
    return null;
  }

  public String metricName() {
    return get(METRIC_NAME);
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  /** A copy without the given label names. */
  public Labels without(String... names) {
    TreeMap<String, String> m = new TreeMap<>(toMap());
    for (String n : names) {
      m.remove(n);
    }
    return fromSorted(m);
  }

  /** A copy with one label set (replaced when present). */
  public Labels with(String name, String value) {
    TreeMap<String, String> m = new TreeMap<>(toMap());
    m.put(name, value);
    return fromSorted(m);
  }

  /** True when the name is a valid Prometheus label name. */
  public static boolean isValidName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** True when the name is a valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*). */
  public static boolean isValidMetricName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels other && Arrays.equals(pairs, other.pairs);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(pairs);
      hash = h;
    }
    return h;
  }

  @Override
  public int compareTo(Labels o) {
    int n = Math.min(pairs.length, o.pairs.length);
    for (int i = 0; i < n; i++) {
      int c = pairs[i].compareTo(o.pairs[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(pairs.length, o.pairs.length);
  }

  /** Prometheus's notation: {@code name{a="b", c="d"}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    String name = metricName();
    if (name != null) {
      sb.append(name);
    }
    sb.append('{');
    boolean first = true;
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(METRIC_NAME)) {
        continue;
      }
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(pairs[i]).append("=\"").append(pairs[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
    }
    return sb.append('}').toString();
  }
}
