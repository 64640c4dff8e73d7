package io.strata.app.up;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The prometheus.yml given to {@code strata up} as scrape config, read as plain YAML for the sections other
 * stages than scraping take from it: {@code alerting} ({@link AlertingSource}), {@code rule_files} and
 * {@code global.evaluation_interval} / {@code global.external_labels} ({@link RuleSource}). Read again at
 * every reload.
 */
final class PrometheusYml {
  private PrometheusYml() {}

  /** The file's top-level keys (empty for an empty file). @throws IllegalArgumentException naming the file */
  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) {
    try {
      Map<String, Object> yml = new ObjectMapper(new YAMLFactory()).readValue(Files.readAllBytes(file), Map.class);
      return yml == null ? new HashMap<>() : new HashMap<>(yml);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
