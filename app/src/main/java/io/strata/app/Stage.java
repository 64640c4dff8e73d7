package io.strata.app;

/**
 * What the per-stage commands' common options ({@link StageFlags}) resolve differently per stage.
 *
 * @param name the command's name, the {@code strata <name>: } of its errors and console lines
 * @param portRole how a busy port is named ({@code ingest port 127.0.0.1:9091 is already in use ...})
 * @param portKey the strata.yml key of its port ({@code ports.ingest}), or null when {@code strata up} has none for it
 * @param defaultPort the port without flag and key
 * @param kafkaOptional true when the stage runs without Kafka unless {@code --bootstrap} is given ({@code strata query})
 * @param dataSubdir the folder under {@code data_dir} (or the default {@code ./data}) that is this process's directory
 *     when {@code --data-dir} is not given ({@code kafka}: {@code ./data/kafka}, as {@code strata up} lays it out);
 *     empty: {@code data_dir} itself
 */
public record Stage(String name, String portRole, String portKey, int defaultPort, boolean kafkaOptional, String dataSubdir) {
  /** A stage whose directory is {@code data_dir} itself. */
  public Stage(String name, String portRole, String portKey, int defaultPort, boolean kafkaOptional) {
    this(name, portRole, portKey, defaultPort, kafkaOptional, "");
  }
}
