package io.strata.ingest.relabel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The relabel actions of Prometheus, named as in YAML (lower case; YAML input is case-insensitive). */
public enum RelabelAction {
  REPLACE, KEEP, DROP, KEEPEQUAL, DROPEQUAL, HASHMOD, LABELMAP, LABELDROP, LABELKEEP, LOWERCASE, UPPERCASE;

  @JsonValue
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static RelabelAction parse(String s) {
    if (s != null) {
      String lower = s.toLowerCase(Locale.ROOT);
      for (RelabelAction a : values()) {
        if (a.yamlName().equals(lower)) {
          return a;
        }
      }
    }
    throw new IllegalArgumentException("unknown relabel action \"" + s + "\"");
  }

  @Override
  public String toString() {
    return yamlName();
  }
}
