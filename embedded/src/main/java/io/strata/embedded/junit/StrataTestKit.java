package io.strata.embedded.junit;

import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import io.strata.embedded.RegistryProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The JUnit 5 extension behind {@link StrataTest}. Shared resources close when the JVM's test run ends. */
public final class StrataTestKit implements ParameterResolver, ExecutionCondition {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StrataTestKit.class);

  /** Skips a Testcontainers test class cleanly where no Docker engine runs. */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext ec) {
    StrataTest cfg = ec.getTestClass().map(c -> c.getAnnotation(StrataTest.class)).orElse(null);
    if (cfg == null || cfg.kafka() != StrataTest.Kafka.TESTCONTAINERS) {
      return ConditionEvaluationResult.enabled("embedded broker");
    }
    return ContainerResource.dockerAvailable()
        ? ConditionEvaluationResult.enabled("Docker engine available")
        : ConditionEvaluationResult.disabled("no Docker engine: Testcontainers Kafka test skipped");
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    return pc.getParameter().getType() == TestCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    StrataTest cfg = ec.getRequiredTestClass().getAnnotation(StrataTest.class);
    StrataTest.Kafka kind = cfg == null ? StrataTest.Kafka.EMBEDDED : cfg.kafka();
    boolean realRegistry = cfg != null && cfg.realRegistry();
    ExtensionContext.Store root = ec.getRoot().getStore(NS);
    String bootstrap = switch (kind) {
      case EMBEDDED -> root.getOrComputeIfAbsent("broker", k -> new BrokerResource(), BrokerResource.class).broker.bootstrapServers();
      case TESTCONTAINERS -> root.getOrComputeIfAbsent("container", k -> ContainerResource.start(), ContainerResource.class).bootstrap();
    };
    String registry = realRegistry
        ? root.getOrComputeIfAbsent("registry", k -> new RegistryResource(), RegistryResource.class).registry.url()
        : "mock://" + UUID.randomUUID();
    return new TestCluster(bootstrap, registry);
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final class BrokerResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final KafkaBroker broker;

    BrokerResource() {
      int[] ports = Ports.free(2);
      broker = KafkaBroker.start(tempDir("strata-kafka-"), "127.0.0.1", ports[0], ports[1],
          Map.of("log.retention.check.interval.ms", "3600000"));
    }

    @Override
    public void close() {
      broker.close();
    }
  }

  static final class RegistryResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final RegistryProcess registry;

    RegistryResource() {
      registry = RegistryProcess.start(RegistryProcess.locateHome(null), tempDir("strata-registry-"), "127.0.0.1", Ports.free());
    }

    @Override
    public void close() {
      registry.close();
    }
  }

  /** Testcontainers Kafka, loaded only when asked for, so its absence from a test classpath is no error. */
  static final class ContainerResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final AutoCloseable container;
    private final String bootstrap;

    private ContainerResource(AutoCloseable container, String bootstrap) {
      this.container = container;
      this.bootstrap = bootstrap;
    }

    private static Boolean docker;

    /** Asked once per JVM: Testcontainers' probe takes seconds when no engine answers. */
    static synchronized boolean dockerAvailable() {
      if (docker == null) {
        try {
          docker = org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
          docker = false; // Testcontainers absent from the classpath, or no engine
        }
      }
      return docker;
    }

    static ContainerResource start() {
      var c = new org.testcontainers.kafka.KafkaContainer("apache/kafka:4.2.1");
      c.start();
      return new ContainerResource(c, c.getBootstrapServers());
    }

    String bootstrap() {
      return bootstrap;
    }

    @Override
    public void close() throws Exception {
      container.close();
    }
  }
}
