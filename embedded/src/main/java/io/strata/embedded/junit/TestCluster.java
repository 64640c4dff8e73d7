package io.strata.embedded.junit;

import io.strata.embedded.TopicProvisioner;
import io.strata.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** What a test gets: where Kafka and the registry are, and unique topic names. */
public final class TestCluster {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private final String bootstrap;
  private final String registryUrl;

  TestCluster(String bootstrap, String registryUrl) {
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  /** {@code http://...} for a real registry, {@code mock://...} otherwise. */
  public String registryUrl() {
    return registryUrl;
  }

  /** A topic prefix no other test in this JVM uses, e.g. {@code t7.}. */
  public String uniquePrefix() {
    return "t" + SEQ.incrementAndGet() + ".";
  }

  /** Creates a topic (retention off, so old event times are not deleted) and returns its name. */
  public String createTopic(String name, int partitions) {
    TopicProvisioner.ensure(bootstrap, List.of(new Topics.Spec(name, Map.of("retention.ms", "-1"))), partitions, (short) 1);
    return name;
  }
}
