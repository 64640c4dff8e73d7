package io.strata.embedded;

import io.strata.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the pipeline's topics (DESIGN.md's table) when absent; existing topics are left as they are. */
public final class TopicProvisioner {
  private TopicProvisioner() {}

  public static List<String> ensure(String bootstrap, List<Topics.Spec> specs, int partitions, short replication) {
    return ensure(bootstrap, Map.of(), specs, partitions, replication);
  }

  /** As {@link #ensure(String, List, int, short)}, with extra client properties (a SASL login allowed to create topics). */
  public static List<String> ensure(String bootstrap, Map<String, String> kafkaClient, List<Topics.Spec> specs, int partitions,
      short replication) {
    Properties p = new Properties();
    p.putAll(kafkaClient);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> create = new ArrayList<>();
      for (Topics.Spec s : specs) {
        if (!existing.contains(s.name())) {
          create.add(new NewTopic(s.name(), partitions, replication).configs(Map.copyOf(s.configs())));
        }
      }
      if (!create.isEmpty()) {
        try {
          admin.createTopics(create).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      return create.stream().map(NewTopic::name).toList();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topics", e);
    }
  }
}
