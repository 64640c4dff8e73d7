package io.strata.app.flink;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code strata flink}: the Flink session cluster's processes and the rule job's submission to it. */
@Command(name = "flink", mixinStandardHelpOptions = true,
    description = "A Flink session cluster from Maven Central jars (JobManager, TaskManagers) and the alert rule job submitted to it.",
    subcommands = {JobManagerCommand.class, TaskManagerCommand.class, SubmitCommand.class})
public final class FlinkCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The long-running subcommands (Main does not exit after them: their shutdown hook ends the process). */
  public static boolean isLongRunning(String[] args) {
    return args.length > 1 && args[0].equals("flink") && (args[1].equals("jobmanager") || args[1].equals("taskmanager"));
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** GET of a Flink REST path; the body on 200, null when it does not answer 200. */
  static String get(String restUrl, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl + path)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
