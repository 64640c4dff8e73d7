package io.strata.ingest.scrape.discovery;

import java.util.List;
import java.util.function.Consumer;

/** A source of target groups. Each update carries the complete current list of this discoverer's groups. */
public interface Discoverer extends AutoCloseable {
  /** Starts discovery; {@code onUpdate} may be called from any thread, never concurrently. */
  void start(Consumer<List<TargetGroup>> onUpdate);

  @Override
  void close();
}
