package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A file name in prometheus.yml ({@code *_file} settings, {@code file_sd_configs} {@code files}): relative
 * names are relative to the directory of the config file, as Prometheus resolves them; absolute names and
 * configs parsed from a string (no directory) are left as written.
 */
public final class ConfigPath extends JsonDeserializer<String> {
  /** The deserialization attribute holding the config file's directory ({@link Path}). */
  static final String DIR = "strata.configDir";

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    return resolve(p.getValueAsString(), ctxt.getAttribute(DIR));
  }

  static String resolve(String name, Object dir) {
    if (name == null || name.isEmpty() || !(dir instanceof Path d) || Path.of(name).isAbsolute()) {
      return name;
    }
    return d.resolve(name).toString();
  }
}
