package io.strata.app.connect;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * Secrets stay out of a distributed Connect group's config topic, through Kafka's config providers. The worker has
 * {@code file}, {@code env} and {@code dir} (Kafka's {@code FileConfigProvider}, {@code EnvVarConfigProvider},
 * {@code DirectoryConfigProvider}) for references a user writes, and {@code strata}, this class: the secrets of the
 * command's own settings, the {@code --kafka-client-config} values Kafka types as passwords ({@code sasl.jaas.config},
 * {@code ssl.key.password}, {@code ssl.keystore.key}, ...) or whose key names a password, and a registry URL's
 * credentials. The connector config {@code strata connect} writes names each by reference,
 * {@code ${strata:kafka.client.sasl.jaas.config}}, {@code ${strata:schema.registry.url}} ({@link #connectorConfig}),
 * and every worker resolves it from its own command line when it starts a task: the config topic holds the reference,
 * the workers need no file at a common path. A value that is a reference already ({@code ${env:VAR}}) is kept as it is.
 */
public final class ConnectSecrets implements ConfigProvider {
  /** The provider name of this worker's own secrets. */
  static final String PROVIDER = "strata";
  private static final Map<String, Map<String, String>> REGISTERED = new ConcurrentHashMap<>();
  private static final Map<String, Class<?>> KAFKA_PROVIDERS = Map.of("file", FileConfigProvider.class, "env", EnvVarConfigProvider.class,
      "dir", DirectoryConfigProvider.class);
  private static final Set<String> PASSWORDS = passwords();

  private Map<String, String> secrets = Map.of();

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

  /** True when the value of the Kafka client setting {@code key} is a secret the config topic must not hold. */
  static boolean secret(String key) {
    return PASSWORDS.contains(key) || key.toLowerCase(Locale.ROOT).contains("password");
  }

  /** What the command puts in the connector config, and what its worker resolves the references from. */
  public record Split(Map<String, String> connector, Map<String, String> secrets) {}

  /**
   * The connector config's {@code kafka.client.*} settings (from {@code clientProperties}) and
   * {@code schema.registry.url}, with every secret replaced by its {@code ${strata:...}} reference; the secrets go to
   * the worker ({@link #workerConfig}).
   *
   * @param clientPrefix the connector config's prefix of Kafka client settings
   */
  public static Split connectorConfig(Map<String, String> clientProperties, String clientPrefix, String registryKey, String registryUrl) {
    Map<String, String> connector = new TreeMap<>();
    Map<String, String> secrets = new TreeMap<>();
    clientProperties.forEach((k, v) -> {
      String key = clientPrefix + k;
      if (secret(k) && !v.contains("${")) {
        secrets.put(key, v);
        connector.put(key, "${" + PROVIDER + ":" + key + "}");
      } else {
        connector.put(key, v);
      }
    });
    if (java.net.URI.create(registryUrl).getRawUserInfo() != null) {
      secrets.put(registryKey, registryUrl);
      connector.put(registryKey, "${" + PROVIDER + ":" + registryKey + "}");
    } else {
      connector.put(registryKey, registryUrl);
    }
    return new Split(connector, secrets);
  }

  /**
   * The worker's {@code config.providers}: {@code strata} holding {@code secrets}, and {@code file}, {@code env} and
   * {@code dir}, after any the client config (whose settings the worker also takes) defines itself.
   */
  public static Map<String, String> workerConfig(Map<String, String> secrets, Map<String, String> clientProperties) {
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
    new TreeMap<>(KAFKA_PROVIDERS).forEach((name, cls) -> {
      if (names.add(name) || !clientProperties.containsKey("config.providers." + name + ".class")) {
        m.put("config.providers." + name + ".class", cls.getName());
      }
    });
    names.add(PROVIDER);
    String id = UUID.randomUUID().toString();
    REGISTERED.put(id, Map.copyOf(secrets));
    m.put("config.providers." + PROVIDER + ".class", ConnectSecrets.class.getName());
    m.put("config.providers." + PROVIDER + ".param.id", id);
    m.put("config.providers", String.join(",", names));
    return m;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    Object id = configs.get("id");
    Map<String, String> s = id == null ? null : REGISTERED.get(id.toString());
    if (s == null) {
      throw new IllegalStateException("BUG: config provider " + PROVIDER + " names no registered secrets: " + id);
    }
    secrets = s;
  }

  @Override
  public ConfigData get(String path) {
    return new ConfigData(path == null || path.isEmpty() ? secrets : Map.of());
  }

  @Override
  public ConfigData get(String path, Set<String> keys) {
    Map<String, String> out = new HashMap<>();
    if (path == null || path.isEmpty()) {
      for (String k : keys) {
        String v = secrets.get(k);
        if (v != null) {
          out.put(k, v);
        }
      }
    }
    return new ConfigData(out);
  }

  @Override
  public void close() {}
}
