package io.strata.app.up;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code strata up} configuration file (YAML). Every key is optional; command-line flags override it.
 * Unknown keys are an error naming the key, so a typo never passes silently.
 */
public record StrataConfig(
    @JsonProperty("host") String host,
    @JsonProperty("data_dir") String dataDir,
    @JsonProperty("ports") PortsConfig ports,
    @JsonProperty("kafka") KafkaConfig kafka,
    @JsonProperty("rule_files") List<String> ruleFiles,
    @JsonProperty("scrape_config") String scrapeConfig,
    @JsonProperty("rollups") RollupsConfig rollups,
    @JsonProperty("sink") SinkConfig sink,
    @JsonProperty("query") QuerySection query,
    @JsonProperty("alerting") Map<String, Object> alerting,
    @JsonProperty("auth") AuthSection auth,
    @JsonProperty("limits") Map<String, Object> limits,
    @JsonProperty("rule_job") Map<String, String> ruleJob) {

  public record PortsConfig(
      @JsonProperty("query") Integer query,
      @JsonProperty("ingest") Integer ingest,
      @JsonProperty("kafka") Integer kafka,
      @JsonProperty("kafka_controller") Integer kafkaController,
      @JsonProperty("registry") Integer registry,
      @JsonProperty("connect") Integer connect) {}

  public record KafkaConfig(@JsonProperty("partitions") Integer partitions, @JsonProperty("topic_prefix") String topicPrefix) {}

  public record RollupsConfig(@JsonProperty("resolutions") List<String> resolutions) {}

  public record SinkConfig(@JsonProperty("commit_interval") String commitInterval,
      @JsonProperty("out_of_order_window") String outOfOrderWindow) {}

  /** {@code query}: {@code replica_labels} for every query server; {@code stores}, {@code partial_response}, {@code store_timeout} for {@code strata query}. */
  public record QuerySection(@JsonProperty("replica_labels") List<String> replicaLabels, @JsonProperty("stores") List<String> stores,
      @JsonProperty("partial_response") Boolean partialResponse, @JsonProperty("store_timeout") String storeTimeout) {}

  /** {@code auth.tenants}: user (of {@code basic_auth_users} in {@code --web.config.file}) to the tenants they may use. */
  public record AuthSection(@JsonProperty("tenants") Map<String, List<String>> tenants) {}

  public static final StrataConfig EMPTY = new StrataConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);

  /**
   * Reads {@code file}, given as {@code --config}.
   *
   * @throws IllegalArgumentException {@code --config <file>: <problem>}, e.g. {@code unknown key "store" in query (known: [...])}
   */
  public static StrataConfig load(Path file) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      StrataConfig c = yaml.readValue(Files.readAllBytes(file), StrataConfig.class);
      return c == null ? EMPTY : c;
    } catch (UnrecognizedPropertyException e) {
      // the path down to the unknown key's parent: "query" for query.store
      String parent = e.getPath().stream().limit(Math.max(0, e.getPath().size() - 1)).map(r -> r.getFieldName() != null ? r.getFieldName()
          : "[" + r.getIndex() + "]").reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
      throw new IllegalArgumentException("--config " + file + ": unknown key \"" + e.getPropertyName() + "\""
          + (parent.isEmpty() ? "" : " in " + parent) + " (known: " + e.getKnownPropertyIds() + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException("--config " + file + ": " + e.getMessage());
    }
  }
}
