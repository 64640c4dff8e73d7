package io.strata.embedded.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real Kafka broker and a schema registry through a {@link TestCluster} parameter.
 * The embedded broker (in-process KRaft on free ports) and the real registry are started once per JVM and
 * shared; every test gets its own topic names from {@link TestCluster#topic}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StrataTestKit.class)
public @interface StrataTest {
  enum Kafka {
    /** In-process KRaft broker: always available. */
    EMBEDDED,
    /** A Testcontainers Kafka broker; the test is skipped cleanly where no Docker engine runs. */
    TESTCONTAINERS
  }

  Kafka kafka() default Kafka.EMBEDDED;

  /** True for the real Apicurio registry (child process); false for an in-memory {@code mock://} registry. */
  boolean realRegistry() default false;
}
