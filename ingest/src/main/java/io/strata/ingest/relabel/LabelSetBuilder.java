package io.strata.ingest.relabel;

import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mutable label set used while relabeling. As in Prometheus, setting a label to the empty string
 * removes it.
 */
public final class LabelSetBuilder {
  private final TreeMap<String, String> labels = new TreeMap<>();

  public LabelSetBuilder() {}

  public LabelSetBuilder(Labels from) {
    reset(from);
  }

  public LabelSetBuilder reset(Labels from) {
    labels.clear();
    for (int i = 0; i < from.size(); i++) {
      set(from.name(i), from.value(i));
    }
    return this;
  }

  /** The value, or "" when absent (Prometheus's Get). */
  public String get(String name) {
    String v = labels.get(name);
    return v == null ? "" : v;
  }

  public boolean has(String name) {
    return labels.containsKey(name);
  }

  public LabelSetBuilder set(String name, String value) {
    if (value == null || value.isEmpty()) {
      labels.remove(name);
    } else {
      labels.put(name, value);
    }
    return this;
  }

  public LabelSetBuilder delete(String name) {
    labels.remove(name);
    return this;
  }

  public int size() {
    return labels.size();
  }

  /** A copy of the current names, safe to iterate while the builder changes. */
  public List<String> names() {
    return new ArrayList<>(labels.keySet());
  }

  public Map<String, String> asMap() {
    return java.util.Collections.unmodifiableMap(labels);
  }

  public Labels toLabels() {
    return Labels.fromMap(labels);
  }
}
