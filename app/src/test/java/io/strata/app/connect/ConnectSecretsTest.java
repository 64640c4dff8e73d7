package io.strata.app.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.junit.jupiter.api.Test;

class ConnectSecretsTest {
  private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"s\" password=\"p1\";";

  @Test
  void secretsBecomeReferencesThatTheWorkersProviderResolvesBack() throws Exception {
    Map<String, String> client = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
        "ssl.truststore.password", "p2", "ssl.keystore.location", "/etc/ks.p12", "ssl.key.password", "${env:KEY_PASSWORD}");
    String registry = "http://strata-registry:p3@127.0.0.1:8081/apis/ccompat/v7";
    ConnectSecrets.Split split = ConnectSecrets.connectorConfig(client, "kafka.client.", "schema.registry.url", registry);

    Map<String, String> c = split.connector();
    assertEquals("SASL_SSL", c.get("kafka.client.security.protocol"));
    assertEquals("/etc/ks.p12", c.get("kafka.client.ssl.keystore.location"));
    assertEquals("${strata:kafka.client.sasl.jaas.config}", c.get("kafka.client.sasl.jaas.config"));
    assertEquals("${strata:kafka.client.ssl.truststore.password}", c.get("kafka.client.ssl.truststore.password"));
    assertEquals("${env:KEY_PASSWORD}", c.get("kafka.client.ssl.key.password"), "a reference already: kept");
    assertEquals("${strata:schema.registry.url}", c.get("schema.registry.url"));
    for (String secret : List.of("p1", "p2", "p3")) {
      assertFalse(c.values().stream().anyMatch(v -> v.contains("\"" + secret + "\"") || v.contains(":" + secret + "@") || v.equals(secret)), secret);
    }

    // what a worker does with the connector config before a task gets it: Kafka's ConfigTransformer over its providers
    Map<String, String> worker = ConnectSecrets.workerConfig(split.secrets(), client);
    assertEquals(List.of("dir", "env", "file", "strata"), List.of(worker.get("config.providers").split(",")));
    ConfigProvider strata = new ConnectSecrets();
    Map<String, Object> params = new HashMap<>();
    params.put("id", worker.get("config.providers.strata.param.id"));
    strata.configure(params);
    Map<String, String> resolved = new ConfigTransformer(Map.of("strata", strata)).transform(c).data();
    assertEquals(JAAS, resolved.get("kafka.client.sasl.jaas.config"));
    assertEquals("p2", resolved.get("kafka.client.ssl.truststore.password"));
    assertEquals(registry, resolved.get("schema.registry.url"));
  }

  @Test
  void aRegistryUrlWithoutCredentialsAndNonSecretsStayAsTheyAre() {
    ConnectSecrets.Split split = ConnectSecrets.connectorConfig(Map.of("security.protocol", "PLAINTEXT"), "kafka.client.", "schema.registry.url",
        "http://127.0.0.1:8081/apis/ccompat/v7");
    assertEquals(Map.of("kafka.client.security.protocol", "PLAINTEXT", "schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7"),
        split.connector());
    assertTrue(split.secrets().isEmpty());
  }

  @Test
  void theClientConfigsOwnProvidersAreKept() {
    Map<String, String> w = ConnectSecrets.workerConfig(Map.of(), Map.of("config.providers", "vault,file",
        "config.providers.file.class", "com.example.MyFileProvider"));
    assertEquals(List.of("vault", "file", "dir", "env", "strata"), List.of(w.get("config.providers").split(",")));
    assertFalse(w.containsKey("config.providers.file.class"), "the client config's own file provider wins: " + w);
  }
}
