package io.strata.app;

/**
 * What the per-stage commands' common options ({@link StageFlags}) resolve differently per stage.
 *
 * @param name the command's name, the {@code strata <name>: } of its errors and console lines
 * @param portRole how a busy port is named ({@code ingest port 127.0.0.1:9091 is already in use ...})
 * @param portKey the strata.yml key of its port ({@code ports.ingest}), or null when {@code strata up} has none for it
 * @param defaultPort the port without flag and key
 * @param kafkaOptional true when the stage runs without Kafka unless {@code --bootstrap} is given ({@code strata query})
 */
public record Stage(String name, String portRole, String portKey, int defaultPort, boolean kafkaOptional) {}
