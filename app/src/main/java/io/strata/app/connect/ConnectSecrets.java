package io.strata.app.connect;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * Secrets stay out of a distributed Connect group's config topic: the worker has Kafka's config providers {@code file},
 * {@code env} and {@code dir} ({@link #workerProviders}), and the connector config {@code strata connect} writes names
 * each secret of {@code --kafka-client-config} by reference, {@code ${file:<that file>:<key>}} ({@link #references}),
 * which every worker resolves from its own copy of the file when it starts a task (so the file must be at the same
 * path on every worker of the group). A value that is already a reference ({@code ${env:VAR}}, {@code ${dir:...}}) is
 * kept as it is. Secrets: the client settings Kafka types as passwords ({@code sasl.jaas.config},
 * {@code ssl.key.password}, {@code ssl.keystore.key}, ...) and any key naming a password.
 */
public final class ConnectSecrets {
  private ConnectSecrets() {}

  private static final Map<String, Class<?>> PROVIDERS = Map.of("file", FileConfigProvider.class, "env", EnvVarConfigProvider.class,
      "dir", DirectoryConfigProvider.class);

  private static final Set<String> PASSWORDS = passwords();

  private static Set<String> passwords() {
    Set<String> out = new java.util.HashSet<>();
    for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef())) {
      def.configKeys().forEach((k, key) -> {
        if (key.type == ConfigDef.Type.PASSWORD) {
          out.add(k);
        }
      });
    }
    return Set.copyOf(out);
  }

  /** True when {@code key}'s value is a secret the config topic must not hold. */
  static boolean secret(String key) {
    return PASSWORDS.contains(key) || key.toLowerCase(Locale.ROOT).contains("password");
  }

  /** {@code properties} (read from {@code file}) with every secret value replaced by its {@code ${file:...}} reference. */
  public static Map<String, String> references(Map<String, String> properties, Path file) {
    Map<String, String> out = new TreeMap<>(properties);
    properties.forEach((k, v) -> {
      if (secret(k) && !v.contains("${")) {
        out.put(k, "${file:" + file + ":" + k + "}");
      }
    });
    return out;
  }

  /**
   * The worker's {@code config.providers}: {@code file}, {@code env} and {@code dir}, after any the client config
   * (whose settings the worker also takes) defines itself.
   */
  public static Map<String, String> workerProviders(Map<String, String> clientProperties) {
    Set<String> names = new LinkedHashSet<>();
    String own = clientProperties.get("config.providers");
    if (own != null) {
      for (String n : own.split(",")) {
        if (!n.isBlank()) {
          names.add(n.trim());
        }
      }
    }
    Map<String, String> m = new HashMap<>();
    PROVIDERS.forEach((name, cls) -> {
      if (names.add(name) || !clientProperties.containsKey("config.providers." + name + ".class")) {
        m.put("config.providers." + name + ".class", cls.getName());
      }
    });
    m.put("config.providers", String.join(",", names));
    return m;
  }
}
