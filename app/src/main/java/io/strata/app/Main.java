package io.strata.app;

import io.strata.app.cluster.ClusterCommand;
import io.strata.app.connect.ConnectCommand;
import io.strata.app.delivery.DeliveryCommand;
import io.strata.app.flink.FlinkCommand;
import io.strata.app.ingest.IngestCommand;
import io.strata.app.kafka.KafkaCommand;
import io.strata.app.query.QueryCommand;
import io.strata.app.registry.RegistryCommand;
import io.strata.app.rules.RulesCommand;
import io.strata.app.streams.StreamsCommand;
import io.strata.app.tsdb.TsdbCommand;
import io.strata.app.up.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/** The {@code strata} command. */
@Command(name = "strata", mixinStandardHelpOptions = true, version = "strata 0.1.0",
    description = "Kafka-native metrics pipeline: ingest, rollups, alert rules, TSDB, PromQL query API.",
    subcommands = {UpCommand.class, IngestCommand.class, StreamsCommand.class, FlinkCommand.class, ConnectCommand.class, QueryCommand.class, RulesCommand.class, DeliveryCommand.class, TsdbCommand.class,
        KafkaCommand.class, RegistryCommand.class, ClusterCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || !isLongRunning(args)) {
      System.exit(code);
    }
  }

  /** The {@code strata} command line as {@link #main} runs it. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setParameterExceptionHandler(Main::badUsage);
  }

  /**
   * A command line picocli cannot parse: one line {@code strata <command>: <problem>; see strata <command> --help}
   * instead of the whole usage, as every refusal of a stage reads; exit code 2.
   */
  static int badUsage(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String name = cmd.getCommandSpec().qualifiedName(" ");
    cmd.getErr().println(name + ": " + e.getMessage() + "; see " + name + " --help");
    cmd.getErr().flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static boolean isLongRunning(String[] args) {
    return args.length > 0 && (args[0].equals("up") || args[0].equals("ingest") || args[0].equals("query") || args[0].equals("delivery")
        || args[0].equals("streams") || args[0].equals("connect") || args[0].equals("kafka") || args[0].equals("registry"))
        || FlinkCommand.isLongRunning(args);
  }
}
