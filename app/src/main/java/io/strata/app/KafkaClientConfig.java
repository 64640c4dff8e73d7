package io.strata.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --kafka-client-config FILE} of the per-stage commands, as {@code --command-config} of Kafka's own tools: a
 * Java properties file of Kafka client settings (e.g. {@code security.protocol}, {@code sasl.mechanism},
 * {@code sasl.jaas.config}) applied to every Kafka client the command creates. The file is read while the command
 * line is parsed: a missing or unreadable file is a usage error (exit 2) naming it.
 */
public final class KafkaClientConfig {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private Map<String, String> properties = Map.of();

  @Option(names = "--kafka-client-config", paramLabel = "FILE",
      description = "Kafka client properties (e.g. security.protocol, sasl.mechanism, sasl.jaas.config for a SASL broker) "
          + "applied to every Kafka client of this command, as --command-config of Kafka's tools")
  void file(Path file) {
    try {
      properties = read(file);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The file's properties (none without the option). */
  public Map<String, String> properties() {
    return properties;
  }

  /**
   * The properties of {@code file}.
   *
   * @throws IllegalArgumentException naming the file when it is missing or cannot be read
   */
  public static Map<String, String> read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("--kafka-client-config " + file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--kafka-client-config " + file + ": cannot read it: " + e.getMessage());
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return Map.copyOf(out);
  }
}
