package io.strata.app.compose;

import io.strata.app.cluster.ClusterTopology;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code strata cluster compose}: prints the compose file of the cluster's topology ({@link ComposeFile}). */
@Command(name = "compose", mixinStandardHelpOptions = true,
    description = "Print the cluster's topology as a Docker Compose file (compose/docker-compose.yml is this output): "
        + "the same instances, ports and commands as `cluster up`, brokers from the apache/kafka image, the rest from "
        + "the Strata image (mvn -Pimage).")
public final class ComposeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.print(ComposeFile.render(ClusterTopology.standard()));
    System.out.flush();
    return 0;
  }
}
