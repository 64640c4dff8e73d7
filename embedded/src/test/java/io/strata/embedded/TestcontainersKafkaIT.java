package io.strata.embedded;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import org.junit.jupiter.api.Test;

/** Runs where a Docker engine is available; skipped cleanly elsewhere (as on the project's machines). */
@StrataTest(kafka = StrataTest.Kafka.TESTCONTAINERS)
class TestcontainersKafkaIT {
  @Test
  void containerBrokerAnswers(TestCluster cluster) {
    assertFalse(cluster.createTopic("tc.check", 1).isEmpty());
  }
}
