package io.strata.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSecurityTest {
  @TempDir Path dir;

  @Test
  void passwordsAreRandomPrivateAndStableAcrossRestarts() throws Exception {
    KafkaSecurity first = KafkaSecurity.load(dir);
    String ingest = first.password("strata-ingest");
    String admin = first.password(KafkaSecurity.ADMIN);
    assertNotEquals(ingest, admin);
    assertTrue(ingest.length() >= 32, ingest);
    Path file = dir.resolve("secrets.properties");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    KafkaSecurity restarted = KafkaSecurity.load(dir);
    assertEquals(ingest, restarted.password("strata-ingest"));
    assertEquals(admin, restarted.password(KafkaSecurity.ADMIN));
    assertTrue(restarted.client("strata-ingest").get("sasl.jaas.config").contains("password=\"" + ingest + "\""));
    assertEquals("SCRAM-SHA-512", restarted.client("strata-ingest").get("sasl.mechanism"));
    assertEquals("PLAIN", restarted.client(KafkaSecurity.ADMIN).get("sasl.mechanism"));
  }

  @Test
  void theBrokerDeniesWhatNoAclAllows() {
    var broker = KafkaSecurity.load(dir).brokerConfig("127.0.0.1", 9092, 9095);
    assertEquals("false", broker.get("allow.everyone.if.no.acl.found"));
    assertEquals("SASL_PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9095", broker.get("listeners"));
    assertEquals("SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT", broker.get("listener.security.protocol.map"));
  }
}
