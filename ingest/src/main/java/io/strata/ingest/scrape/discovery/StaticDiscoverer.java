package io.strata.ingest.scrape.discovery;

import io.strata.ingest.scrape.config.StaticConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** {@code static_configs}: one update at start. */
public final class StaticDiscoverer implements Discoverer {
  private final List<TargetGroup> groups = new ArrayList<>();

  public StaticDiscoverer(List<StaticConfig> configs) {
    for (int i = 0; i < configs.size(); i++) {
      StaticConfig c = configs.get(i);
      List<Map<String, String>> targets = new ArrayList<>();
      for (String t : c.targets()) {
        targets.add(Map.of("__address__", t));
      }
      groups.add(new TargetGroup("static:" + i, targets, c.labels()));
    }
  }

  @Override
  public void start(Consumer<List<TargetGroup>> onUpdate) {
    onUpdate.accept(List.copyOf(groups));
  }

  @Override
  public void close() {}
}
